"""The Sphinx extension on its own, in tiny Sphinx projects (no Jupyter Book)."""

from __future__ import annotations

import io
import json
import logging
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import docutils.core
import docutils.frontend
import docutils.nodes
import docutils.transforms.references
import docutils.utils
import jinja2
import myst_parser.mdit_to_docutils.base as myst_renderer
import myst_parser.parsers.sphinx_
import pytest
import sphinx.builders.html as sphinx_html
import yaml
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from PIL import Image
from pygments.formatters import HtmlFormatter
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.highlighting import PygmentsBridge

import proceedings
from proceedings.model.locations import GENERATED_MARKER
from proceedings.sphinxext import icons, lean, libyaml, memory, once, search_data, tokens
from proceedings.util import myst

CONF = """\
extensions = ["myst_parser", "proceedings.sphinxext"]
html_baseurl = "https://example.org/site/"
html_title = "Tiny proceedings"
root_doc = "book/welcome"
myst_enable_extensions = ["colon_fence", "dollarmath"]
smartquotes = False
"""

HOSTILE = '</script><script>alert(1)</script> " <b>&amp;'


def _build(root: Path, pages: dict[str, str], freshenv: bool = True, warnings: io.StringIO | None = None,
           parallel: int = 0, conf: str = "", builder: str = "html") -> Path:
    (root / "conf.py").write_text(CONF + conf)
    (root / "index.md").write_text("# Outside book/\n")
    pages = {"book/welcome.md": "# Welcome\n", **pages}
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    out = root / "_build" / builder
    app = Sphinx(str(root), str(root), str(out), str(root / "_build" / "doctrees"), builder,
                 status=None, warning=warnings, freshenv=freshenv, parallel=parallel)
    app.build()
    return out


def _page(front: dict) -> str:
    return myst.front_matter(front, "test page") + "\n# A paper\n\nText {asset}`the PDF <paper.pdf>`.\n"


