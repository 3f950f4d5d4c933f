"""Plain-text helpers for text that comes from strangers: normalizing it, splitting it into
paragraphs, and transliterating what a font cannot show."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from anyascii import anyascii

# Zero-width, bidi-override, bidi-isolate and control characters, tag characters and Hangul fillers
# hide in copied text and make look-alike names and ids compare unequal; noncharacters (U+FFFE,
# U+FFFF, ...) break Sphinx's writer. None belongs in metadata.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u115f\u1160\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
                        r"\ufdd0-\ufdef\ufeff\uffa0\ufff0-\uffff\U000e0000-\U000e007f]")
# A carriage return (alone or before a line feed), a vertical tab, a form feed, the file, group and
# record separators, or a next line (U+0085): what Python's splitlines takes for line breaks.
_OTHER_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85]")
# The noncharacters past the first plane, apart: in the class above, their 32 single characters made
# every character of a PDF's text cost 32 comparisons (clean_text was a tenth of reading a PDF).
_FIRST_ASTRAL_NONCHARACTER = "\U0001fffe"
_ASTRAL_NONCHARACTERS = re.compile("[" + "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(1, 17)) + "]")


# The Latin ligatures of Unicode's presentation forms (U+FB00-U+FB06), which text copied from a PDF
# holds ("uniﬁed"): no search matched them to the letters a reader types (a new-user trial searched
# for "unified" in vain), and they are the same letters (their compatibility decomposition).
_LIGATURE = re.compile("[\ufb00-\ufb06]")  # one scan of a PDF's text, not a lookup per character


# In ASCII, all that the patterns above find: text without any is only stripped.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str) -> str:
    """``value`` NFC-normalized, its line breaks made line feeds, without invisible characters, its
    Latin ligatures written as their letters (ﬁ as fi), with its outer whitespace stripped."""
    if value.isascii() and not _ASCII_CONTROL.search(value):  # most texts: 16,000 a load at 1,000 papers
        return value.strip()
    value = _OTHER_BREAK.sub("\n", value)  # they are control characters, removed below: words would join
    value = _INVISIBLE.sub("", unicodedata.normalize("NFC", value))
    if not value.isascii():
        value = _LIGATURE.sub(lambda match: unicodedata.normalize("NFKC", match.group()), value)
        if max(value) >= _FIRST_ASTRAL_NONCHARACTER:
            value = _ASTRAL_NONCHARACTERS.sub("", value)
    return value.strip()


def one_line(value: str) -> str:
    """``value`` cleaned, with every run of whitespace (newlines included) made one space."""
    return " ".join(clean_text(value).split())


def paragraphs_of(value: str) -> list[str]:
    """The blank-line separated paragraphs of ``value``, stripped, empty ones left out."""
    return [block.strip() for block in re.split(r"\n\s*\n", value) if block.strip()]


def transliterated(text: str, kept: Container[int]) -> str:
    """``text`` on one line, every character whose code point is not ``kept`` transliterated."""
    return "".join(char if ord(char) in kept else anyascii(char) for char in " ".join(text.split()))


def latin_in_ascii(text: str) -> str:
    """``text`` with each Latin letter beyond ASCII transliterated ('Łukasz Wróbel' as 'Lukasz Wrobel',
    'Ørsted' as 'Orsted'), other scripts kept."""
    return "".join(anyascii(char) if latin_beyond_ascii(char) else char for char in unicodedata.normalize("NFC", text))


def latin_beyond_ascii(char: str) -> bool:
    """Whether the character is a Latin letter (or ligature) outside ASCII: ü, Ł, ß, æ."""
    return not char.isascii() and unicodedata.name(char, "").startswith("LATIN ")


def plural(count: int, noun: str) -> str:
    """``count`` with ``noun``, pluralized by an s when the count is not one ('1 page', '3 papers')."""
    return f"{count} {noun}{'s' * (count != 1)}"


def page_span(pages: tuple[int, int], dash: str) -> str:
    """A page range with ``dash`` between its ends ('5--12' in BibTeX), or its one page ('5')."""
    first, last = pages
    return str(first) if first == last else f"{first}{dash}{last}"
