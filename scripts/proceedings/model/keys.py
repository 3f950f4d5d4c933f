"""Citation keys: one stable, unique ASCII key per paper, the same in every citation format."""

from __future__ import annotations

import re

from anyascii import anyascii

from ..util.mathtext import math_segments
from .paper import Paper

_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward", "is", "are", "do",
              "does", "can", "via", "from", "at", "by"}


def base_key(paper: Paper, year: int) -> str:
    """``familyYEARword``: the key a paper gets unless another paper listed before it has it."""
    family = paper.authors[0].ascii_family or "anonymous"
    text = "".join(segment for is_math, segment in math_segments(paper.title) if not is_math)
    # A LaTeX command in a title (\emph{Deep} ...) is shown as typed, but is not its first word.
    text = re.sub(r"\\[A-Za-z]+", " ", text)
    words = [w for w in re.findall(r"[a-z]+", anyascii(text).lower()) if w not in _STOPWORDS]
    return f"{family}{year}{words[0] if words else 'paper'}"


def citation_keys(papers: tuple[Paper, ...], year: int) -> dict[str, str]:
    """A unique ASCII key per paper id: the organizer's ``bibkey`` or ``familyYEARword`` (+ b, c, ...)."""
    taken = {paper.bibkey for paper in papers if paper.bibkey}
    keys = {}
    for paper in papers:
        if paper.bibkey:
            keys[paper.id] = paper.bibkey
            continue
        base = key = base_key(paper, year)
        suffixes = iter("bcdefghijklmnopqrstuvwxyz")
        while key in taken:
            key = base + next(suffixes, f"-{paper.id}")
        taken.add(key)
        keys[paper.id] = key
    return keys
