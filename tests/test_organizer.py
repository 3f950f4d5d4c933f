"""The organizer's path, each case on a project made by ``proceedings new``: what they type, what
they see, and that nothing they wrote or placed is lost."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from proceedings.cli import main


@pytest.fixture
def scaffold(tmp_path) -> Path:
    """A fresh project, as ``proceedings new`` makes it."""
    root = tmp_path / "workshop"
    assert main(["new", str(root)]) == 0
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _site_bytes(site: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(site.resolve().rglob("*")) if path.is_file())


def test_an_encrypted_pdf_with_its_password_is_published_decrypted(scaffold, capsys):
    pdf = scaffold / "papers/pdf/example-paper.pdf"
    with pikepdf.Pdf.open(pdf, allow_overwriting_input=True) as document:
        document.save(pdf, encryption=pikepdf.Encryption(user="s3cret-pw", owner="owner-pw"))
    assert PdfReader(pdf).is_encrypted
    _edit(scaffold / "papers/accepted.yml", "  pdf: pdf/example-paper.pdf ", "  pdf_password: s3cret-pw\n  pdf: pdf/example-paper.pdf ")
    before = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert main(["check", str(scaffold)]) == 0
    assert main(["build", str(scaffold)]) == 0
    site = scaffold / "_build/html"
    published = PdfReader(site / "book/papers/example-paper.pdf")
    assert not published.is_encrypted and len(published.pages) == 3
    assert "Example Paper" in published.pages[0].extract_text()
    assert (site / "book/papers/example-paper.png").stat().st_size > 1000
    assert not PdfReader(site / "proceedings.pdf").is_encrypted
    assert b"s3cret-pw" not in _site_bytes(site), "the password is never published"
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == before, "the organizer's file is left as it was"
