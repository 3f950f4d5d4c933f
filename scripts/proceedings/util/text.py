"""Plain-text helpers for text that comes from strangers: normalizing it, splitting it into
paragraphs, and transliterating what a font cannot show."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from anyascii import anyascii

# Zero-width, bidi-override and control characters hide in copied text and change how ids and names
# compare and display; they never belong in metadata.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def clean_text(value: str) -> str:
    """``value`` NFC-normalized, without invisible characters, with its outer whitespace stripped."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).strip()


def one_line(value: str) -> str:
    """``value`` cleaned, with every run of whitespace (newlines included) made one space."""
    return " ".join(clean_text(value).split())


def paragraphs_of(value: str) -> list[str]:
    """The blank-line separated paragraphs of ``value``, stripped, empty ones left out."""
    return [block.strip() for block in re.split(r"\n\s*\n", value) if block.strip()]


def transliterated(text: str, kept: Container[int]) -> str:
    """``text`` on one line, every character whose code point is not ``kept`` transliterated."""
    return "".join(char if ord(char) in kept else anyascii(char) for char in " ".join(text.split()))


def plural(count: int, noun: str) -> str:
    """``count`` with ``noun``, pluralized by an s when the count is not one ('1 page', '3 papers')."""
    return f"{count} {noun}{'s' * (count != 1)}"


def page_span(pages: tuple[int, int], dash: str) -> str:
    """A page range with ``dash`` between its ends ('5--12' in BibTeX), or its one page ('5')."""
    first, last = pages
    return str(first) if first == last else f"{first}{dash}{last}"
