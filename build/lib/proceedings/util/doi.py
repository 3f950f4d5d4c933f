"""Digital Object Identifiers: what counts as one, written as readers and DataCite expect it."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

# DataCite's own pattern (its metadata schema 4.5): "10.", a registrant code of 4 to 9 digits, "/",
# and a suffix. The suffix's characters are limited to those registration agencies issue (Crossref's
# recommended set, with the brackets and angle brackets of older DOIs): none that BibTeX, LaTeX or
# a URL would read as markup (braces, backslash, %, #, quotes, spaces).
_DOI = re.compile(r"10\.[0-9]{4,9}/[A-Za-z0-9\-._;()/:<>\[\]+]+")
_PREFIXES = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
MAX_DOI_LENGTH = 200
"""Longer DOIs are refused: no agency issues them, and each is printed in every citation."""

TEST_PREFIX = "10.5072"
"""The prefix reserved for tests: DOIs under it are never registered and never resolve."""


def normalised_doi(text: str) -> str:
    """The DOI in ``text`` (bare, ``doi:10...`` or a ``https://doi.org/...`` URL, percent-encoded or
    not) as a bare DOI; raises ValueError saying what is wrong."""
    value = text.strip()
    bare = _PREFIXES.sub("", value)
    if bare != value:
        bare = unquote(bare)
    if len(bare) > MAX_DOI_LENGTH:
        raise ValueError(f"is {len(bare)} characters long; a DOI has at most {MAX_DOI_LENGTH}")
    if not bare.startswith("10."):
        raise ValueError("a DOI starts with '10.' (or https://doi.org/10.)")
    if not re.match(r"10\.[0-9]{4,9}/", bare):
        raise ValueError("after '10.' a DOI has its registrant code, 4 to 9 digits, then '/'")
    if not _DOI.fullmatch(bare):
        bad = sorted({char for char in bare.split("/", 1)[1] if not _DOI.fullmatch(f"10.1000/{char}")} or {"(none)"})
        raise ValueError("its suffix is empty" if bare.endswith("/") and bare.count("/") == 1
                         else f"its suffix holds characters no DOI agency issues: {' '.join(map(repr, bad))}")
    return bare


def doi_url(doi: str) -> str:
    """The DOI's resolver URL (``https://doi.org/...``, as DataCite and Crossref ask it be shown), the
    characters a URL may not hold (the ``<>[]`` of older DOIs) percent-encoded."""
    return "https://doi.org/" + quote(doi, safe="/:;()+")


def is_test_doi(doi: str) -> bool:
    """Whether the DOI is under the test prefix (an example that never resolves)."""
    return doi.startswith(TEST_PREFIX + "/")
