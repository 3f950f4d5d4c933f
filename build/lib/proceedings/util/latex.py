"""LaTeX, known in one place: plain text and titles as LaTeX that BibTeX, biber and LaTeX read back
as written (special characters escaped, accents as commands, capitals protected, math kept)."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

from .mathtext import math_segments
from .text import one_line

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
            # BibTeX counts braces even after a backslash: each brace comes with a balancing one that
            # prints nothing, in a group of its own (pandoc reads this form; \textbraceleft it drops,
            # and a bare \vphantom takes the group after it).
            "{": r"\{{\vphantom{\}}}", "}": r"{\vphantom{\{}}\}",
            "$": r"\$", "~": r"\textasciitilde{}", "^": r"\^{}"}
_SPECIAL_RE = re.compile("|".join(re.escape(char) for char in _SPECIAL))
_COMBINING = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
              "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
              "\u0327": "c", "\u0328": "k", "\u0331": "b"}
_WORD = re.compile(r"([^\W_]+)")


def _accented(cluster: str) -> str:
    """A letter that is accents on an ASCII letter as nested accent commands (Vietnamese, Yoruba, ő);
    any other letter as it is."""
    base, *marks = list(unicodedata.normalize("NFD", cluster))
    if not base.isascii() or not marks or any(mark not in _COMBINING for mark in marks):
        return cluster  # no LaTeX form (CJK, Arabic)
    latex = base
    for mark in marks:
        latex = f"\\{_COMBINING[mark]}{{{latex}}}"
    return "{" + latex + "}"


_ENCODER = UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy=_accented)
# pylatexenc warns about each character it hands to _accented; those are handled, not lost.
logging.getLogger("pylatexenc.latexencode._unicode_to_latex_encoder").setLevel(logging.ERROR)
# A non-ASCII letter, or any letter with combining marks after it; encoded together so stacked
# accents stay on their letter.
_CLUSTER = re.compile(r".[\u0300-\u036f]+|[^\x00-\x7f]", re.DOTALL)
# The letters whose command bibtex, biber, pandoc and Zotero's BibTeX import all read back as the
# letter, measured by tests/outputs/test_bibtex_clients.py. Every other letter's command (stacked
# accents, \H, \TH, \OE) loses its accent or vanishes in at least one of them, or there is none (CJK).
PORTABLE = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉČčĎďĒēĔĕĘęĚěĜĝĞğĢģĤĥĨĩĪīĬĭĮįİ"
    "ıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŲųŴŵŶŷŸŹźŻżŽžǍǎǏǐǑǒǓǔǦǧǨǩǪǫǰǴǵạẹẽịọụỳỵỹ")


@functools.lru_cache(maxsize=4096)
def command(letter: str) -> str:
    """One letter with its accents as a LaTeX command, or the letter itself when LaTeX has none;
    cached, as pylatexenc is slow per call and names repeat."""
    latex = _ENCODER.unicode_to_latex(letter) if len(letter) == 1 else _accented(letter)
    # biber and pandoc read {\'\i} as a dotless i under an accent; {\'i} is the same í to LaTeX.
    return re.sub(r"(\\[^a-zA-Z\s]\{?)\\([ij])\b", r"\1\2", latex)


def _letter(match: re.Match) -> str:
    letter = unicodedata.normalize("NFC", match.group())
    if letter in PORTABLE:
        return command(letter)
    # pdfLaTeX's UTF-8 input knows no Vietnamese letter, but typesets any accents on an ASCII letter.
    accented = _accented(letter)
    return accented if accented != letter else "{\\relax{}" + letter + "}"


def latex_text(text: str, utf8: bool = False) -> str:
    """Plain text as BibTeX field text, special characters escaped. Unless ``utf8``, no letter is
    left bare: 8-bit bibtex abbreviates, cuts labels and changes case byte by byte, splitting a UTF-8
    letter, but keeps a "special character" group whole. A letter is its accent command where every
    client reads it back (``PORTABLE``); else accents on an ASCII letter as nested commands, which
    pdfLaTeX typesets (biber and Zotero misread them); else UTF-8 in a ``{\\relax{}X}`` group."""
    escaped = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], text)
    if utf8 or escaped.isascii():
        return escaped
    return _CLUSTER.sub(_letter, escaped)


def latex_title(title: str, utf8: bool = False) -> str:
    """A title as LaTeX with every word that holds a capital braced, so styles keep it as written; and
    every formula that holds one: bibtex lower-cases math too, $O(n)$ to $o(n)$ and \\Delta to \\delta
    (a new-user trial, with the plain, abbrv and alpha styles)."""
    parts = []
    for is_math, segment in math_segments(title):
        if is_math:
            math = f"${_bibtex_math(segment)}$"
            parts.append("{" + math + "}" if any(char.isupper() for char in segment) else math)
        else:
            parts.append("".join(_protected_word(word, utf8) for word in _WORD.split(segment)))
    return "".join(parts)


# In math, what would end a BibTeX value or a LaTeX line: braces as BibTeX counts them (it counts
# \{ too) and the comment, parameter and alignment characters.
_MATH_ESCAPES = {r"\{": r"\lbrace ", r"\}": r"\rbrace ", "%": r"\%", "#": r"\#", "&": r"\&"}
_MATH_ESCAPE_RE = re.compile(r"\\[{}%#&]|[%#&]")
# An acronym's plural (PDEs): one class, so that a long word is tried once per character (the
# pattern it replaces, [A-Z0-9]*[A-Z][A-Z0-9]*s, took 2.3 s on a title of one 20,000-letter word).
_ACRONYM_PLURAL = re.compile(r"([A-Z0-9]+)s")


def _bibtex_math(math: str) -> str:
    """Allowed math (``mathtext.math_segments``) as BibTeX that no character of it can break."""
    return _MATH_ESCAPE_RE.sub(lambda m: _MATH_ESCAPES.get(m.group(), m.group()), math)


def _protected_word(word: str, utf8: bool) -> str:
    """A word braced when it holds a capital; anything between words (``_WORD.split``) escaped."""
    if not any(char.isupper() for char in word):
        return latex_text(word, utf8)
    acronym_plural = _ACRONYM_PLURAL.fullmatch(word)
    if acronym_plural and any(char.isupper() for char in acronym_plural.group(1)):
        return "{" + acronym_plural.group(1) + "}s"
    return "{" + latex_text(word, utf8) + "}"


_SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
# Every letter Unicode has a modifier form of (no q, and capitals but C, F, Q, S, X, Y, Z): a
# second new-user trial found $a^{b}$ written as a^b.
_SUPERSCRIPTS = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
                         "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", strict=True))
_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|\S)")
_TO_TEXT = LatexNodes2Text(math_mode="verbatim")
# pylatexenc warns of each macro of author math it cannot fill in ($\frac\frac x$), on the root
# logger: a build printed "WARNING: Error in configuration: ..." bare, and Sphinx's log again under no
# input's name. The formula is written out as pylatexenc reads it (check reports math it cannot typeset).
logging.getLogger("pylatexenc.latex2text").setLevel(logging.ERROR)
# A % that is not escaped: a comment to LaTeX, to which pylatexenc left out the rest of the line (a
# trial's author 'Bob 100% ... Jones' was read as 'Bob 100', and $10%$ was written out as 10).
_COMMENT = re.compile(r"(?<!\\)%")


def _letters(latex: str) -> str:
    """What pylatexenc reads ``latex`` as, a % in it being a per cent sign."""
    return _TO_TEXT.latex_to_text(_COMMENT.sub(r"\\%", latex))


@functools.lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """Author text for plain-text metadata (citation tags, JSON-LD, RIS, CSL-JSON, Open Graph, the
    calendar): on one line, its inline math written out (CO$_2$ as CO₂). Cached: each title and
    abstract is asked for about five times, by the page and by each kind of metadata; 65,536 texts
    hold a volume of about 8,000 papers (past its size, a volume walked in order would always miss)."""
    return one_line(math_as_text(text))


# Longer, a text holding LaTeX is not read as LaTeX: pylatexenc takes about 10 µs a macro, and
# recurses into each brace (a name is a few dozen characters).
_LATEX_TEXT_LIMIT = 300


def latex_as_text(text: str) -> str | None:
    """``text`` holding LaTeX (accent commands and braces, as a name exported from a LaTeX source:
    ``{\\"O}zg{\\"u}r``) as the letters it typesets (Özgür), on one line; None when it is longer than
    ``_LATEX_TEXT_LIMIT`` or pylatexenc cannot read it."""
    if len(text) > _LATEX_TEXT_LIMIT:
        return None
    try:
        return one_line(unicodedata.normalize("NFC", _letters(text)))
    except (RecursionError, ValueError, IndexError):  # pylatexenc on text it cannot parse
        return None


def math_as_text(text: str) -> str:
    """``text`` with its inline ``$math$`` written as plain Unicode (``$\\ell_1$`` as ℓ₁, ``CO$_2$`` as
    CO₂), for places that show no math: PDF contents and bookmarks, plain-text metadata."""
    return "".join(formula_text(segment) if is_math else segment for is_math, segment in math_segments(text))


@functools.lru_cache(maxsize=4096)
def formula_text(math: str) -> str:
    """One formula as plain Unicode: symbols by name, sub- and superscripts where Unicode has them.
    Cached: pylatexenc takes a third of a millisecond a formula, and a paper's are written out for
    its page, its citation files and its metadata. A formula pylatexenc cannot read is given as written."""
    try:
        return _letters(_SCRIPT.sub(_scripted, operators_spaced(math, "{} "))).strip()
    except Exception:  # a third-party parser on author text (braces nested 300 deep: RecursionError)
        return math.strip()


_OPERATOR_NAMES = (r"\\(?:arccos|arcsin|arctan|arg|cosh?|coth?|csc|deg|det|dim|exp|gcd|hom|inf|ker|lg|lim|liminf|limsup"
                   r"|ln|log|max|min|Pr|sec|sinh?|sup|tanh?)(?![A-Za-z])")
# LaTeX's operator names, with their sub- and superscripts (\log_2), where a letter, a digit or a
# symbol's macro follows: TeX sets a thin space there, which neither pylatexenc (O(n logn)) nor
# latex2mathml (<mi>log</mi><mi>n</mi>, shown as "logn") writes. None before a parenthesis: \log(n).
_OPERATOR = re.compile(f"({_OPERATOR_NAMES}"
                       # Possessive: backtracking into a script's macro read \max_\theta as \max_\thet, then a.
                       r"(?:\s*[_^](?:\{[^{}]*\}|\\[A-Za-z]++|[^\s{}\\]))*+)"
                       r"\s*(?=[A-Za-z0-9]|\\(?!(?:left|right|limits|nolimits)(?![A-Za-z])|[,;:! ]))")
# And before one, after a letter, a digit or a closing bracket (n \log n): MathML shows "nlog n" without it.
_BEFORE_OPERATOR = re.compile(rf"(?<=[A-Za-z0-9)\]}}])\s*(?={_OPERATOR_NAMES})")


def operators_spaced(math: str, space: str) -> str:
    """``math`` with ``space`` (LaTeX: ``\\,`` for MathML, ``{} `` for plain text) after each
    operator name that a letter, a digit or a symbol follows (``\\log n``, ``\\max_i a``), and before
    each one that follows a letter, a digit or a closing bracket (``n\\log n``)."""
    return _BEFORE_OPERATOR.sub(space, _OPERATOR.sub(lambda match: match.group(1) + space, math))


def _scripted(match: re.Match) -> str:
    """A sub- or superscript as Unicode characters, or left as it is when Unicode lacks one of them."""
    table = _SUBSCRIPTS if match.group(1) == "_" else _SUPERSCRIPTS
    body = match.group(2).strip("{}")
    if not (body and all(char in table for char in body)):
        return match.group()
    # The empty group ends a macro before it: \alpha_i must not become the unknown macro \alphaᵢ.
    return "{}" + "".join(table[char] for char in body)
