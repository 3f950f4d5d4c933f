"""What every generated page shares: the marker that tells it from a hand-written one, and the front
matter of pages kept out of search."""

from __future__ import annotations

import re
import zlib

from ..model.locations import GENERATED_MARKER
from ..util import myst

# The page data that keeps a generated listing out of the search index: it repeats what the paper
# and talk pages say, and in search results would crowd them out.
NOT_SEARCHED = {"proceedings": {"search": {"index": False}}}

INDEX_PAGE_LIMIT = 400
"""The default of ``index_page_limit``: past this many links to papers, the papers index lists the
tracks instead of every paper, and the author and keyword indexes get a page per initial letter
(one page would weigh megabytes for the reader, and Sphinx re-reads all of it whenever a paper is added)."""


def generated_page(front: dict, title: str, *blocks: str) -> str:
    """A generated page: front matter with the marker, the ``# title`` (already MyST) and the non-empty
    blocks, sealed (:func:`seal_holds`)."""
    page = myst.page(front, GENERATED_MARKER, title, *blocks)
    return page.replace(GENERATED_MARKER, f"{GENERATED_MARKER} ({zlib.crc32(page.encode()):08x})", 1)


_SEAL = re.compile(re.escape(GENERATED_MARKER.encode()) + rb" \(([0-9a-f]{8})\)")


def seal_holds(page: bytes) -> bool | None:
    """Whether a generated page holds what the build wrote: its marker carries a checksum of the
    page as written, so that a change by hand is seen with no record of the build's (after
    ``rm -rf _build``, or in a page copied from another). None for a page without one (written
    before pages were sealed)."""
    found = _SEAL.search(page, 0, 2000)
    if found is None:
        return None
    return zlib.crc32(page[:found.start()] + GENERATED_MARKER.encode() + page[found.end():]) == int(found[1], 16)
