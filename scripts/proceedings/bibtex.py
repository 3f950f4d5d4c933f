"""BibTeX for the papers: LaTeX-encoded text, protected capitals, split names and stable ASCII keys."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import TYPE_CHECKING

import bibtexparser
from anyascii import anyascii
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import UnicodeToLatexEncoder

from .mathtext import math_segments
from .people import Person

if TYPE_CHECKING:
    from .paper import Paper
    from .volume import Proceedings

_FORMAT = bibtexparser.BibtexFormat()
_FORMAT.indent = "  "
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
            # BibTeX counts braces even after a backslash, so \{ would unbalance an entry.
            "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
            "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_SPECIAL_RE = re.compile("|".join(re.escape(char) for char in _SPECIAL))
_COMBINING = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
              "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
              "\u0327": "c", "\u0328": "k", "\u0331": "b"}
_WORD = re.compile(r"([^\W_]+)")
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward", "is", "are", "do", "does", "can", "via", "from", "at", "by"}


def _accented(cluster: str) -> str:
    """A letter with accents pylatexenc has no entry for (Vietnamese, Yoruba) as nested accent commands."""
    base, *marks = unicodedata.normalize("NFD", cluster)
    if not base.isascii() or not marks or any(mark not in _COMBINING for mark in marks):
        return cluster  # no LaTeX form (CJK, Arabic): kept as UTF-8, which biber and bibtexparser read
    latex = base
    for mark in marks:
        latex = f"\\{_COMBINING[mark]}{{{latex}}}"
    return "{" + latex + "}"


_ENCODER = UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy=_accented)
# pylatexenc warns about each character it hands to _accented; those are handled, not lost.
logging.getLogger("pylatexenc.latexencode._unicode_to_latex_encoder").setLevel(logging.ERROR)
# A letter and the combining marks after it; encoded together so stacked accents stay on their letter.
_CLUSTER = re.compile(r".[\u0300-\u036f]*", re.DOTALL)


def _encoded_cluster(match: re.Match) -> str:
    return _latex_cluster(unicodedata.normalize("NFC", match.group()))


@functools.lru_cache(maxsize=4096)
def _latex_cluster(cluster: str) -> str:
    """One letter with its accents as LaTeX; cached, as pylatexenc is slow per call and names repeat."""
    return _ENCODER.unicode_to_latex(cluster) if len(cluster) == 1 else _accented(cluster)


def latex_text(text: str, ascii: bool = True) -> str:
    """Plain text as LaTeX: special characters escaped and, if ``ascii``, non-ASCII letters as accent
    commands (else kept as UTF-8)."""
    escaped = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], text)
    if escaped.isascii():
        return escaped
    if ascii:
        return _CLUSTER.sub(_encoded_cluster, escaped)
    # 8-bit bibtex abbreviates, cuts labels and changes case byte by byte, which splits UTF-8
    # characters; a "special character" group ({\relax ...}) is always kept whole.
    return re.sub(r"[^\x00-\x7f]+", lambda m: "{\\relax " + m.group() + "}", escaped)


def latex_title(title: str, ascii: bool = True) -> str:
    """A title as LaTeX with every word that holds a capital braced, so styles keep it as written."""
    parts = []
    for is_math, segment in math_segments(title):
        words = (_protected_word(word, ascii) for word in _WORD.split(segment))
        parts.append(f"${segment}$" if is_math else "".join(words))
    return "".join(parts)


def _protected_word(word: str, ascii: bool) -> str:
    """A word braced when it holds a capital; anything between words (``_WORD.split``) escaped."""
    if not any(char.isupper() for char in word):
        return latex_text(word, ascii)
    acronym_plural = re.fullmatch(r"([A-Z0-9]*[A-Z][A-Z0-9]*)(s)", word)
    if acronym_plural:
        return "{" + acronym_plural.group(1) + "}s"
    return "{" + latex_text(word, ascii) + "}"


def latex_name(person: Person, ascii: bool = True) -> str:
    """A name in BibTeX's 'Family, Jr., Given' form, braced where a parser could split it wrongly."""
    parts = person.parts
    family = latex_text(parts.family, ascii)
    words = parts.family.split()
    particles = [w for w in words[:-1] if w.islower()]
    if len(words) > 1 and len(particles) != len(words) - 1:
        family = "{" + family + "}"
    rest = [latex_text(part, ascii) for part in (parts.suffix, parts.given) if part]
    return ", ".join([family, *rest])


def _base_key(paper: Paper, year: int) -> str:
    family = paper.authors[0].ascii_family or "anonymous"
    text = "".join(segment for is_math, segment in math_segments(paper.title) if not is_math)
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
        base = key = _base_key(paper, year)
        suffixes = iter("bcdefghijklmnopqrstuvwxyz")
        while key in taken:
            key = base + next(suffixes, f"-{paper.id}")
        taken.add(key)
        keys[paper.id] = key
    return keys


def paper_entry(volume: Proceedings, paper: Paper) -> Entry:
    """The ``@inproceedings`` entry of one paper: all LaTeX-encoded ASCII when every character has a
    LaTeX form, else all UTF-8 (never a mix, which some tools mangle)."""
    values = _entry_values(volume, paper, ascii=True)
    if not all(value.isascii() for _, value in values):
        values = _entry_values(volume, paper, ascii=False)
    fields = [Field(name, value if name == "month" else "{" + value + "}") for name, value in values]
    return Entry("inproceedings", volume.keys[paper.id], fields)


def _entry_values(volume: Proceedings, paper: Paper, ascii: bool) -> list[tuple[str, str]]:
    workshop = volume.workshop
    values = [
        ("author", " and ".join(latex_name(author, ascii) for author in paper.authors)),
        ("title", latex_title(paper.title, ascii)),
        ("booktitle", latex_title(workshop.booktitle, ascii)),
    ]
    if workshop.editors:
        values.append(("editor", " and ".join(latex_name(editor, ascii) for editor in workshop.editors)))
    values += [
        ("year", str(workshop.year)),
        ("month", _MONTHS[workshop.date.month - 1]),
        ("address", latex_text(workshop.location, ascii)),
        ("url", volume.url(paper)),
    ]
    if paper.id in volume.page_ranges:
        values.append(("pages", "{}--{}".format(*volume.page_ranges[paper.id])))
    if not workshop.archival:
        values.append(("note", "Non-archival"))
    return values


def bibtex(volume: Proceedings, papers: list[Paper]) -> str:
    """BibTeX text holding an entry for each of ``papers``."""
    library = bibtexparser.Library([volume.bibtex_entries[paper.id] for paper in papers])
    # Values are enclosed by paper_entry already (month is a macro and must stay bare), so no middleware.
    entries = bibtexparser.write_string(library, unparse_stack=[], bibtex_format=_FORMAT).strip()
    return f"% Encoding: UTF-8\n\n{entries}\n"
