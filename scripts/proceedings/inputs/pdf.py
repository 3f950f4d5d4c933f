"""Facts about PDFs (pages, size, text, active content), cached by content hash; a PDF is read
(:mod:`proceedings.inputs.pdf_reader`) only when its content is new."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

from ..model.pdf_facts import PdfFacts
from ..util.files import file_hash, replacing
from ..util.processes import deaf_children, worker_pool
from ..util.progress import progress

# Bump when the extraction or its messages change, so that old cache entries are not reused.
_CACHE_VERSION = 7


class PdfCache:
    """PDF facts stored as one JSON file per content hash under ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder
        """Where the cache entries live (under ``_build/``)."""

    def _entry(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.v{_CACHE_VERSION}.json"

    def get(self, sha256: str) -> PdfFacts | None:
        """The cached facts for this hash, if any."""
        try:
            data = json.loads(self._entry(sha256).read_text("utf-8"))
            return PdfFacts(**{**data, "active": tuple(data.get("active", ()))})
        except (OSError, ValueError, TypeError):
            return None

    def put_all(self, found: Iterable[PdfFacts]) -> None:
        """Store each of ``found`` (see :meth:`put`)."""
        for facts in found:
            self.put(facts)

    def put(self, facts: PdfFacts) -> None:
        """Store facts unless already stored, an error (which a password or a new pypdf may cure) or
        of an encrypted file (whose password must open it in every check), atomically so a killed
        build never leaves half an entry."""
        target = self._entry(facts.sha256)
        if facts.error or facts.encrypted or target.is_file():
            return
        with replacing(target) as temporary:
            temporary.write_text(json.dumps(asdict(facts), ensure_ascii=False), "utf-8")


def pdf_facts(paths: list[Path], cache: PdfCache, workers: int | None = None,
              passwords: dict[Path, str] | None = None, digests: Mapping[Path, str] | None = None) -> dict[Path, PdfFacts]:
    """Facts for every path: from the cache when the content is known, else parsed (in parallel);
    ``passwords`` opens encrypted files; ``digests`` are the contents' SHA-256 the caller already
    knows (the others are computed: at 2 MB a paper, a second a build for 1,000 papers).

    Nothing is written: the build stores the facts with :meth:`PdfCache.put` once the inputs are valid.
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
        parsed = dict(zip((sha for sha, _ in todo), _parse_all(jobs, workers), strict=True))
    return {path: facts or parsed[hashes[path]] for path, facts in found.items()}


def _parse_all(jobs: list[tuple[Path, str, str]], workers: int | None) -> list[PdfFacts]:
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