def test_head_tags_links_and_json_ld(tmp_path):
    data = {"meta": [["citation_title", HOSTILE], ["citation_author", "A"], ["citation_author", "B"]],
            "links": [{"rel": "alternate", "type": "application/x-bibtex", "href": "paper.bib"}],
            "jsonld": {"@type": "ScholarlyArticle", "name": HOSTILE}}
    out = _build(tmp_path, {"book/paper.md": _page({"orphan": True, "proceedings": data})})
    html = (out / "book" / "paper.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert [m["content"] for m in soup.find_all("meta", attrs={"name": "citation_author"})] == ["A", "B"]
    assert soup.find("meta", attrs={"name": "citation_title"})["content"] == HOSTILE
    assert soup.find("link", rel="alternate", type="application/x-bibtex")["href"] == "paper.bib"
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1 and json.loads(scripts[0].string)["name"] == HOSTILE
    assert html.count("<script>alert(1)") == 0
    assert soup.find("meta", property="og:url")["content"] == "https://example.org/site/book/paper.html"
    assert soup.find("meta", property="og:site_name")["content"] == "Tiny proceedings"
    assert soup.select_one("a.proceedings-asset")["href"] == "paper.pdf"


def test_a_citation_file_s_link_asks_the_browser_to_download_it(tmp_path):
    page = _page({"orphan": True}) + "\n{asset}`BibTeX \" onclick=\"x\" & <paper.bib>` {asset}`ICS <program.ics>`\n"
    out = _build(tmp_path, {"book/paper.md": page})
    soup = BeautifulSoup((out / "book" / "paper.html").read_text("utf-8"), "html.parser")
    links = {link["href"]: link for link in soup.select("a.proceedings-asset")}
    assert links["paper.bib"]["download"] == "paper.bib" and links["program.ics"]["download"] == "program.ics"
    assert links["paper.bib"].get_text() == 'BibTeX " onclick="x" &' and not links["paper.bib"].has_attr("onclick") and links["paper.bib"]["class"] == [
        "proceedings-asset", "reference", "external"]
    assert not links["paper.pdf"].has_attr("download")


def test_reads_only_book_and_writes_sitemap(tmp_path):
    out = _build(tmp_path, {"papers/stray.md": "# Not a page\n"})
    assert (out / "book" / "welcome.html").is_file()
    assert not (out / "index.html").exists() and not (out / "papers" / "stray.html").exists()
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://example.org/site/book/welcome.html</loc>" in sitemap
    assert "search.html" not in sitemap and "genindex" not in sitemap


def test_each_page_is_logged_as_it_is_begun_in_name_order_and_a_written_page_is_whole(tmp_path):
    """The build indexes a run of paper pages for search once Sphinx has begun a page named after
    them: Sphinx writes in name order, and a page is written whole before the next is begun."""
    log = tmp_path / "pages.log"
    names = ["book/papers/b", "book/papers/a-b", "book/papers/a", "book/papers/c"]
    seen = {}

    original = Sphinx.emit_firstresult

    def emit_firstresult(self, event, *args, **kwargs):
        if event == "html-page-context" and log.is_file():  # each page logged so far is on disk, whole
            for name in log.read_text().split():
                seen.setdefault(name, (Path(self.outdir) / f"{name}.html").read_text().rstrip().endswith("</html>"))
        return original(self, event, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Sphinx, "emit_firstresult", emit_firstresult)
        _build(tmp_path, {f"{name}.md": f"# {name}\n" for name in names}, conf=f"proceedings_page_log = {str(log)!r}\n")
    logged = log.read_text().split()
    documents = [name for name in logged if name.startswith("book/")]
    assert documents == sorted([*names, "book/welcome"])
    assert all(seen[name] for name in logged[:-1]) and len(seen) == len(logged) - 1
    (tmp_path / "off").mkdir()
    _build(tmp_path / "off", {})
    assert not list((tmp_path / "off").rglob("*.log"))  # no log unless asked


@pytest.mark.parametrize("label", ["Ada Lovelace", HOSTILE, "x <y> z", "ends with `", "`starts`", "{ref}`a <b>`"])
def test_a_label_ref_shows_its_text_literally_with_the_html_of_a_myst_link(tmp_path, label):
    # MyST's [text](#label) escapes the text; {ref}`text <label>` misreads "<...>" and backticks.
    target = "(proceedings-author-x)=\n## Ada\n"
    pages = {"book/people.md": "# People\n\n" + target,
             "book/ref.md": f"# By role\n\n- **{myst.ref(label, 'proceedings-author-x')}**\n",
             "book/link.md": f"# By link\n\n- **[{myst.text(label)}](#proceedings-author-x)**\n"}
    warnings = io.StringIO()
    out = _build(tmp_path, pages, warnings=warnings)
    links = [BeautifulSoup((out / f"book/{name}.html").read_text("utf-8"), "html.parser").find("strong")
             for name in ("ref", "link")]
    assert str(links[0]) == str(links[1])
    assert links[0].a["href"] == "people.html#proceedings-author-x" and links[0].get_text() == label
    assert "undefined label" not in warnings.getvalue() and "not found" not in warnings.getvalue()


def test_a_label_ref_to_an_unknown_label_is_reported_at_its_line(tmp_path):
    warnings = io.StringIO()
    _build(tmp_path, {"book/ref.md": f"# By role\n\nText.\n\n- {myst.ref('Ada', 'nowhere')}\n"}, warnings=warnings)
    assert "ref.md:5: WARNING: undefined label: 'nowhere'" in warnings.getvalue()


def test_pages_without_citation_data_get_no_tags(tmp_path):
    out = _build(tmp_path, {"book/plain.md": "# Plain\n"})
    assert "citation_" not in (out / "book" / "plain.html").read_text("utf-8")


def test_search_data_is_escaped_and_pages_can_opt_out(tmp_path):
    search = {"filters": {"author": [HOSTILE]}, "meta": {"authors": HOSTILE}}
    out = _build(tmp_path, {"book/paper.md": _page({"orphan": True, "proceedings": {"search": search}}),
                            "book/listing.md": _page({"orphan": True, "proceedings": {"search": {"index": False}}})})
    soup = BeautifulSoup((out / "book" / "paper.html").read_text("utf-8"), "html.parser")
    body = soup.select_one("[data-pagefind-body]")
    # Pagefind's interface shows these as HTML: < > & arrive as their full-width look-alikes.
    inert = HOSTILE.replace("<", "\uff1c").replace(">", "\uff1e").replace("&", "\uff06")
    assert body.select_one("[data-pagefind-filter]")["data-pagefind-filter"] == f"author:{inert}"
    assert body.select_one("[data-pagefind-meta]")["data-pagefind-meta"] == f"authors:{inert}"
    assert not body.find("script") and not body.find("b")
    listing = (out / "book" / "listing.html").read_text("utf-8")
    assert "data-pagefind-body" not in listing


def test_search_data_writes_in_ascii_the_names_pagefind_would_not_match_so():
    # Pagefind drops accents (Muller finds Müller), but Ł, ø, đ are letters of their own.
    data = {"filters": {"author": ["Łucja Wróbel", "Jürgen Müller", "Søren <b>Ørsted</b>"]}}
    spans = BeautifulSoup(search_data(data), "html.parser").select("div.proceedings-search-data > span:not([data-pagefind-filter])")
    assert [span.get_text() for span in spans] == ["Lucja Wrobel, Soren \uff1cb\uff1eOrsted\uff1c/b\uff1e"]


def _plaintext_paragraphs(out: Path) -> list[str]:
    soup = BeautifulSoup((out / "book" / "paper.html").read_text("utf-8"), "html.parser")
    dropdown = soup.select_one("details.sd-dropdown")
    assert not dropdown.select("script, b, em, .math") and "After the text." not in dropdown.get_text()
    assert dropdown.select_one("summary .sd-summary-text").get_text() == "Full text: <b>of</b> the PDF"
    return [p.get_text() for p in dropdown.select(".sd-summary-content > p.sd-card-text")]


def test_plaintext_files_are_shown_literally_and_rebuilt_when_changed(tmp_path):
    text = ":class: danger\n---\n:::\n" + HOSTILE + "\n\n{eval-rst}`x` *not emphasis* $x$\n\n````\n:::"
    page = myst.front_matter({"orphan": True}, "test page") + "\n# A paper\n\n" + myst.plain_text_file(
        "paper.txt", dropdown="Full text: <b>of</b>\nthe PDF") + "\n\nAfter the text.\n"
    out = _build(tmp_path, {"book/paper.md": page, "book/paper.txt": text}, conf=BOOK_EXTENSIONS)
    assert _plaintext_paragraphs(out) == [":class: danger --- ::: " + HOSTILE, "{eval-rst}`x` *not emphasis* $x$",
                                          "```` :::"]
    # Only the text file changes: Sphinx must read the page again (the directive notes the dependency).
    (tmp_path / "book" / "paper.txt").write_text("A replaced PDF's text.\n", "utf-8")
    later = time.time() + 10
    os.utime(tmp_path / "book" / "paper.txt", (later, later))
    out = _build(tmp_path, {}, freshenv=False, conf=BOOK_EXTENSIONS)
    assert _plaintext_paragraphs(out) == ["A replaced PDF's text."]


def test_plaintext_is_the_html_of_the_same_paragraphs_written_in_myst(tmp_path):
    """The same HTML, byte for byte, as the text's paragraphs written in the page (escaped), in
    sphinx-design's own dropdown directive and outside one."""
    text = "First paragraph\nof the PDF.\n\n  Second,\twith <i>tags</i> & \"quotes\" @ *stars*.\n\n\n\nThird."
    written = "First paragraph of the PDF.\n\nSecond, with \\<i\\>tags\\</i\\> & \"quotes\" @ \\*stars\\*.\n\nThird."
    pages = {"book/ours.md": "# P\n\n" + myst.plain_text_file("p.txt", dropdown="Full text of the PDF") + "\n",
             "book/theirs.md": f"# P\n\n:::{{dropdown}} Full text of the PDF\n{written}\n:::\n",
             "book/ours_plain.md": "# P\n\n" + myst.plain_text_file("p.txt") + "\n\nAfter.\n",
             "book/theirs_plain.md": f"# P\n\n{written}\n\nAfter.\n", "book/p.txt": text}
    out = _build(tmp_path, pages, conf=BOOK_EXTENSIONS)

    def body(name: str, selector: str) -> str:
        return str(BeautifulSoup((out / "book" / f"{name}.html").read_text("utf-8"), "html.parser").select_one(selector))
    assert body("ours", "details") == body("theirs", "details")
    assert body("ours_plain", "section") == body("theirs_plain", "section")
    dropdown = BeautifulSoup(body("ours", "details"), "html.parser")
    assert [p.get_text() for p in dropdown.select("p.sd-card-text")] == [
        "First paragraph of the PDF.", 'Second, with <i>tags</i> & "quotes" @ *stars*.', "Third."]


def test_a_missing_plaintext_file_is_reported_with_its_page(tmp_path):
    page = myst.front_matter({"orphan": True}, "test page") + "\n# A paper\n\n" + myst.plain_text_file("gone.txt") + "\n"
    warnings = io.StringIO()
    out = _build(tmp_path, {"book/paper.md": page}, warnings=warnings)
    assert (out / "book" / "paper.html").is_file()
    assert "paper.md" in warnings.getvalue() and "cannot read the text file 'gone.txt'" in warnings.getvalue()


def test_page_data_line_is_read_and_removed(tmp_path):
    data = {"meta": [["citation_title", HOSTILE]], "jsonld": {"name": "xyzzy"}}
    source = _page({"orphan": True, "proceedings": data})
    assert myst.page_data(source) == (data, source.replace(myst.DATA_PREFIX + json.dumps(data, ensure_ascii=False), ""))
    assert myst.page_data("# No front matter\n% proceedings: {}\n") == ({}, "# No front matter\n% proceedings: {}\n")
    out = _build(tmp_path, {"book/paper.md": source})
    html = (out / "book" / "paper.html").read_text("utf-8")
    assert "% proceedings" not in html and "xyzzy" in html


# What Jupyter Book loads whose transforms the generated pages skip (MyST-NB, loaded in this process,
# leaves the next Sphinx app without a Markdown parser: it is loaded in a process of its own).
BOOK_EXTENSIONS = 'extensions = ["myst_parser", "sphinx_design", "proceedings.sphinxext"]\n'


_REGISTERED = """
import json, sys
import sphinx.builders.html as sphinx_html
from pygments.formatters import HtmlFormatter
from sphinx.application import Sphinx
from sphinx.io import SphinxStandaloneReader
from proceedings.sphinxext import lean
app = Sphinx(sys.argv[1], sys.argv[1], sys.argv[1] + "/out", sys.argv[1] + "/doctrees", "html", status=None, warning=None)
reader = SphinxStandaloneReader()
reader.setup(app)
# A wrapped transform is a subclass of the same name, or (those Sphinx's reader applies by their class)
# the class itself with its ``apply`` wrapped.
print(json.dumps({lean.qualified_name(t): [lean.qualified_name(t.__mro__[1]) == lean.qualified_name(t),
                                           hasattr(vars(t).get("apply"), "__wrapped__")]
                  for t in [*reader.get_transforms(), *app.registry.post_transforms]}))
print(json.dumps({event: [lean.qualified_name(listener.handler.__wrapped__) for listener in app.events.listeners[event]
                          if hasattr(listener.handler, "__wrapped__")] for event in ("doctree-read", "doctree-resolved")}))
print(json.dumps(lean.qualified_name(app.builder.post_process_images.__wrapped__)))
"""


def test_every_transform_generated_pages_skip_is_registered_and_wrapped(tmp_path):
    # The extensions Jupyter Book loads (intersphinx and its LaTeX one among them) with the book's theme.
    extensions = BOOK_EXTENSIONS.replace('"myst_parser"', '"myst_nb", "sphinx.ext.intersphinx", "sphinx_jupyterbook_latex"')
    (tmp_path / "conf.py").write_text(CONF + extensions + 'html_theme = "sphinx_book_theme"\n')
    found = subprocess.run([sys.executable, "-c", _REGISTERED, str(tmp_path)], capture_output=True, text=True, check=True)
    wrapped = json.loads(found.stdout.splitlines()[-3])
    subclassed = {name for name, (is_subclass, _) in wrapped.items() if is_subclass}
    applied = {name for name, (is_subclass, has_wrapped_apply) in wrapped.items() if has_wrapped_apply and not is_subclass}
    # A name that no longer matches (an extension renamed a transform) would silently skip nothing.
    assert subclassed == lean.UNUSED_TRANSFORMS | lean.UNUSED_POST_TRANSFORMS | set(lean.LOOKING_FOR_CLASS)
    assert applied == lean.UNUSED_BY_CLASS
    handlers = json.loads(found.stdout.splitlines()[-2])
    assert {event: set(names) for event, names in handlers.items()} == lean.UNUSED_HANDLERS
    assert json.loads(found.stdout.splitlines()[-1]) == "sphinx.builders.html.StandaloneHTMLBuilder.post_process_images"


def test_docutils_own_transforms_still_apply_outside_sphinx_after_a_lean_build(tmp_path):
    # Wrapped once in the process for every document: one published by docutils alone has no Sphinx
    # environment, and gets its substitutions, anonymous links and transitions as before.
    _build(tmp_path, {"book/paper.md": myst.page({"orphan": True}, "test page", "A paper", "Text.")}, conf=BOOK_EXTENSIONS)
    assert hasattr(vars(docutils.transforms.references.AnonymousHyperlinks)["apply"], "__wrapped__")
    rst = ".. |x| replace:: replaced\n\n|x| and `b`__\n\n__ https://example.org/b\n\n----\n\nEnd.\n\n----\n"
    body = docutils.core.publish_parts(rst, writer_name="html5", settings_overrides={"warning_stream": False})["body"]
    assert "<p>replaced and <a" in body and 'href="https://example.org/b"' in body
    assert "Document may not end with a transition" in body


def test_generated_pages_skip_unused_transforms_with_the_same_html(tmp_path):
    generated = myst.page({"orphan": True}, "test page", "A paper", "Text with {math}`x^2` and <https://github.com/a/b>.",
                          myst.plain_text_file("paper.txt", dropdown="Full text of the PDF"), "```bibtex\n@misc{a,}\n```")
    tabs = "::::{tab-set}\n:::{tab-item} One\nFirst.\n:::\n:::{tab-item} Two\nSecond.\n:::\n::::"
    button = ":::{button-link} https://example.org\n:new-tab:\nAway\n:::"
    hand = f"# By hand\n\n{tabs}\n\n:::{{aside}}\nAside.\n:::\n\n{{kbd}}`Ctrl+C`\n\n{button}\n\n![A picture](pic.png)\n"
    # Were a generated page to hold syntax the tool never writes, the skipping would show.
    odd = myst.page({"orphan": True}, "test page", "Odd", tabs)
    # A listing with a table of contents, as sphinx-external-toc gives the book's listings.
    listing = myst.page({}, "test page", "Papers", "```{toctree}\npaper\n```")
    # A hand-written page begun as a copy of a generated one: its data line says generated, its seal no longer holds.
    copied = generated + "\n![A picture](pic.png)\n"
    pages = {"book/paper.md": generated, "book/paper.txt": "Some text.", "book/hand.md": hand, "book/odd.md": odd,
             "book/list.md": listing, "book/copied.md": copied}
    for name in ("lean", "full"):
        (tmp_path / name / "book").mkdir(parents=True)
        Image.new("RGB", (4, 4)).save(tmp_path / name / "book" / "pic.png")
    lean_out = _build(tmp_path / "lean", pages, conf=BOOK_EXTENSIONS)
    full_out = _build(tmp_path / "full", pages, conf=BOOK_EXTENSIONS + "proceedings_lean = False\n")

    def main(out: Path, page: str) -> str:
        return str(BeautifulSoup((out / "book" / page).read_text("utf-8"), "html.parser").select_one("[role=main]"))
    assert main(lean_out, "paper.html") == main(full_out, "paper.html")
    assert main(lean_out, "list.html") == main(full_out, "list.html") and 'href="paper.html"' in main(lean_out, "list.html")
    assert main(lean_out, "hand.html") == main(full_out, "hand.html")
    # The hand-written page still got sphinx-design's and Sphinx's transforms.
    soup = BeautifulSoup((lean_out / "book" / "hand.html").read_text("utf-8"), "html.parser")
    assert len(soup.select(".sd-tab-set > input")) == 2 and soup.select_one("aside") and soup.select_one("kbd.kbd")
    assert soup.select_one("a.sd-btn[target=_blank]")
    # And Sphinx's images: found, copied and linked; so is the changed copy's.
    assert soup.select_one("img")["src"] == "../_images/pic.png" and (lean_out / "_images" / "pic.png").is_file()
    assert main(lean_out, "copied.html") == main(full_out, "copied.html") and 'src="../_images/pic.png"' in main(lean_out, "copied.html")
    paper = BeautifulSoup((lean_out / "book" / "paper.html").read_text("utf-8"), "html.parser")
    assert paper.select_one("details.sd-dropdown") and paper.select_one("math") and paper.select_one("div.highlight-bibtex")
    inputs = {out: len(BeautifulSoup((out / "book" / "odd.html").read_text("utf-8"), "html.parser").select(".sd-tab-set > input"))
              for out in (lean_out, full_out)}
    assert inputs == {lean_out: 0, full_out: 2}


def test_a_book_in_one_page_from_a_generated_root_keeps_what_its_hand_written_pages_need(tmp_path):
    # singlehtml resolves and writes the whole book in one doctree, named after its root page: a generated one here.
    tabs = "::::{tab-set}\n:::{tab-item} One\nFirst.\n:::\n:::{tab-item} Two\nSecond.\n:::\n::::"
    pages = {"book/welcome.md": myst.page({}, "test page", "Welcome", "```{toctree}\nhand\n```"),
             "book/hand.md": f"# By hand\n\n![A picture](pic.png)\n\n{tabs}\n"}
    found = []
    for name, is_lean in (("lean", "True"), ("full", "False")):
        (tmp_path / name / "book").mkdir(parents=True)
        Image.new("RGB", (4, 4)).save(tmp_path / name / "book" / "pic.png")
        out = _build(tmp_path / name, pages, conf=BOOK_EXTENSIONS + f"proceedings_lean = {is_lean}\n", builder="singlehtml")
        soup = BeautifulSoup((out / "book" / "welcome.html").read_text("utf-8"), "html.parser")
        found.append((str(soup.select_one("[role=main]")), (out / "_images" / "pic.png").is_file()))
    assert found[0] == found[1] and found[0][1]
    assert 'src="_images/pic.png"' in found[0][0] and found[0][0].count("sd-tab-label") == 2


def test_a_generated_page_s_dropdown_is_looked_for_among_its_containers_alone(tmp_path, monkeypatch):
    import sphinx_design.dropdown
    from sphinx_design.shared import is_component as design_component
    asked: list[tuple[str, str]] = []

    def is_component(node, name):
        asked.append((Path(node.document["source"]).name if node.document else "", type(node).__name__))
        return design_component(node, name)
    monkeypatch.setattr(sphinx_design.dropdown, "is_component", is_component)
    generated = myst.page({"orphan": True}, "test page", "A paper", "Text with {math}`x^2` and a [link](hand.md).",
                          myst.plain_text_file("paper.txt", dropdown="Full text of the PDF"))
    hand = "# By hand\n\n:::{dropdown} Open\nInside.\n:::\n"
    pages = {"book/paper.md": generated, "book/paper.txt": "Some text.", "book/hand.md": hand}
    (tmp_path / "lean").mkdir()
    (tmp_path / "full").mkdir()
    lean_out = _build(tmp_path / "lean", pages, conf=BOOK_EXTENSIONS)
    assert {kind for page, kind in asked if page == "paper.md"} == {"container"}
    assert "Text" in {kind for page, kind in asked if page == "hand.md"}  # a hand-written page: every node, as before
    full_out = _build(tmp_path / "full", pages, conf=BOOK_EXTENSIONS + "proceedings_lean = False\n")
    for page in ("paper.html", "hand.html"):
        assert (lean_out / "book" / page).read_text("utf-8") == (full_out / "book" / page).read_text("utf-8")
    assert BeautifulSoup((lean_out / "book" / "paper.html").read_text("utf-8"), "html.parser").select_one("details.sd-dropdown")
    # The doctree is left for any builder: it holds the dropdown as made, as in a full build.
    doctree = pickle.loads((tmp_path / "lean" / "_build" / "doctrees" / "book" / "paper.doctree").read_bytes())
    assert [node.get("design_component") for node in doctree.findall(docutils.nodes.container)] == ["dropdown"]
    text_out = _build(tmp_path / "lean", pages, conf=BOOK_EXTENSIONS, builder="text")
    assert "Full text of the PDF" in (text_out / "book" / "paper.txt").read_text("utf-8")


def test_a_translated_book_still_translates_its_hand_written_pages_but_not_generated_ones(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    catalog = Catalog(locale="de")
    catalog.add("Words to translate.", "Übersetzte Wörter.")
    catalog.add("By hand", "Von Hand")
    for domain in ("book/hand", "book/paper"):
        mo = tmp_path / "locales" / "de" / "LC_MESSAGES" / f"{domain}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as stream:
            write_mo(stream, catalog)
    generated = myst.page({"orphan": True}, "test page", "A paper", "Words to translate.")
    hand = "---\norphan: true\n---\n# By hand\n\nWords to translate.\n"
    conf = 'language = "de"\nlocale_dirs = ["../locales"]\ngettext_compact = False\n'
    pages = {"book/hand.md": hand, "book/paper.md": generated}
    (tmp_path / "lean").mkdir()
    (tmp_path / "full").mkdir()
    lean_out = _build(tmp_path / "lean", pages, conf=conf)
    hand_html = (lean_out / "book" / "hand.html").read_text("utf-8")
    assert "Übersetzte Wörter." in hand_html and "Von Hand" in hand_html
    # A generated page is in the papers' own words, whatever the catalogs say...
    assert "Words to translate." in (lean_out / "book" / "paper.html").read_text("utf-8")
    # ...unless the project asks for every transform, even built in the same process after a lean build.
    full_out = _build(tmp_path / "full", pages, conf=conf + "proceedings_lean = False\n")
    assert "Übersetzte Wörter." in (full_out / "book" / "paper.html").read_text("utf-8")


def test_checksums_and_formatters_are_made_once_per_build_with_the_same_html(tmp_path, monkeypatch):
    code = "```bibtex\n@misc{a, title = {A}}\n```\n\n```text\nplain\n```\n\n```{code-block} python\n:emphasize-lines: 1\nx = 1\n```\n"
    # Footnotes, headings and substitutions are state of a render, which must not leak from page to
    # page; the last page's settings of its own get a parser of their own.
    body = "## Part {0}\n\nSee [the part](#part-{0}) and a note[^n].\n\n[^n]: Note of page {0}.\n"
    own = "---\nmyst:\n  heading_anchors: 2\n---\n"
    pages = {f"book/p{number}.md": f"{own if number == 2 else ''}# Page {number}\n\n{code}\n{body.format(number)}"
             for number in range(3)}
    theme = 'html_theme = "sphinx_book_theme"\n'
    checksums, formatters = [], []
    checksum, settings, parsed = once._ORIGINAL_CHECKSUM, once._ORIGINAL_SETTINGS, []
    monkeypatch.setattr(once, "_ORIGINAL_CHECKSUM", lambda *args: checksums.append(args) or checksum(*args))
    monkeypatch.setattr(docutils.frontend, "get_default_settings", lambda *components: parsed.append(components) or
                        settings(*components))
    monkeypatch.setattr(once, "_ORIGINAL_SETTINGS", docutils.frontend.get_default_settings)
    stylesheets, looked_up = once._ORIGINAL_STYLESHEETS, []
    monkeypatch.setattr(docutils.utils, "get_stylesheet_list", lambda settings: looked_up.append(
        repr(settings.stylesheet_path)) or stylesheets(settings))
    monkeypatch.setattr(once, "_ORIGINAL_STYLESHEETS", docutils.utils.get_stylesheet_list)
    create_md_parser, md_parsers = once._ORIGINAL_MD_PARSER, []
    monkeypatch.setattr(once, "_ORIGINAL_MD_PARSER", lambda config, renderer: md_parsers.append(renderer) or
                        create_md_parser(config, renderer))
    monkeypatch.setattr(PygmentsBridge, "html_formatter",
                        staticmethod(lambda **options: formatters.append(options) or HtmlFormatter(**options)))
    partials = []
    render_partial = sphinx_html.StandaloneHTMLBuilder.render_partial
    monkeypatch.setattr(sphinx_html.StandaloneHTMLBuilder, "render_partial",
                        lambda self, node: partials.append(node) or render_partial(self, node))
    (tmp_path / "once").mkdir()
    once_out = _build(tmp_path / "once", pages, conf=BOOK_EXTENSIONS + theme)
    rendered_once = len(partials)
    assert len(checksums) == len(set(checksums)) > 5  # each stylesheet and script once, for all the pages
    # One for the stylesheet, one for the blocks without options, one per block with lines to
    # highlight (a list, which cannot be a key).
    assert len(formatters) == 2 + len(pages)
    assert parsed and len(parsed) == len(set(parsed))  # docutils' default settings parsed once per set of components
    assert len(looked_up) == len(set(looked_up)) == 1  # docutils' stylesheets looked for once, for every translator
    assert docutils.utils.get_stylesheet_list is once._ORIGINAL_STYLESHEETS
    assert len(md_parsers) == 2  # one Markdown parser for every page with the same settings
    assert myst_parser.parsers.sphinx_.create_md_parser is once._ORIGINAL_MD_PARSER
    assert sphinx_html._file_checksum is once._ORIGINAL_CHECKSUM  # Sphinx's own again after the build
    assert docutils.frontend.get_default_settings is once._ORIGINAL_SETTINGS
    monkeypatch.setattr(once, "_once_per_build", lambda app, generated: None)
    (tmp_path / "each").mkdir()
    each_out = _build(tmp_path / "each", pages, conf=BOOK_EXTENSIONS + theme)
    for page in pages:
        html = page.replace(".md", ".html")
        assert (once_out / html).read_text("utf-8") == (each_out / html).read_text("utf-8")
    assert len(formatters) == (2 + len(pages)) + (1 + 3 * len(pages))  # one per block
    assert len(looked_up) > 2 * len(pages)  # for every translator: several per page
    assert len(md_parsers) == 2 + 1 + len(pages)  # then one per page (and the root page), made each time
    assert len(partials) - rendered_once == rendered_once + 1 + len(pages)  # each page's title a second time
    assert len(parsed) > len(set(parsed)) + len(pages)  # the settings once per page at least


def _lean_and_full_html(tmp_path: Path, pages: dict[str, str], calls: list) -> tuple[Path, list]:
    """The pages built with the book theme, lean and with ``proceedings_lean = False``, checked to
    give the same HTML; the lean build's output, and ``calls`` (which a probe fills) as that build
    left them. ``calls`` then holds the other build's."""
    (tmp_path / "lean").mkdir()
    (tmp_path / "full").mkdir()
    theme = 'html_theme = "sphinx_book_theme"\n'
    lean_out = _build(tmp_path / "lean", pages, conf=BOOK_EXTENSIONS + theme)
    lean_calls = calls.copy()
    calls.clear()
    full_out = _build(tmp_path / "full", pages, conf=BOOK_EXTENSIONS + theme + "proceedings_lean = False\n")
    for page in [page for page in pages if page.endswith(".md")]:  # not the files beside them
        html = page.replace(".md", ".html")
        assert (lean_out / html).read_text("utf-8") == (full_out / html).read_text("utf-8"), page
    return lean_out, lean_calls


def test_the_theme_checks_the_template_lists_once_per_folder_with_the_same_html(tmp_path, monkeypatch):
    import pydata_sphinx_theme.utils
    checked: list[str] = []
    check = pydata_sphinx_theme.utils._update_and_remove_templates

    def counted(app, context, *args, **kwargs):
        checked.append(context["pagename"])
        return check(app, context, *args, **kwargs)
    monkeypatch.setattr(pydata_sphinx_theme.utils, "_update_and_remove_templates", counted)
    papers = {f"book/papers/p{i}.md": myst.page({"orphan": True}, "test page", f"Paper {i}", "Text.") for i in range(4)}
    _, lean_checks = _lean_and_full_html(tmp_path, {**papers, "book/hand.md": "---\norphan: true\n---\n# By hand\n"}, checked)
    # The secondary sidebar (the page's own contents) is checked for every page all the same.
    per_page = checked.count("book/papers/p0")
    assert per_page > 2 and checked.count("book/papers/p3") == per_page
    assert lean_checks.count("book/papers/p0") == per_page and lean_checks.count("book/papers/p3") == 1
    assert lean_checks.count("book/hand") == per_page


def test_generated_pages_with_the_same_headings_share_the_themes_page_toc_with_the_same_html(tmp_path, monkeypatch):
    import pydata_sphinx_theme.toctree
    parsed: list[str] = []
    parse = pydata_sphinx_theme.toctree.BeautifulSoup

    def counted(markup, *args, **kwargs):
        if 'href="#"' in str(markup):  # a page's own headings; the sidebar's links name pages
            parsed.append(str(markup))
        return parse(markup, *args, **kwargs)
    monkeypatch.setattr(pydata_sphinx_theme.toctree, "BeautifulSoup", counted)
    body = ("## Abstract", "Text.", "## Cite", "A reference.")
    titles = ["Paper zero", "Paper *one*", "Paper $x^2$ two", "Paper three"]
    pages = {f"book/papers/p{i}.md": myst.page({"orphan": True}, "test page", title, *body) for i, title in enumerate(titles)}
    pages["book/papers/p4.md"] = myst.page({"orphan": True}, "test page", "Paper four", *body, "## Recording", "A video.")
    pages["book/hand.md"] = "---\norphan: true\n---\n# By hand\n\n## One\n\nText.\n"
    lean_out, lean_parsed = _lean_and_full_html(tmp_path, pages, parsed)
    assert sum("Paper three" in toc for toc in parsed) == 1 and sum("Paper four" in toc for toc in parsed) == 1
    assert [title for title in ("Paper zero", "Paper four", "By hand") if any(title in toc for toc in lean_parsed)] == \
        ["Paper zero", "Paper four", "By hand"]
    assert not any(title in toc for toc in lean_parsed for title in ("Paper <em>one", "two", "Paper three"))
    page_toc = BeautifulSoup((lean_out / "book/papers/p2.html").read_text("utf-8"), "html.parser").select("#pst-page-toc-nav a")
    assert [link.get_text() for link in page_toc] == ["Abstract", "Cite"]


def test_generated_pages_read_without_markdown_it_s_general_parser_with_the_same_html(tmp_path, monkeypatch):
    read: list[str] = []
    generated_tokens = tokens.generated_tokens

    def counted(md, src, env):
        found = generated_tokens(md, src, env)
        if found is not None:
            read.append(src)
        return found
    monkeypatch.setattr(tokens, "generated_tokens", counted)
    paper = myst.page(
        {"orphan": True}, GENERATED_MARKER, myst.rich_text("A $x^2$ paper: *not* emphasis"),
        f"- **{myst.ref('Ada L.', 'by-hand')}**, {myst.text('Uni [A] & B')}\n- **{myst.ref('Bo', 'by-hand')}**",
        f"**Track:** [{myst.text('By hand')}](../hand.md) · {myst.link('A <site>', 'https://example.org/a b')}",
        f"**Materials:** {myst.role('asset', 'PDF (8 pages) <paper.pdf>')}", "## Abstract", myst.paragraphs("One.\n\nTwo_ `x`."),
        myst.plain_text_file("paper.txt", dropdown="Full text of the PDF"), "## Cite", "**BibTeX**",
        myst.fence("@misc{a,\n  title = {A}\n}", "bibtex"))
    listing = myst.page({"orphan": True}, GENERATED_MARKER, "Authors", "(proceedings-author-ada)=",
                        f"**Ada**: [{myst.rich_text('A $x^2$ paper')}](../papers/paper.md)",
                        f"- [A paper](../papers/paper.md)  \n  {myst.text('Ada L., Bo')}\n- [By hand](../hand.md)")
    pages = {"book/papers/paper.md": paper, "book/papers/paper.txt": "The text.", "book/people/authors.md": listing,
             "book/hand.md": "---\norphan: true\n---\n(by-hand)=\n# By hand\n\nSee {ref}`proceedings-author-ada`.\n"}
    _, lean_read = _lean_and_full_html(tmp_path, pages, read)
    # Each generated page, not the hand-written one; the other build read them with markdown-it.
    assert sorted(source.split("\n# ")[2][:7] for source in lean_read) == ["A {math", "Authors"] and not read


def test_generated_pages_find_where_each_link_leads_once_per_build_with_the_same_html(tmp_path, monkeypatch):
    from sphinx.environment import BuildEnvironment
    asked: list[tuple[str, str]] = []
    relfn2path = BuildEnvironment.relfn2path

    def counted(env, filename, docname=None):
        if sys._getframe(1).f_code.co_name in ("render_link_unknown", "_target"):  # MyST's renderer, or ours
            asked.append((filename, docname or env.docname))
        return relfn2path(env, filename, docname)
    monkeypatch.setattr(BuildEnvironment, "relfn2path", counted)
    links = {"a.md": "A", "b.md#abstract": "B's abstract", "a.txt": "its text", "missing.md": "gone",
             "../hand.md": "by hand", "/book/hand.md": "by hand, from the root"}
    line = " · ".join(f"[{label}]({target})" for target, label in links.items())
    pages = {f"book/papers/{name}.md": myst.page({"orphan": True}, GENERATED_MARKER, name, "## Abstract", line)
             for name in ("a", "b")}
    pages |= {"book/papers/a.txt": "The text.",
              "book/hand.md": "---\norphan: true\n---\n# By hand\n\n[A](papers/a.md) · [A](papers/a.md)\n"}
    _, lean_asked = _lean_and_full_html(tmp_path, pages, asked)
    # The generated pages' links, asked for once in the build; the hand-written page's, each time.
    by_hand = [("papers/a.md", "book/hand")] * 2
    assert sorted(lean_asked) == sorted([(target.split("#")[0], "book/papers/a") for target in links] + by_hand)
    assert sorted(asked) == sorted([(target.split("#")[0], f"book/papers/{name}") for target in links for name in "ab"]
                                   + by_hand)
    lean_html = (tmp_path / "lean/_build/html/book/papers/b.html").read_text("utf-8")
    assert all(link in lean_html for link in ('href="a.html"', 'href="#abstract"', '/a.txt"', 'href="../hand.html"'))


def test_links_are_found_once_only_where_myst_s_own_release_and_methods_make_them(monkeypatch):
    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer

    from proceedings.sphinxext import doclinks

    class OwnLinks(SphinxRenderer):
        def render_link_unknown(self, token):
            pass
    assert issubclass(doclinks.renderer_for(SphinxRenderer, bool), SphinxRenderer)
    assert doclinks.renderer_for(SphinxRenderer, bool) is not SphinxRenderer
    assert doclinks.renderer_for(OwnLinks, bool) is OwnLinks
    monkeypatch.setattr(doclinks, "is_release", lambda distribution, release: False)
    assert doclinks.renderer_for(SphinxRenderer, bool) is SphinxRenderer


def test_the_book_theme_joins_no_page_text_that_no_template_prints_with_the_same_html(tmp_path, monkeypatch):
    import sphinx_book_theme
    themes = [Path(sphinx_book_theme.__file__).parent, *map(Path, _theme_dirs())]
    assert not [path for folder in themes for path in folder.rglob("*.html") if "page_description" in path.read_text("utf-8")]
    described: list[str] = []
    describe = sphinx_book_theme.add_metadata_to_page

    def counted(app, pagename, templatename, context, doctree):
        describe(app, pagename, templatename, context, doctree)
        if "page_description" in context:
            described.append(pagename)
    monkeypatch.setattr(sphinx_book_theme, "add_metadata_to_page", counted)
    counted.__name__ = describe.__name__
    body = ("## Abstract", "Text.", "## Full text", "Words of the PDF. " * 100)
    pages = {f"book/papers/p{i}.md": myst.page({"orphan": True}, "test page", f"Paper {i}", *body) for i in range(3)}
    pages["book/hand.md"] = "---\norphan: true\n---\n# By hand\n\n## One\n\nText.\n"
    _, lean_described = _lean_and_full_html(tmp_path, pages, described)
    assert "book/papers/p0" in described and "book/hand" in described
    assert lean_described == []


def test_opengraph_walks_no_page_for_a_description_the_page_gives_with_the_same_html(tmp_path, monkeypatch):
    import sphinxext.opengraph
    walked: list[str] = []
    describe = sphinxext.opengraph.get_description

    def counted(doctree, *args, **kwargs):
        walked.append(doctree.astext())
        return describe(doctree, *args, **kwargs)
    monkeypatch.setattr(sphinxext.opengraph, "get_description", counted)
    own = "Its own <description> & more."
    pages = {"book/papers/p0.md": myst.page({"orphan": True, "og:description": own}, "test page", "Paper 0",
                                           "A byline.", "## Abstract", "Words of the abstract. " * 30),
             "book/hand.md": "---\norphan: true\n---\n# By hand\n\nWords of the hand.\n"}
    lean_out, lean_walked = _lean_and_full_html(tmp_path, pages, walked)
    assert any("Words of the abstract." in text for text in walked)  # without the wrapper, the whole page
    assert own in lean_walked and not any("Words of the abstract." in text for text in lean_walked)
    assert any("Words of the hand." in text for text in lean_walked)  # a page with no description of its own
    paper = BeautifulSoup((lean_out / "book/papers/p0.html").read_text("utf-8"), "html.parser")
    assert [tag.get("property") or tag.get("name") for tag in paper.select("meta[property^='og:'], meta[name=description]")] \
        == ["description", "og:title", "og:type", "og:url", "og:site_name", "og:description"]
    assert paper.select_one("meta[property='og:description']")["content"] == own


_GC_PROBE = """
import gc
import myst_parser.mdit_to_docutils.base as myst_renderer
seen = []
def _seen(phase):
    seen.append((phase, gc.get_threshold(), gc.get_freeze_count(), myst_renderer.SyntaxTreeNode))
def setup(app):
    app.connect("doctree-read", lambda app, doctree: _seen("read"))
    app.connect("html-page-context", lambda app, *args: _seen("write"))
"""


def test_no_collection_while_reading_and_the_collector_is_handed_back(tmp_path, monkeypatch):
    import gc
    (tmp_path / "gc_probe.py").write_text(_GC_PROBE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "gc_probe", raising=False)
    before = gc.get_threshold()
    pages = {f"book/p{i}.md": f"# Page {i}\n" for i in range(3)}
    (tmp_path / "site").mkdir()
    _build(tmp_path / "site", pages, conf='extensions.append("gc_probe")\n')
    import gc_probe
    reads = [seen for seen in gc_probe.seen if seen[0] == "read"]
    writes = [seen for seen in gc_probe.seen if seen[0] == "write"]
    assert len(reads) == 4 and len(writes) >= 4
    # What lived before the build was out of the collector's sight, and no collection runs; MyST's
    # trees refer to parents weakly.
    assert all(threshold == (0, before[1], memory._NEVER) and frozen > 0 and tree is memory.WeakParentNode
               for _, threshold, frozen, tree in reads)
    # Writing collects the young generations, the read doctrees out of sight, with MyST's own tree;
    # afterwards the process's own settings.
    assert all(threshold == (*before[:2], memory._NEVER) and frozen >= reads[-1][2] and tree is SyntaxTreeNode
               for _, threshold, frozen, tree in writes)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert myst_renderer.SyntaxTreeNode is SyntaxTreeNode


_READ_GARBAGE_PROBE = """
import gc
left = []
def _count(app, env):
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    left.append(len(gc.garbage))
    gc.set_debug(0)
    gc.garbage.clear()
def setup(app):
    app.connect("env-updated", _count, priority=900)
"""


@pytest.mark.parametrize("tree", [SyntaxTreeNode, memory.WeakParentNode])
def test_pages_syntax_trees_are_freed_as_they_are_rendered_rather_than_left_to_the_collector(tmp_path, monkeypatch, tree):
    (tmp_path / "garbage_probe.py").write_text(_READ_GARBAGE_PROBE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "garbage_probe", raising=False)
    monkeypatch.setattr(memory, "WeakParentNode", tree)  # MyST's own tree, for comparison
    body = "\n".join(f"- **[Author {i}](#anchor-{i})**, an *affiliation* `{i}`" for i in range(60))
    pages = {f"book/p{i}.md": f"# Page {i}\n\n{body}\n\n(anchor-{i})=\n## Section\n" for i in range(30)}
    (tmp_path / "site").mkdir()
    _build(tmp_path / "site", pages, conf='extensions.append("garbage_probe")\n')
    import garbage_probe
    [left] = garbage_probe.left
    if tree is SyntaxTreeNode:
        assert left > 30 * 1_000  # each page's tree, in cycles, was left for the collector
    else:
        assert left < 30 * 200  # docutils' throwaway documents


def test_a_weak_parent_tree_has_the_shape_of_myst_s_and_is_freed_without_the_collector():
    import gc
    import weakref
    tokens = MarkdownIt().parse("# Title\n\n- one *two*\n- three [four](x)\n\n> five\n")
    strong, weak = SyntaxTreeNode(tokens), memory.WeakParentNode(tokens)
    assert weak.pretty(show_text=True) == strong.pretty(show_text=True)
    for node in weak.walk():
        assert all(child.parent is node for child in node.children)
        assert node.siblings == (node.parent.children if node.parent else [node])
    held = weakref.ref(weak.children[1].children[0])
    gc.disable()
    try:
        del weak
        assert held() is None
    finally:
        gc.enable()


def test_a_failed_build_hands_the_collector_back(tmp_path):
    import gc
    before = gc.get_threshold()
    with pytest.raises(ExtensionError):
        _build(tmp_path, {"book/p.md": "# Page\n"}, conf="def setup(app):\n    app.connect('doctree-read', lambda app, d: 1 / 0)\n")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert myst_renderer.SyntaxTreeNode is SyntaxTreeNode


def _records_below_info(tmp_path: Path, verbosity: int) -> list[str]:
    """The log records below INFO made while a tiny project is built with ``verbosity``."""
    made: list[str] = []
    factory = logging.getLogRecordFactory()

    def counting(*args, **kwargs):
        record = factory(*args, **kwargs)
        if record.name.startswith("sphinx") and record.levelno < logging.INFO:
            made.append(record.getMessage())
        return record
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "book").mkdir()
    (tmp_path / "book/welcome.md").write_text("# Welcome\n")
    logging.setLogRecordFactory(counting)
    try:
        Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html", status=io.StringIO(),
               warning=io.StringIO(), freshenv=True, verbosity=verbosity).build()
    finally:
        logging.setLogRecordFactory(factory)
    return made


