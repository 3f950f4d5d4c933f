"""Facts about PDFs (pages, size, text, active content), cached by content hash; a PDF is read
(:mod:`proceedings.inputs.pdf_reader`) only when its content is new."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..model.pdf_facts import PdfFacts
from ..util.files import file_hash, read_json, replacing, signature_if_file
from ..util.processes import deaf_children, worker_pool
from ..util.progress import progress

# Bump when the extraction or its messages change, so that old cache entries are not reused.
_CACHE_VERSION = 11


class PdfCache:
    """PDF facts by content hash under ``folder``: every PDF's in one file, read at once, and each
    text in a file of its own, read only for a page made anew (every text read with the facts was
    0.05 s of an edited abstract's build at 1,000 papers). The texts of the PDFs read in this run
    are held here until :meth:`put_all` stores them with their facts.

    The cache is the build's own, but a hand may damage it: an entry that is not as the build wrote
    it (its digest tells), or whose text file is gone or not of the size stored with it, has its PDF
    read again; a text of that size but other contents is an error naming its file (:meth:`text`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        """Where the cache entries live (under ``_build/``)."""
        self.texts: dict[str, str] = {}
        """The texts of the PDFs read in this run, by hash, until they are stored."""
        self._stored: dict[str, tuple[PdfFacts, list]] | None = None

    @property
    def _facts_file(self) -> Path:
        return self.folder / f"facts.v{_CACHE_VERSION}.json"

    def _text_file(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.v{_CACHE_VERSION}.txt"

    def _stored_facts(self) -> dict[str, tuple[PdfFacts, list]]:
        """The stored facts by hash, each with its text's size in bytes and SHA-256 (none without a text)."""
        if self._stored is None:
            self._stored = {}
            stored = read_json(self._facts_file, {})
            entries = stored.get("entries")
            entries = entries if isinstance(entries, dict) else {}
            # Each entry's digest checked only when the file's is not that of its entries (changed by
            # hand): checking a thousand of them took 0.04 s of every build's load.
            whole = stored.get("digest") == _digest(entries)
            for sha256, entry in entries.items():
                if stored_entry := _stored_entry(sha256, entry, whole):
                    self._stored[sha256] = stored_entry
        return self._stored

    def get(self, sha256: str) -> PdfFacts | None:
        """The cached facts for this hash, if any, and their text if they have one."""
        facts, text = self._stored_facts().get(sha256, (None, []))
        file = signature_if_file(self._text_file(sha256)) if facts and text else None
        return None if text and (file is None or file[0] != text[0]) else facts

    def text(self, sha256: str) -> str:
        """The text of the PDF of this hash, which has one: read in this run, or stored. Raises
        :class:`OSError` naming the file when the stored one cannot be read, or holds another text
        than was stored (changed by hand since the facts were read), which the command reports as
        one of the build's own files: a page must not be published without its PDF's text."""
        if sha256 in self.texts:
            return self.texts[sha256]
        path = self._text_file(sha256)
        data = path.read_bytes()
        _, (_, digest) = self._stored_facts()[sha256]
        if hashlib.sha256(data).hexdigest() != digest:
            raise OSError(errno.EILSEQ, "it holds another text than the build stored there", str(path))
        return data.decode("utf-8")

    def put_all(self, found: Iterable[PdfFacts]) -> None:
        """Make the cache hold the facts of ``found`` (every PDF of the volume) that this cache read
        or holds, but errors (which a password or a new pypdf may cure) and those of encrypted files
        (whose password must open them in every check), with their texts; the entries of other PDFs
        (replaced, removed) and of an earlier version of the cache go. Atomically, so that a killed
        build never leaves half an entry: each text before the facts that name it. The texts held
        are let go then: they are read from their files."""
        stored = self._stored_facts()
        kept: dict[str, tuple[PdfFacts, list]] = {}
        for facts in found:
            if facts.error or facts.encrypted:
                continue
            if facts.sha256 in self.texts:  # read in this run: its text's size and digest are set below
                kept[facts.sha256] = (facts, [])
            elif facts.sha256 in stored:  # else read by another cache, whose text this one does not have
                kept[facts.sha256] = stored[facts.sha256]
        for sha256, text in self.texts.items():
            if sha256 in kept and kept[sha256][0].has_text:
                data = text.encode("utf-8")
                with replacing(self._text_file(sha256)) as temporary:
                    temporary.write_bytes(data)
                kept[sha256] = (kept[sha256][0], [len(data), hashlib.sha256(data).hexdigest()])
        self.texts.clear()
        if kept == stored:
            return
        entries = {sha256: _entry(facts, text) for sha256, (facts, text) in kept.items()}
        with replacing(self._facts_file) as temporary:
            temporary.write_text(json.dumps({"digest": _digest(entries), "entries": entries}, ensure_ascii=False), "utf-8")
        self._stored = kept
        named = {self._facts_file.name, *(self._text_file(sha256).name for sha256, (_, text) in kept.items() if text)}
        for file in self.folder.iterdir():
            if file.name not in named:
                file.unlink(missing_ok=True)


def _entry(facts: PdfFacts, text: list) -> dict:
    """The stored entry of ``facts`` and their text's size and SHA-256 (empty without a text), with
    a digest of both: an entry changed by hand (a page count, a size: values of the right kind, which
    the pages and citations would show) no longer matches it."""
    stored = [asdict(facts), text]
    return {"facts": stored[0], "text": text, "digest": _digest(stored)}


def _digest(value: object) -> str:
    """A digest of a value read from JSON, whatever the order of its keys."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _stored_entry(sha256: str, entry: Any, checked: bool = False) -> tuple[PdfFacts, list] | None:
    """The facts of a stored entry for this hash and its text's size and digest, if it is as the
    build wrote it (:func:`_entry`): its digest is checked unless the whole file's was (``checked``)."""
    if not (isinstance(entry, dict) and entry.keys() == {"facts", "text", "digest"} and isinstance(entry["facts"], dict)):
        return None
    try:
        facts = PdfFacts(**{**entry["facts"], "active": tuple(entry["facts"].get("active", ()))})
    except TypeError:  # a field gone or added
        return None
    as_written = facts.sha256 == sha256 and (checked or _entry(facts, entry["text"])["digest"] == entry["digest"])
    return (facts, entry["text"]) if as_written else None


def pdf_facts(paths: list[Path], cache: PdfCache, workers: int | None = None,
              passwords: dict[Path, str] | None = None, digests: Mapping[Path, str] | None = None) -> dict[Path, PdfFacts]:
    """Facts for every path: from the cache when the content is known, else parsed (in parallel,
    their texts held by ``cache``); ``passwords`` opens encrypted files; ``digests`` are the
    contents' SHA-256 the caller already knows (the others are computed: at 2 MB a paper, a second a
    build for 1,000 papers).

    Nothing is written: the build stores the facts with :meth:`PdfCache.put_all` once the inputs are valid.
    """
    passwords, digests = passwords or {}, digests or {}
    hashes = {path: digests.get(path) or file_hash(path) for path in paths}
    found = {path: cache.get(sha) for path, sha in hashes.items()}
    # A PDF read now is hashed now: its facts must not be cached under the digest of what it held
    # when the caller hashed it, had it been replaced since.
    for path in [path for path, facts in found.items() if facts is None and path in digests]:
        hashes[path] = file_hash(path)
        found[path] = cache.get(hashes[path])
    todo = sorted({hashes[path]: path for path, facts in found.items() if facts is None}.items())
    if todo:
        jobs = [(path, sha, passwords.get(path, "")) for sha, path in todo]
        parsed = {}
        for (sha, _), (facts, text) in zip(todo, _parse_all(jobs, workers), strict=True):
            parsed[sha] = facts
            cache.texts[sha] = text
    return {path: facts or parsed[hashes[path]] for path, facts in found.items()}


def _parse_all(jobs: list[tuple[Path, str, str]], workers: int | None) -> list[tuple[PdfFacts, str]]:
    # Here, not at the top: pypdf and pdfium took a tenth of a second to import in every build, most
    # of which read no new PDF.
    from .pdf_reader import read_pdf

    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return list(progress((read_pdf(*job) for job in jobs), len(jobs), "PDF facts"))
    with worker_pool(workers) as pool:
        # Small chunks keep the workers evenly loaded and the progress bar moving.
        with deaf_children():
            facts = pool.map(read_pdf, *zip(*jobs, strict=True), chunksize=max(1, min(8, len(jobs) // (workers * 4))))
        return list(progress(facts, len(jobs), "PDF facts"))
