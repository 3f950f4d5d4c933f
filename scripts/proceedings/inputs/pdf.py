"""Facts about PDFs (pages, size, text) read with pypdf and cached by content hash."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

from pypdf import PasswordType, PdfReader

from ..model.pdf_facts import PdfFacts
from ..util.files import replacing
from ..util.progress import progress
from ..util.text import clean_text

# Bump when the extraction changes, so that old cache entries are not reused.
_CACHE_VERSION = 2


def file_hash(path: Path) -> str:
    """SHA-256 of the file's contents."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_pdf(path: Path, sha256: str, password: str = "") -> PdfFacts:
    """Facts of the PDF at ``path``, parsed with pypdf (decrypted with ``password`` if it is
    encrypted); an unreadable file gives facts with ``error`` set."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    size = path.stat().st_size
    if size == 0:
        return PdfFacts(sha256, size, error="the file is empty")
    with path.open("rb") as stream:
        if b"%PDF-" not in stream.read(1024):
            return PdfFacts(sha256, size, error="not a PDF file (no %PDF- header); was a web page saved instead?")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and reader.decrypt(password) == PasswordType.NOT_DECRYPTED:
            why = "the password given in pdf_password does not open it" if password else \
                "the PDF is encrypted with a password; upload an unprotected copy or give pdf_password"
            return PdfFacts(sha256, size, error=why)
        pages = len(reader.pages)
        texts = [_page_text(page) for page in reader.pages]
    except Exception as exc:  # pypdf raises many types for damaged files; each is a diagnostic, not a crash
        return PdfFacts(sha256, size, error=f"pypdf cannot read it: {type(exc).__name__}: {exc}")
    return PdfFacts(sha256, size, pages, "\n\n".join(t for t in texts if t))


def _page_text(page) -> str:
    try:
        return clean_text(page.extract_text() or "")
    except Exception:  # a page whose content stream is damaged still leaves the others readable
        return ""


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
            return PdfFacts(**json.loads(self._entry(sha256).read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def put_all(self, found: Iterable[PdfFacts]) -> None:
        """Store each of ``found`` (see :meth:`put`)."""
        for facts in found:
            self.put(facts)

    def put(self, facts: PdfFacts) -> None:
        """Store facts unless already stored or an error (which a password or a new pypdf may cure),
        atomically so a killed build never leaves half an entry."""
        target = self._entry(facts.sha256)
        if facts.error or target.is_file():
            return
        with replacing(target) as temporary:
            temporary.write_text(json.dumps(asdict(facts), ensure_ascii=False), "utf-8")


def pdf_facts(paths: list[Path], cache: PdfCache, workers: int | None = None,
              passwords: dict[Path, str] | None = None) -> dict[Path, PdfFacts]:
    """Facts for every path: from the cache when the content is known, else parsed (in parallel);
    ``passwords`` opens encrypted files.

    Nothing is written: the build stores the facts with :meth:`PdfCache.put` once the inputs are valid.
    """
    passwords = passwords or {}
    hashes = {path: file_hash(path) for path in paths}
    found = {path: cache.get(sha) for path, sha in hashes.items()}
    todo = sorted({hashes[path]: path for path, facts in found.items() if facts is None}.items())
    if todo:
        jobs = [(path, sha, passwords.get(path, "")) for sha, path in todo]
        parsed = dict(zip((sha for sha, _ in todo), _parse_all(jobs, workers), strict=True))
    return {path: facts or parsed[hashes[path]] for path, facts in found.items()}


def _parse_all(jobs: list[tuple[Path, str, str]], workers: int | None) -> list[PdfFacts]:
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return list(progress((read_pdf(*job) for job in jobs), len(jobs), "PDF facts"))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Small chunks keep the workers evenly loaded and the progress bar moving.
        facts = pool.map(read_pdf, *zip(*jobs, strict=True), chunksize=max(1, min(8, len(jobs) // (workers * 4))))
        return list(progress(facts, len(jobs), "PDF facts"))
