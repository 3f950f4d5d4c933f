"""Inline ``$math$`` in author-supplied text: finding it, and refusing math that could act as markup."""

from __future__ import annotations

import re
from collections.abc import Iterator

# $x$, or $$x$$ (shown inline too: a title's display math left a dollar sign on each side). A closing
# dollar may be followed by the next span's opening one, as TeX reads $x$$y$ (see _math_spans).
_MATH = re.compile(r"(?<!\\)(\$\$?)(?![\s$])([^$]+?)(?<![\s\\])\1(?!\$(?:[\s$]|\Z))")
# A control word (\alpha) or a control symbol (\, or \@: one character that is not a letter).
_MACRO = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.DOTALL)
# The macros author math may use: what titles and abstracts of real papers use (letters, Greek,
# sub/superscripts, fonts, accents, operators, relations, arrows, delimiters, spacing, \text). Any other
# (\href, \style, \bbox, \mmlToken, \unicode, \require, TeX primitives such as \write or \csname)
# could make a page or a reader's LaTeX run do more than typeset, so such "math" is shown as text.
ALLOWED_MACROS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho
varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi
Psi Omega ell hbar imath jmath aleph nabla partial infty emptyset varnothing prime
mathcal mathbb mathbf mathrm mathit mathsf mathtt mathfrak mathscr boldsymbol bm text textrm textit textbf
textsf texttt operatorname mbox
hat bar tilde vec dot ddot breve check acute grave widehat widetilde overline underline overrightarrow
frac dfrac tfrac sqrt binom tbinom dbinom sum prod coprod int iint iiint oint bigcup bigcap bigoplus
bigotimes lim limsup liminf sup inf max min arg argmax argmin det dim ker deg exp log ln lg sin cos tan
cot sec csc arcsin arccos arctan sinh cosh tanh Pr gcd mod bmod pmod
left right big Big bigg Bigg bigl bigr Bigl Bigr middle langle rangle lfloor rfloor lceil rceil lbrace
rbrace lvert rvert lVert rVert vert Vert mid nmid parallel
cdot cdots ldots dots ddots vdots times div pm mp ast star circ bullet oplus ominus otimes odot wedge
vee cap cup setminus sqcup uplus dagger
leq le geq ge neq ne approx sim simeq cong equiv propto ll gg prec succ preceq succeq subset supset
subseteq supseteq in notin ni perp models vdash dashv asymp doteq
to rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow mapsto longrightarrow
longleftarrow longmapsto implies iff uparrow downarrow hookrightarrow rightharpoonup
forall exists nexists neg lnot land lor top bot angle triangle square Box diamond
quad qquad space enspace
""".split()) | frozenset(",;:!> \n{}|%#&$_\\'\"`~^=./-*")
r"""And the control symbols: spacing, escaped specials, line break, accents of \text. Not \@, which
is a letter in a reader's document after \makeatletter: $\text{\@@input /etc/hostname}$ read the file
there (a red-team trial), nor any other character."""


MAX_FORMULA = 1_000
"""Characters a formula may hold: a longer one is shown as text. Each level of nesting is a level of
recursion in the parsers that read a formula (braces nested 300 deep crashed a build)."""
MAX_DEPTH = 30
"""How deep a formula's braces may nest."""
# ^^ followed by two hex digits is any character to TeX, in a macro's name too: ^^5c is a backslash (a
# trial's $\text{^^5cinput{/etc/hostname}}$ read a file into a reader's LaTeX run, and ^^5cimmediate^^5cwrite
# wrote one), and \^^69nput is \input. No formula of a title or an abstract needs two carets in a row.
_CHARACTER_CODE = "^^"


def tex_hazards(formula: str) -> list[str]:
    """Why ``formula`` (the inside of a ``$...$`` span) is shown as text although its macros are
    allowed: longer than :data:`MAX_FORMULA`, braces nested deeper than :data:`MAX_DEPTH`, or a
    character code. Empty for a formula to typeset."""
    if len(formula) > MAX_FORMULA:
        return [f"{len(formula):,} characters (at most {MAX_FORMULA:,})"]
    found = ["^^ (a character code to TeX: ^^5c is a backslash)"] if _CHARACTER_CODE in formula else []
    if (depth := brace_depth(formula)) > MAX_DEPTH:
        found.append(f"braces nested {depth} deep (at most {MAX_DEPTH})")
    return found


def hazardous_formulas(text: str) -> list[tuple[str, list[str]]]:
    """Each formula of ``text`` that :func:`tex_hazards` finds reasons to show as text, with them."""
    return [(match.group(2), hazards) for match in _math_spans(text) if (hazards := tex_hazards(match.group(2)))]


def disallowed_macros(text: str) -> list[str]:
    """The macros of the ``$...$`` spans in ``text`` that author math may not use, in order."""
    found = [name for match in _math_spans(text) for name in _MACRO.findall(match.group(2))
             if name not in ALLOWED_MACROS]
    return list(dict.fromkeys(found))


def math_segments(text: str) -> list[tuple[bool, str]]:
    """``text`` split into (is_math, segment) pairs; math is inline ``$...$`` (or ``$$...$$``) with balanced braces,
    only allowed macros (``ALLOWED_MACROS``) and no :func:`tex_hazards`; other dollar spans are text."""
    segments, position = [], 0
    for match in _math_spans(text):
        formula = match.group(2)
        if not braces_balance(formula) or any(name not in ALLOWED_MACROS for name in _MACRO.findall(formula)) \
                or tex_hazards(formula):
            continue
        segments.append((False, text[position:match.start()]))
        segments.append((True, match.group(2)))
        position = match.end()
    segments.append((False, text[position:]))
    return [(is_math, segment) for is_math, segment in segments if segment]


def _math_spans(text: str) -> Iterator[re.Match[str]]:
    """The math spans of ``text``, left to right. A span opening right after a dollar sign opens only
    where the last span closed, or after an escaped one: in $$x$ or a$$x$ the $x$ is not math, in $x$$y$
    both are, in \\$$x$ the second."""
    if "$" not in text:  # most titles and abstracts: the pattern, tried at each character, costs more
        return
    position, last_end = 0, -1
    while match := _MATH.search(text, position):
        before = text[max(match.start() - 2, 0):match.start()]
        if before.endswith("$") and before != "\\$" and match.start() != last_end:
            position = match.start() + 1
            continue
        yield match
        position = last_end = match.end()


def braces_balance(text: str) -> bool:
    """Whether every unescaped ``{`` in ``text`` has its ``}``."""
    if "{" not in text and "}" not in text:  # most texts: no walk over each backslash
        return True
    depth = 0
    for depth in _brace_depths(text):
        if depth < 0:
            return False
    return depth == 0


def brace_depth(text: str) -> int:
    """How deep the unescaped braces of ``text`` nest."""
    return max(_brace_depths(text), default=0)


def _brace_depths(text: str) -> Iterator[int]:
    """The depth after each unescaped brace of ``text``, in order."""
    depth = 0
    for match in _BRACE_OR_ESCAPE.finditer(text):
        if match.group() in ("{", "}"):
            depth += 1 if match.group() == "{" else -1
            yield depth