def test_debug_messages_are_made_only_when_the_verbosity_shows_them(tmp_path):
    (tmp_path / "quiet").mkdir()
    (tmp_path / "verbose").mkdir()
    # Sphinx logs each event it emits, from the first, which comes once the extensions are set up.
    events = [[message for message in _records_below_info(tmp_path / name, verbosity) if "emitting event" in message]
              for name, verbosity in (("quiet", 0), ("verbose", 2))]
    assert events[0] == [] and len(events[1]) > 10


_FRONT_MATTER_PROBE = """
import yaml
loaders = []
def setup(app):
    app.connect("source-read", lambda app, docname, source: loaders.append(yaml.safe_load.__module__))
"""


def test_front_matter_is_read_with_libyaml_as_pyyaml_reads_it(tmp_path, monkeypatch):
    (tmp_path / "yaml_probe.py").write_text(_FRONT_MATTER_PROBE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "yaml_probe", raising=False)
    front = ('---\ntitle: "Zoë: ünïcode ☃ \\u00e9"\ndate: 2026-04-27\nkeywords: [a, "b: c", 3, 1.5, null, true]\n'
             "nested: {x: [1, {y: z}], when: 12:30}\nanchor: &a [1, 2]\nagain: *a\nlong: >\n  folded\n  text\n---\n")
    page = {"book/p.md": front + "# Page\n"}
    (tmp_path / "c").mkdir()
    _build(tmp_path / "c", page, conf='extensions.append("yaml_probe")\n')
    import yaml_probe
    assert set(yaml_probe.loaders) == {libyaml.__name__} and yaml.safe_load is libyaml._ORIGINAL
    app_metadata = {}
    for name, patched in (("c", True), ("python", False)):
        if not patched:
            monkeypatch.setattr(libyaml, "_with_libyaml", lambda app, config: None)
            (tmp_path / name).mkdir()
            _build(tmp_path / name, page)
        with open(tmp_path / name / "_build" / "doctrees" / "environment.pickle", "rb") as stream:
            app_metadata[name] = pickle.load(stream).metadata["book/p"]
    assert app_metadata["c"] == app_metadata["python"] and app_metadata["c"]["again"] == "[1, 2]"
    html = [(tmp_path / name / "_build/html/book/p.html").read_text("utf-8") for name in ("c", "python")]
    assert html[0] == html[1]


