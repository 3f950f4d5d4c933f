"""Finding the inline math of author text."""

from __future__ import annotations

import pytest

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
