"""Facts about PDFs (pages, size, text, active content), cached by content hash; a PDF is read
(:mod:`proceedings.inputs.pdf_reader`) only when its content is new."""

from __future__ import annotations

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
        """The texts of the PDFs read in this run, by hash, not stored yet."""
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
        """The cached facts for this hash, if any (with their text file, when they have a text)."""
        facts = self._stored_facts().get(sha256)
        return facts if facts and (not facts.has_text or self._text_file(sha256).is_file()) else None

    def text(self, sha256: str) -> str:
        """The text of the PDF of this hash: read in this run, or stored; empty if neither."""
        if sha256 in self.texts:
            return self.texts[sha256]
        try:
            return self._text_file(sha256).read_text("utf-8")
        except OSError:
            return ""

    def put_all(self, found: Iterable[PdfFacts]) -> None:
        """Store the facts and texts of ``found`` not stored yet that this cache read, but errors
        (which a password or a new pypdf may cure) and those of encrypted files (whose password must
        open them in every check); atomically, so that a killed build never leaves half an entry:
        each text before the facts that name it."""
        stored = self._stored_facts()
        new = {facts.sha256: facts for facts in found if not (facts.error or facts.encrypted or facts.sha256 in stored)
               and (not facts.has_text or facts.sha256 in self.texts)}  # facts read by another cache: not their text
        if not new:
            return
        for sha256, facts in new.items():
            if facts.has_text:
                with replacing(self._text_file(sha256)) as temporary:
                    temporary.write_text(self.texts[sha256], "utf-8")
        stored.update(new)
        with replacing(self._facts_file) as temporary:
            temporary.write_text(json.dumps({sha256: asdict(facts) for sha256, facts in stored.items()},
                                            ensure_ascii=False), "utf-8")
        for old in self.folder.glob("*.v*.*"):  # the entries of an earlier version, never read again
            if not old.name.endswith((f".v{_CACHE_VERSION}.json", f".v{_CACHE_VERSION}.txt")):
                old.unlink(missing_ok=True)


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