def test_search_page_without_sphinx_search_index(tmp_path):
    out = _build(tmp_path, {})
    # The page's Pagefind UI needs sphinx-book-theme; test_browser searches the real book.
    assert (out / "search.html").is_file()
    # Sphinx's index is not made, and no page loads it or Sphinx's search scripts.
    assert not (out / "searchindex.js").exists()
    assert not any(name in (out / "search.html").read_text("utf-8") for name in ("searchindex.js", "searchtools.js"))


def test_the_extension_declares_its_version_and_parallel_safety(tmp_path):
    (tmp_path / "conf.py").write_text(CONF)
    app = Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None)
    extension = app.extensions["proceedings.sphinxext"]
    assert extension.version == proceedings.__version__ and isinstance(extension.metadata["env_version"], int)
    assert extension.parallel_read_safe is extension.parallel_write_safe is True
    assert "proceedings_lean" in app.config.values and app.config.html_math_renderer == "proceedings_mathml"


def test_a_parallel_build_gives_every_page_its_own_head_tags(tmp_path):
    """Each page's <head> carries its own tags whichever process read the page: the process that
    writes it reads its data line again from its source."""
    pages = {f"book/p{n}.md": _page({"orphan": True, "proceedings": {"meta": [["citation_title", f"Paper {n}"]]}})
             for n in range(12)}
    out = _build(tmp_path, pages, parallel=2)
    for n in range(12):
        soup = BeautifulSoup((out / "book" / f"p{n}.html").read_text("utf-8"), "html.parser")
        assert soup.find("meta", attrs={"name": "citation_title"})["content"] == f"Paper {n}"




