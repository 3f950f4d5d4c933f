"""First-page preview images of PDFs, rendered with pypdfium2 and cached by content hash."""

from __future__ import annotations

import os
from multiprocessing import get_context
from pathlib import Path

from ..util.files import cached_file, replacing
from ..util.priority import lower_priority
from ..util.processes import deaf_children, worker_pool
from ..util.progress import progress

# Wide enough for a sharp thumbnail on a phone, small enough to load fast.
WIDTH = 480
# A page far taller than wide (a 1 x 3000 pt strip asked for a 480 x 1,440,000 pixel bitmap, 2.7 GB)
# is rendered no taller than this, and so narrower.
MAX_HEIGHT = 4 * WIDTH
# A palette of 64 colours keeps text and figures crisp at a quarter of the bytes of full colour, and
# without PNG's slow optimize pass renders four times faster (23 kB, 10 ms a page, here).
COLOURS = 64
# The palette is chosen from the page at half its width and height (each colour the mean of four
# pixels), then each pixel given the nearest of its colours: 1.5 ms a page instead of 3.1 for an
# octree of every pixel, and a mean error per channel (of 255) within 0.3 of it on the first pages of
# the PDF corpus and the shipped papers (a quarter of the size was 1.5 off on a page of small type).
PALETTE_FROM = 2
# zlib's level 4 rather than Pillow's 6: 2.1 ms a preview instead of 3.6, for 5 % more bytes
# (24.6 kB instead of 23.5, on the benchmark's and the shipped archive's first pages).
PNG_LEVEL = 4


def preview_path(sha256: str, cache: Path) -> Path:
    """Where the preview of the PDF with this content hash is cached."""
    return cache / f"{sha256}-{WIDTH}-{COLOURS}-{PALETTE_FROM}.png"


def render_previews(pdfs: dict[str, Path], cache: Path, workers: int | None = None) -> dict[str, Path]:
    """The preview of each PDF (by content hash), rendering the missing ones in parallel."""
    missing = [(pdf, sha, cache) for sha, pdf in pdfs.items() if not cached_file(preview_path(sha, cache))]
    workers = min(workers or os.cpu_count() or 1, len(missing))
    if workers > 1:
        # Spawned, not forked: the build renders previews in a thread (forking a threaded process
        # can deadlock), and forked workers would each count the whole parent's memory.
        with worker_pool(workers, get_context("spawn"), lower_priority) as pool:
            with deaf_children():
                rendered = pool.map(render_preview, *zip(*missing, strict=True), chunksize=8)
            list(progress(rendered, len(missing), "previews"))
    else:
        list(progress((render_preview(*job) for job in missing), len(missing), "previews"))
    return {sha: preview_path(sha, cache) for sha in pdfs}


def render_preview(pdf: Path, sha256: str, cache: Path) -> Path:
    """A PNG of the PDF's first page, ``WIDTH`` pixels wide (at most ``MAX_HEIGHT`` high); rendered
    once per distinct content."""
    target = preview_path(sha256, cache)
    if cached_file(target):
        return target
    # Here: pdfium and Pillow took 0.02 s to import in every build, most of which render no preview
    # (and those that do render them in processes of their own).
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = max(page.get_width(), 1.0), max(page.get_height(), 1.0)
        # In RGB order, as Pillow holds it: pdfium's own BGR took Pillow 0.8 ms a page to reorder.
        image = page.render(scale=min(WIDTH / width, MAX_HEIGHT / height), may_draw_forms=True,
                            rev_byteorder=True).to_pil()
        palette = image.reduce(PALETTE_FROM).quantize(COLOURS, method=Image.Quantize.FASTOCTREE)
        image = image.quantize(palette=palette, dither=Image.Dither.NONE)
    finally:
        document.close()
    with replacing(target) as temporary:
        image.save(temporary, format="PNG", compress_level=PNG_LEVEL)
    return target
