"""Encrypted PDFs made readable: a copy without the password, for readers, previews and the volume."""

from __future__ import annotations

from pathlib import Path

from ..util.files import cached_file, replacing


def unlocked_copy(pdf: Path, password: str, sha256: str, cache: Path) -> Path:
    """A copy of ``pdf`` that opens without a password, made with ``password`` once per content
    (``sha256``, the encrypted file's hash) under ``cache``. The password is in no file written."""
    target = cache / f"{sha256}.pdf"
    if not cached_file(target):
        from pikepdf import Pdf  # here: few projects have a password, and every build paid its import

        with Pdf.open(pdf, password=password) as document, replacing(target) as temporary:
            # No encryption unless asked to; the file's /ID from its contents, not at random, so
            # that two builds of the same inputs publish the same file (a trial saw it change).
            document.save(temporary, deterministic_id=True)
    return target