def test_a_page_written_again_without_being_read_keeps_its_head_tags_and_the_environment_holds_no_page_data(tmp_path):
    """Sphinx writes a page again without reading it when what it links to moved (``links.py``): its
    data line is read from its source then, and the environment Sphinx saves holds no page's data."""
    data = {"meta": [["citation_title", "Paper one"]], "jsonld": {"@type": "ScholarlyArticle", "name": "Paper one"}}
    pages = {"book/paper.md": _page({"orphan": True, "proceedings": data}) + "\n[](welcome.md)\n"}
    out = _build(tmp_path, pages)
    written = (out / "book" / "paper.html").read_text("utf-8")
    environment = (tmp_path / "_build" / "doctrees" / "environment.pickle").read_bytes()
    assert b"Paper one" not in environment
    # The page it links to is retitled: the paper's page is written again, not read.
    os.utime(tmp_path / "book" / "paper.md", ns=(1, 1))
    out = _build(tmp_path, {"book/welcome.md": "# Welcome again\n"}, freshenv=False)
    again = (out / "book" / "paper.html").read_text("utf-8")
    assert "Welcome again" in again and again != written
    soup = BeautifulSoup(again, "html.parser")
    assert soup.find("meta", attrs={"name": "citation_title"})["content"] == "Paper one"
    assert json.loads(soup.find("script", type="application/ld+json").string)["name"] == "Paper one"
    assert soup.select_one("[data-pagefind-body]") is not None


