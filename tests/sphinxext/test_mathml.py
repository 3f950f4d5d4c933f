"""Math written as MathML at build time: what latex2mathml makes of author math, cut down to MathML
layout, and what a tiny book shows."""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from test_sphinxext import _build

from proceedings.util.mathml import UnconvertibleMath, mathml

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _tree(latex: str, display: bool = False) -> ET.Element:
    return ET.fromstring(mathml(latex, display))


def test_math_becomes_mathml_with_its_source_as_alttext():
    tree = _tree(r"\epsilon(C) \propto C^{-\alpha}")
    assert tree.tag == MATHML + "math" and tree.get("display") == "inline"
    assert tree.get("alttext") == r"\epsilon(C) \propto C^{-\alpha}"
    assert [element.text for element in tree.iter(MATHML + "mi")] == ["ϵ", "C", "C", "α"]
    assert tree.find(f".//{MATHML}msup") is not None
    assert _tree(r"\frac{a}{b}", display=True).get("display") == "block"


def test_an_operator_name_has_tex_s_thin_space_before_what_it_applies_to():
    """A new-user trial: $O(n \\log n)$ was shown as O(nlogn)."""
    children = [(element.tag.removeprefix(MATHML), element.text, element.get("width"))
                for element in _tree(r"O(n \log n) + \log(n)").find(MATHML + "mrow")]
    # On both sides, as TeX sets it (a second trial found "nlog n": a space after the name only).
    assert children[2:7] == [("mi", "n", None), ("mspace", None, "0.167em"), ("mi", "log", None),
                             ("mspace", None, "0.167em"), ("mi", "n", None)]
    assert children[9:11] == [("mi", "log", None), ("mo", "(", None)]
    assert _tree(r"O(n \log n)").get("alttext") == r"O(n \log n)"
    # Nor into a script's macro, nor between \limits and its operator.
    scripted = [(element.tag.removeprefix(MATHML), element.text) for element in _tree(r"\max_\theta x").iter()]
    assert ("mi", "θ") in scripted and ("mi", "x") in scripted and ("mi", "a") not in scripted
    assert _tree(r"\max\limits_i x").find(f".//{MATHML}munder/{MATHML}mspace") is None


def test_a_macro_latex2mathml_does_not_know_is_an_upright_name():
    names = [(element.text, element.get("mathvariant")) for element in _tree(r"\arg\max_x f").iter(MATHML + "mi")]
    assert ("arg", "normal") in names and not any("\\" in (text or "") for text, _ in names)


@pytest.mark.parametrize("latex", [r"\href{javascript:alert(1)}{x}", r"\style{position:fixed;width:100%}{x}",
                                   r"\color{red}{x}", r"\class{x}{y}"])
def test_links_styles_and_classes_are_left_out(latex):
    text = mathml(latex, display=False)
    tree = ET.fromstring(text)
    attributes = {name for element in tree.iter() for name in element.attrib}
    assert not attributes & {"href", "style", "class", "id", "mathcolor"}, text
    assert "javascript" not in text.replace(tree.get("alttext"), "")


@pytest.mark.parametrize("text", ["p < 0.05", "A & B", "<b onclick=alert(1)>x</b>"])
def test_text_in_math_is_text_whatever_it_holds(text):
    tree = _tree(rf"\text{{{text}}} = 1")
    assert [element.tag.removeprefix(MATHML) for element in tree.iter()] == ["math", "mrow", "mtext", "mo", "mn"]
    assert tree.find(f".//{MATHML}mtext").text.replace("\u00a0", " ") == text


@pytest.mark.parametrize("latex", ["{" * 3000 + "x" + "}" * 3000,
                                   "{" * 480 + "x" + "}" * 480,
                                   "x^1^2", r"\text{</mtext><script>alert(1)</script>}"])
def test_unreadable_math_is_refused_at_once(latex):
    start = time.perf_counter()
    with pytest.raises(UnconvertibleMath):
        mathml(latex, display=False)
    assert time.perf_counter() - start < 1


def test_a_book_shows_inline_and_numbered_math_as_mathml_and_bad_math_as_its_source(tmp_path):
    warnings = io.StringIO()
    page = ("# Math\n\nInline $x^2 < y$ and broken $x^1^2$.\n\n$$\\sum_{i=1}^n x_i$$ (eq-sum)\n\n"
            "See {eq}`eq-sum`.\n")
    out = _build(tmp_path, {"book/welcome.md": page}, warnings=warnings)
    soup = BeautifulSoup((out / "book" / "welcome.html").read_text("utf-8"), "html.parser")
    inline = soup.select("span.math > math")
    assert [math["alttext"] for math in inline] == ["x^2 < y"] and inline[0].find("msup")
    block = soup.select_one("div.math")
    assert block.find("math")["display"] == "block" and block.select_one(".eqno").get_text() == "(1)"
    assert block["id"] == "equation-eq-sum" and soup.find("a", href="#equation-eq-sum").get_text() == "(1)"
    assert soup.select_one("code.math-source").get_text() == "x^1^2"
    assert "welcome.md:3: WARNING: math shown as its source" in warnings.getvalue()
    assert not soup.find("script", src=lambda src: src and "mathjax" in src.lower())
