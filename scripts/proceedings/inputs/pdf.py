"""Facts about PDFs (pages, size, text, active content), cached by content hash; a PDF is read
(:mod:`proceedings.inputs.pdf_reader`) only when its content is new."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path

from ..model.pdf_facts import PdfFacts
from ..util.files import file_hash, read_json, replacing
from ..util.processes import deaf_children, worker_pool
from ..util.progress import progress

# Bump when the extraction or its messages change, so that old cache entries are not reused.
_CACHE_VERSION = 8


class PdfCache:
    """PDF facts by content hash under ``folder``: every PDF's in one file, read at once, and each
    text in a file of its own, read only for a page made anew (every text read with the facts was
    0.05 s of an edited abstract's build at 1,000 papers). The texts of the PDFs read in this run
    are held here until :meth:`put_all` stores them with their facts."""

    def __init__(self, folder: Path):
        self.folder = folder
        """Where the cache entries live (under ``_build/``)."""
        self.texts: dict[str, str] = {}
        """The texts of the PDFs read in this run, by hash, until they are stored."""
        self._stored: dict[str, PdfFacts] | None = None

    @property
    def _facts_file(self) -> Path:
        return self.folder / f"facts.v{_CACHE_VERSION}.json"

    def _text_file(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.v{_CACHE_VERSION}.txt"

    def _stored_facts(self) -> dict[str, PdfFacts]:
        if self._stored is None:
            self._stored = {}
            for sha256, data in read_json(self._facts_file, {}).items():
                with suppress(TypeError):  # an entry damaged by hand: the PDF is read again
                    self._stored[sha256] = PdfFacts(**{**data, "active": tuple(data.get("active", ()))})
        return self._stored

    def get(self, sha256: str) -> PdfFacts | None:
        """The cached facts for this hash, if any, and their text if they have one: a text file
        gone or emptied (by hand, or by a machine that lost its power) has the PDF read again."""
        facts = self._stored_facts().get(sha256)
        return None if facts and facts.has_text and not self._text_stored(sha256) else facts

    def _text_stored(self, sha256: str) -> bool:
        try:
            return self._text_file(sha256).stat().st_size > 0
        except OSError:
            return False

    def text(self, sha256: str) -> str:
        """The text of the PDF of this hash, which has one: read in this run, or stored. Raises
        :class:`OSError` naming the file when the stored one cannot be read (removed or damaged by
        hand since the facts were read), which the command reports as one of the build's own files:
        a page must not be published without its text."""
        if sha256 in self.texts:
            return self.texts[sha256]
        path = self._text_file(sha256)
        try:
            return path.read_text("utf-8")
        except UnicodeDecodeError as error:
            raise OSError(errno.EILSEQ, "not UTF-8 text", str(path)) from error

    def put_all(self, found: Iterable[PdfFacts]) -> None:
        """Make the cache hold the facts of ``found`` (every PDF of the volume) that this cache read
        or holds, but errors (which a password or a new pypdf may cure) and those of encrypted files
        (whose password must open them in every check), with their texts; the entries of other PDFs
        (replaced, removed) and of an earlier version of the cache go. Atomically, so that a killed
        build never leaves half an entry: each text before the facts that name it. The texts held
        are let go then: they are read from their files."""
        stored = self._stored_facts()
        kept = {facts.sha256: facts for facts in found if not (facts.error or facts.encrypted)
                and (facts.sha256 in self.texts or facts.sha256 in stored)}  # another cache's: not their text
        for sha256, text in self.texts.items():
            if sha256 in kept and kept[sha256].has_text:
                with replacing(self._text_file(sha256)) as temporary:
                    temporary.write_text(text, "utf-8")
        self.texts.clear()
        if kept == stored:
            return
        with replacing(self._facts_file) as temporary:
            temporary.write_text(json.dumps({sha256: asdict(facts) for sha256, facts in kept.items()},
                                            ensure_ascii=False), "utf-8")
        self._stored = kept
        named = {self._facts_file.name, *(self._text_file(sha256).name for sha256, facts in kept.items() if facts.has_text)}
        for file in self.folder.iterdir():
            if file.name not in named:
                file.unlink(missing_ok=True)


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