def test_a_page_linking_to_a_document_added_or_removed_since_is_read_again(tmp_path):
    """MyST decides as it reads a page whether ``[](papers/b.md)`` names a document; the page must be
    read again, not only written, when that document comes or goes, to match a build from scratch."""
    highlights = "# Highlights\n\nDo read [](papers/b.md).\n"

    def body(out: Path) -> str:
        page = BeautifulSoup((out / "book" / "highlights.html").read_text("utf-8"), "html.parser")
        return str(page.select_one("div.body")) + str(page.find("meta", attrs={"name": "description"}))

    def fresh(pages: dict[str, str]) -> str:
        root = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
        root.mkdir()
        return body(_build(root, pages))

    project = tmp_path / "project"
    project.mkdir()
    out = _build(project, {"book/highlights.md": highlights})
    assert "papers/b.md" in body(out) and "The B paper" not in body(out)
    out = _build(project, {"book/papers/b.md": "# The B paper\n"}, freshenv=False)
    assert 'href="papers/b.html"' in body(out) and "The B paper" in body(out)
    assert body(out) == fresh({"book/highlights.md": highlights, "book/papers/b.md": "# The B paper\n"})
    (project / "book" / "papers" / "b.md").unlink()
    out = _build(project, {}, freshenv=False)
    assert "The B paper" not in body(out) and "papers/b.md" in body(out)
    assert body(out) == fresh({"book/highlights.md": highlights})


