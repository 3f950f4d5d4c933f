"""Author text written into MyST displays literally: it can never become markup, a directive or HTML."""

from __future__ import annotations

import inspect
import random
import re

import pytest
from bs4 import BeautifulSoup
from docutils.core import publish_string
from myst_parser.parsers.docutils_ import Parser

from proceedings.util import myst

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "```{eval-rst}\n.. raw:: html\n\n   <b>x</b>\n```",
    "{include}`/etc/passwd`",
    ":::{raw} html\n<iframe src=//evil></iframe>\n:::",
    "[click](javascript:alert(1))",
    "![img](data:text/html,<script>alert(1)</script>)",
    "{{ substitution }} and {sub-ref}`today`",
    "# Not a heading",
    "1. not a list",
    "- not a list either",
    "% not a comment",
    "> not a quote",
    "*not emphasis* _nor this_ **nor bold**",
    "+++ not a block break",
    "&lt;entity&gt; &amp; &#x3C;",
    "back\\slash \\$ escaped dollar",
    "| not | a | table |",
    "(label)=",
    "<https://example.org>",
]


def _render(source: str) -> BeautifulSoup:
    html = publish_string(source, parser=Parser(), writer_name="html5",
                          settings_overrides={"myst_enable_extensions": ["dollarmath", "colon_fence"],
                                              "output_encoding": "unicode", "report_level": 5,
                                              "math_output": "MathJax"})
    return BeautifulSoup(html, "html.parser").find("main") or BeautifulSoup(html, "html.parser").body


def _shown(value: str) -> str:
    return " ".join(value.split())


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_shown_literally(value):
    body = _render(myst.text(value))
    assert " ".join(body.get_text().split()) == _shown(value)
    assert not body.find_all(["script", "iframe", "img", "a", "h1", "ol", "ul", "blockquote", "em", "strong", "table"])


def test_random_punctuation_is_shown_literally():
    rng = random.Random(1)
    alphabet = "abc $`\\{}[]()<>*_#:%&|!~^=+-.\n"
    for _ in range(300):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        if value.strip():
            assert " ".join(_render(myst.text(value)).get_text().split()) == _shown(value), repr(value)


def test_math_renders_and_text_around_it_stays_literal():
    body = _render(myst.rich_text("Error $\\epsilon \\propto C^{-\\alpha}$ for <b>x</b> at $5 and $10"))
    math = body.find_all(class_="math")
    assert [m.get_text() for m in math] == ["\\(\\epsilon \\propto C^{-\\alpha}\\)"]
    assert "for <b>x</b> at $5 and $10" in body.get_text()
    assert not body.find("b")


@pytest.mark.parametrize("value", ["$\\href{javascript:alert(1)}{x}$", "$}`<script>$", "$a}{b$"])
def test_math_cannot_be_used_to_escape(value):
    body = _render(myst.rich_text(value))
    assert not body.find("script")
    assert "href" not in str(body.find_all(class_="math"))


def test_fence_outlasts_backticks_in_content():
    content = "a ```` b\n```\nnot code"
    body = _render(myst.fence(content, "bibtex") + "\n\nafter")
    assert body.find("pre").get_text().strip() == content
    assert "after" in body.get_text()


def test_paragraphs_split_on_blank_lines():
    body = _render(myst.paragraphs("One\nline.\n\n\nTwo $x$."))
    assert [p.get_text() for p in body.find_all("p")] == ["One line.", "Two \\(x\\)."]


def test_the_myst_extensions_check_knows_are_the_ones_myst_accepts():
    # check refuses a name MyST would refuse (the whole list then, silently, for every page)
    from myst_parser.config.main import MdParserConfig, check_extensions

    assert set(re.findall(r'^ +"(\w+)",$', inspect.getsource(check_extensions), re.MULTILINE)) == myst.MYST_EXTENSIONS
    MdParserConfig(enable_extensions=list(myst.MYST_EXTENSIONS))
    with pytest.raises(ValueError, match="deflistt"):
        MdParserConfig(enable_extensions=["deflist", "deflistt"])
