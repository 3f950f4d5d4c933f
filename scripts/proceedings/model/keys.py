"""Citation keys: one stable, unique ASCII key per paper, the same in every citation format."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from anyascii import anyascii

from ..util.mathtext import math_segments
from .paper import Paper

_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward", "is", "are", "do",
              "does", "can", "via", "from", "at", "by"}


KEPT_TITLE_LENGTH = 1_000
"""Past this many characters, a title's key is not kept (see :func:`_key_of`): a stranger's megabyte
of title, saved again and again under ``serve``, would be kept once for each version."""


def _base_key(paper: Paper, year: int) -> str:
    made = _kept_key if len(paper.title) <= KEPT_TITLE_LENGTH else _key_of
    return made(paper.authors[0].ascii_family or "anonymous", paper.title, year)


def _key_of(family: str, title: str, year: int) -> str:
    """``familyYEARword``: the title's first word but stop words."""
    text = "".join(segment for is_math, segment in math_segments(title) if not is_math)
    # A LaTeX command in a title (\emph{Deep} ...) is shown as typed, but is not its first word.
    text = re.sub(r"\\[A-Za-z]+", " ", text)
    words = [w for w in re.findall(r"[a-z]+", anyascii(text).lower()) if w not in _STOPWORDS]
    return f"{family}{year}{words[0] if words else 'paper'}"


# Kept, since a load makes each paper's twice (its warnings, then the volume's keys): 0.03 s at 1,000 papers.
_kept_key = lru_cache(maxsize=1 << 12)(_key_of)


def citation_keys(papers: tuple[Paper, ...], year: int) -> dict[str, str]:
    """A unique ASCII key per paper id: the organizer's ``bibkey`` or ``familyYEARword`` (+ b, c, ...)."""
    return {paper.id: key for paper, key, _ in _keyed(papers, year)}


def keys_by_order(papers: tuple[Paper, ...], year: int) -> dict[str, tuple[str, str, str]]:
    """Each paper (by id) whose key takes a letter because a paper listed before it, its key not
    pinned by ``bibkey``, has its ``familyYEARword``: its key, that key and that paper's id. Moving
    either in the list swaps their keys."""
    owners: dict[str, str] = {}
    found = {}
    for paper, key, base in _keyed(papers, year):
        if base == key:
            owners[base] = paper.id
        elif base is not None and base in owners:
            found[paper.id] = (key, base, owners[base])
    return found


def _keyed(papers: tuple[Paper, ...], year: int) -> Iterator[tuple[Paper, str, str | None]]:
    """Each paper with its key, and the ``familyYEARword`` it was made from (None when ``bibkey`` pins it)."""
    taken = {paper.bibkey for paper in papers if paper.bibkey}
    for paper in papers:
        if paper.bibkey:
            yield paper, paper.bibkey, None
            continue
        base = key = _base_key(paper, year)
        suffixes = iter("bcdefghijklmnopqrstuvwxyz")
        while key in taken:
            key = base + next(suffixes, f"-{paper.id}")
        taken.add(key)
        yield paper, key, base
