"""What every generated page shares: the marker that tells it from a hand-written one, and the front
matter of pages kept out of search."""

from __future__ import annotations

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
    blocks, sealed (:func:`~proceedings.util.myst.seal_holds`)."""
    return myst.page(front, GENERATED_MARKER, title, *blocks)


