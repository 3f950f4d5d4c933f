"""Finding the inline math of author text."""

from __future__ import annotations

import logging

import pytest

from proceedings.util.latex import formula_text
from proceedings.util.mathtext import math_segments


@pytest.mark.parametrize("text, segments", [
    ("CO$_2$ and $x$", [(False, "CO"), (True, "_2"), (False, " and "), (True, "x")]),
    # A title's $$...$$ was shown with a dollar sign on each side of its formula.
    ("$$E = mc^2$$ Revisited", [(True, "E = mc^2"), (False, " Revisited")]),
    ("$$\\alpha$$-divergences", [(True, "\\alpha"), (False, "-divergences")]),
    ("costs $5 and $10", [(False, "costs $5 and $10")]),
    ("a $$ b and $$x$", [(False, "a $$ b and $$x$")]),
    ("\\$x$ is text", [(False, "\\$x$ is text")]),
    ("$\\href{x}{y}$", [(False, "$\\href{x}{y}$")]),
    # TeX's character codes (^^5c is a backslash, \^^69nput is \input), braces nested deep, and a
    # formula longer than any real one are shown as text; $50%$ is math (BibTeX escapes the %).
    ("$\\text{^^5cinput{/etc/hostname}}$", [(False, "$\\text{^^5cinput{/etc/hostname}}$")]),
    ("$\\^^69nput{x}$", [(False, "$\\^^69nput{x}$")]),
    ("$" + "{" * 31 + "x" + "}" * 31 + "$", [(False, "$" + "{" * 31 + "x" + "}" * 31 + "$")]),
    ("$" + "{" * 30 + "x" + "}" * 30 + "$", [(True, "{" * 30 + "x" + "}" * 30)]),
    ("$" + "x" * 1001 + "$", [(False, "$" + "x" * 1001 + "$")]),
    ("$50%$ and $x^2$", [(True, "50%"), (False, " and "), (True, "x^2")]),
    # \@ is a letter after a reader's \makeatletter: \@@input read a file there (a red-team retest).
    ("$\\text{\\@@input /etc/hostname }$", [(False, "$\\text{\\@@input /etc/hostname }$")]),
    ("$a\\,b\\;c\\!d\\{e\\}$", [(True, "a\\,b\\;c\\!d\\{e\\}")]),
])
def test_math_segments(text, segments):
    assert math_segments(text) == segments


@pytest.mark.parametrize("text, segments", [
    # TeX reads a closing dollar followed by an opening one as two spans; a stray $$ opens none.
    ("$x$$y$ bound", [(True, "x"), (True, "y"), (False, " bound")]),
    ("$x$$ y", [(False, "$x$$ y")]),
    ("a$$x$", [(False, "a$$x$")]),
    ("$$x$", [(False, "$$x$")]),
    ("\\$$x$ each", [(False, "\\$"), (True, "x"), (False, " each")]),
])
def test_math_spans_that_touch(text, segments):
    assert math_segments(text) == segments


@pytest.mark.parametrize("math, text", [("10%", "10%"), ("10\\%", "10%"), ("{" * 400 + "x" + "}" * 400,) * 2])
def test_a_formula_as_text_keeps_a_per_cent_sign_and_one_pylatexenc_cannot_read_is_given_as_written(math, text):
    """A red-team trial: pylatexenc took % for a comment ($10%$ written out as 10), and its recursion
    on braces nested 300 deep crashed a build."""
    assert formula_text(math) == text


def test_a_formula_pylatexenc_cannot_fill_in_prints_nothing(caplog):
    """A build printed "WARNING: Error in configuration: macro '\\frac' failed its substitution!" bare,
    with no file or line, for a title's $\\frac\\frac x$."""
    formula_text.cache_clear()
    with caplog.at_level(logging.WARNING):
        formula_text("\\frac\\frac x")
    assert not [record for record in caplog.records if record.name.startswith("pylatexenc")]
