"""Whether a file is a PDF at all: what the importer and the PDF reader both ask before reading one."""

from __future__ import annotations

from pathlib import Path


def not_a_pdf(path: Path) -> str | None:
    """Why the file at ``path`` is not a PDF at all (empty, or no ``%PDF-`` header where readers
    look for it: a web page saved instead), if it is not."""
    with path.open("rb") as stream:
        head = stream.read(1024)
    if not head:
        return "the file is empty"
    return None if b"%PDF-" in head else "not a PDF file (no %PDF- header); was a web page saved instead?"
