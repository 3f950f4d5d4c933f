"""A paper page's search revision: a digest of what Pagefind indexes of the page, which the page
carries as a hidden Pagefind filter (the Sphinx extension writes it) and the build reads back.

Two writes of a page with the same revision give the same entry in the search index, whatever else
of the page changed (its links to the pages before and after it, the table of contents), and an
entry left in a shard after its page changed can be told from the page's new one: the search page
leaves out the revisions the site's index lists as superseded (``site/search.py``).
"""

from __future__ import annotations

import hashlib
import re

REVISION_FILTER = "revision"
"""The Pagefind filter that holds a page's revision: the search page never shows it."""
_LENGTH = 10
"""Hexadecimal digits of a revision: 40 bits, enough to tell a page's versions apart; a superseded
revision that another page has by chance (about once in a billion at a thousand papers) would hide
that page too, so the index then indexes the shard whole instead (``site/search.py``)."""
_WRITTEN = re.compile(rf'data-pagefind-filter="{REVISION_FILTER}:([0-9a-f]{{{_LENGTH}}})"'.encode())


def revision(page: str, language: str, indexed: str) -> str:
    """The revision of the page ``page`` (its name in the site) in ``language`` whose indexed part
    (what Pagefind reads: the content marked for it, with its filters and metadata) is ``indexed``."""
    text = "\0".join((page, language, indexed)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=_LENGTH // 2).hexdigest()


def _attribute(value: str) -> str:
    return f'data-pagefind-filter="{REVISION_FILTER}:{value}"'


def revision_filter(value: str) -> str:
    """The hidden element that gives Pagefind the revision ``value``."""
    return f"<span {_attribute(value)}></span>"


def written_revision(html: bytes) -> str | None:
    """The revision a built page carries (the last, as the extension writes it after the page's own
    text, in which an author could have typed the element), or None when it carries none."""
    found = _WRITTEN.findall(html[-8192:]) or _WRITTEN.findall(html)
    return found[-1].decode() if found else None


def with_revision(html: bytes, value: str) -> bytes:
    """The built page ``html`` with the revision it carries replaced by ``value``."""
    return _WRITTEN.sub(_attribute(value).encode(), html)
