"""First-page preview images of PDFs, rendered with pypdfium2 and cached by content hash."""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2

# Wide enough for a sharp thumbnail on a phone, small enough to load fast.
WIDTH = 480


def preview(pdf: Path, sha256: str, cache: Path) -> Path:
    """A PNG of the PDF's first page, ``WIDTH`` pixels wide; rendered once per distinct content."""
    target = cache / f"{sha256}-{WIDTH}.png"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=WIDTH / page.get_width(), may_draw_forms=True).to_pil()
    finally:
        document.close()
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    image.save(temporary, format="PNG", optimize=True)
    os.replace(temporary, target)
    return target