def test_the_theme_icons_are_cut_down_to_those_the_site_shows(tmp_path):
    page = '# Welcome\n\n<i class="fa-solid fa-bicycle"></i> by bike\n'
    out = _build(tmp_path, {"book/welcome.md": page}, conf='html_theme = "sphinx_book_theme"\n')
    css = (out / "_static" / icons.STYLESHEET).read_text("utf-8")
    original = next(Path(folder) / "static" for folder in _theme_dirs() if (Path(folder) / "static" / icons.STYLESHEET).is_file())
    full = (original / icons.STYLESHEET).read_text("utf-8")
    assert ".fa-bicycle:before" in css and ".fa-bars:before" in css and ".fa-horse:before" not in css
    assert len(css) < len(full) - 50_000
    shown = {"fa-bicycle", "fa-bars", "fa-magnifying-glass", "fa-xmark"}  # the page's, the theme's, its script's
    assert shown <= icons.icon_names(out)
    codes = {name: int(code, 16) for names, code in re.findall(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"', full)
             for name in re.findall(r"\.(fa-[a-z0-9-]+):before", names)}
    for font in icons.FONTS:
        cmap = TTFont(out / "_static" / font).getBestCmap()
        assert all(codes[name] in cmap for name in shown), font
        assert codes["fa-horse"] not in cmap
    assert (out / "_static" / icons.FONTS[0]).stat().st_size < 10_000


def test_the_fonts_cut_down_are_kept_between_builds_and_templates_compiled_once(tmp_path, monkeypatch):
    """Sphinx puts the theme's whole font back in every build: the subset is taken from the cache
    (fontTools is not called) and is the same; the theme's page templates are compiled in the first
    build only."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile_noted(self, source, name=None, *args, **kwargs):
        compiled.append(name or "")
        return original(self, source, name, *args, **kwargs)
    monkeypatch.setattr(jinja2.Environment, "compile", compile_noted)
    page = '# Welcome\n\n<i class="fa-solid fa-bicycle"></i> by bike\n'
    out = _build(tmp_path, {"book/welcome.md": page}, conf='html_theme = "sphinx_book_theme"\n')
    assert "page.html" in compiled and "layout.html" in compiled
    fonts = {font: (out / "_static" / font).read_bytes() for font in icons.FONTS}
    kept = tmp_path / "_build" / "doctrees" / "proceedings-icons"
    assert sorted(path.suffix for path in kept.iterdir()) == [".json", ".ttf", ".woff2"]
    monkeypatch.setattr(icons, "font_subset", lambda *args: pytest.fail("the font was cut down again"))
    compiled.clear()
    out = _build(tmp_path, {"book/welcome.md": page + "\nEdited.\n"}, freshenv=False, conf='html_theme = "sphinx_book_theme"\n')
    assert not [name for name in compiled if name.endswith(".html")], compiled
    assert {font: (out / "_static" / font).read_bytes() for font in icons.FONTS} == fonts
    assert "Edited." in (out / "book/welcome.html").read_text("utf-8")


def test_a_template_once_loaded_is_not_checked_again_while_sphinx_runs(tmp_path, monkeypatch):
    checked: list[str] = []
    is_up_to_date = jinja2.Template.is_up_to_date

    def noted(template):
        checked.append(template.name)
        return is_up_to_date.fget(template)
    monkeypatch.setattr(jinja2.Template, "is_up_to_date", property(noted))
    pages = {f"book/p{i}.md": f"---\norphan: true\n---\n# Page {i}\n" for i in range(3)}
    out = _build(tmp_path, pages, conf='html_theme = "sphinx_book_theme"\n')
    assert (out / "book/p2.html").is_file() and checked == []


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["fa-", "fa", "a", "x", "-", "_", "1", "é", "²", " ", "<i class=\"", "\">"])).map("".join))
def test_icon_names_are_those_the_word_bounded_pattern_finds(text):
    assert icons._names(text) == set(re.findall(r"\bfa-[a-z0-9-]+", text))


def test_icon_names_read_again_only_the_files_written_since(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "icons.json"
    (site / "_static").mkdir(parents=True)
    (site / "a.html").write_text('<i class="fa-solid fa-bicycle"></i>', "utf-8")
    (site / "b.html").write_text('<i class="fa-horse"></i>', "utf-8")
    (site / "_static" / "s.js").write_text('icon("fa-xmark")', "utf-8")
    (site / "notes.txt").write_text("fa-ignored", "utf-8")
    assert icons.icon_names(site, cache) == {"fa-solid", "fa-bicycle", "fa-horse", "fa-xmark"}
    # A file with its size and time unchanged is not read again: what the cache says of it stands.
    times = (site / "b.html").stat().st_mtime_ns
    (site / "b.html").write_text('<i class="fa-truck"></i>', "utf-8")  # as long as before
    os.utime(site / "b.html", ns=(times, times))
    assert "fa-horse" in icons.icon_names(site, cache) and "fa-truck" in icons.icon_names(site)
    # A page rewritten (another size and time) is read again; a removed one no longer counts.
    (site / "a.html").unlink()
    (site / "b.html").write_text('<i class="fa-car-side"></i>', "utf-8")
    os.utime(site / "b.html", ns=(1, 1))
    assert icons.icon_names(site, cache) == {"fa-car-side", "fa-xmark"}
    # What the cache says of an unchanged file is what the file says (here: a stale entry is never
    # trusted over a changed signature, and an unreadable cache is rebuilt).
    cache.write_text("{not json", "utf-8")
    assert icons.icon_names(site, cache) == {"fa-car-side", "fa-xmark"}
    assert icons.icon_names(site) == {"fa-car-side", "fa-xmark"}


def _theme_dirs() -> list[str]:
    import pydata_sphinx_theme
    return [str(Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme")]


def test_no_theme_macro_file_is_published(tmp_path):
    """A second new-user trial opened the offline zip's _static/webpack-macros.html, which asked for
    addresses such as _static/{{ pathto(...) }}."""
    import sphinx_book_theme
    shipped = [path.name for folder in (*map(Path, _theme_dirs()), Path(sphinx_book_theme.__file__).parent)
               for path in folder.rglob("*macros.html") if "static" in path.parts]
    assert shipped, "the themes ship their macros among their static files"
    out = _build(tmp_path, {}, conf='html_theme = "sphinx_book_theme"\n')
    assert (out / "_static").is_dir() and not list((out / "_static").glob("*macros.html"))


def test_no_page_source_and_so_no_comment_is_published(tmp_path):
    page = "# Welcome\n\n% the committee's private remark: reject the third paper\n\nText.\n"
    out = _build(tmp_path, {"book/welcome.md": page}, conf='html_theme = "sphinx_book_theme"\n')
    assert not (out / "_sources").exists()
    published = [path for path in out.rglob("*") if path.is_file() and path.suffix in (".html", ".txt", ".md", ".js")]
    assert published and not any("private remark" in path.read_text("utf-8", errors="replace") for path in published)
    html = (out / "book" / "welcome.html").read_text("utf-8")
    assert "download-source-button" not in html and "download-pdf-button" in html


def test_the_env_version_changes_with_the_extension_s_files(tmp_path):
    """A changed template, static file or module makes Sphinx read every page again."""
    package = Path(proceedings.__file__).parent
    versions = []
    for edit in (None, "sphinxext/static/proceedings.css", "sphinxext/templates/layout.html", "util/myst.py"):
        copy = tmp_path / f"copy{len(versions)}" / "proceedings"
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
        if edit:
            (copy / edit).write_text((copy / edit).read_text("utf-8") + "\n", "utf-8")
        code = "import proceedings.sphinxext as e; print(e._ENV_VERSION)"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(copy.parent)})
        versions.append(int(done.stdout.split()[-1]))
    assert len(set(versions)) == 4


def test_a_link_without_text_to_a_page_with_math_in_its_title_shows_the_math_written_out(tmp_path):
    """As the paper's citation metadata writes it (CO₂), not as Sphinx's text of the formula
    (CO_2), in the link and in the page's own ``<title>``; the page's heading keeps the formula."""
    out = _build(tmp_path, {"book/highlights.md": "# Highlights\n\nDo read [](papers/co2.md).\n",
                            "book/papers/co2.md": "# Capturing CO$_2$ with $E = mc^2$\n\nText.\n"})
    highlights = BeautifulSoup((out / "book" / "highlights.html").read_text("utf-8"), "html.parser")
    assert highlights.select_one('a[href="papers/co2.html"]').get_text() == "Capturing CO₂ with E = mc²"
    paper = BeautifulSoup((out / "book" / "papers" / "co2.html").read_text("utf-8"), "html.parser")
    assert paper.title.get_text().startswith("Capturing CO₂ with E = mc²")
    assert paper.find("h1").find("math") is not None
