"""The Sphinx extension on its own, in tiny Sphinx projects (no Jupyter Book)."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from proceedings import myst
from sphinx.application import Sphinx

CONF = """\
extensions = ["myst_parser", "proceedings.sphinxext"]
html_baseurl = "https://example.org/site/"
html_title = "Tiny proceedings"
root_doc = "book/welcome"
"""

HOSTILE = '</script><script>alert(1)</script> " <b>&amp;'


def _build(root: Path, pages: dict[str, str]) -> Path:
    (root / "conf.py").write_text(CONF)
    (root / "index.md").write_text("# Outside book/\n")
    pages = {"book/welcome.md": "# Welcome\n", **pages}
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    out = root / "_build" / "html"
    app = Sphinx(str(root), str(root), str(out), str(root / "_build" / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
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


def test_reads_only_book_and_writes_sitemap(tmp_path):
    out = _build(tmp_path, {"papers/stray.md": "# Not a page\n"})
    assert (out / "book" / "welcome.html").is_file()
    assert not (out / "index.html").exists() and not (out / "papers" / "stray.html").exists()
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://example.org/site/book/welcome.html</loc>" in sitemap
    assert "search.html" not in sitemap and "genindex" not in sitemap


def test_pages_without_citation_data_get_no_tags(tmp_path):
    out = _build(tmp_path, {"book/plain.md": "# Plain\n"})
    assert "citation_" not in (out / "book" / "plain.html").read_text("utf-8")


def test_search_data_is_escaped_and_pages_can_opt_out(tmp_path):
    search = {"filters": {"author": [HOSTILE]}, "meta": {"authors": HOSTILE}, "words": HOSTILE}
    out = _build(tmp_path, {"book/paper.md": _page({"orphan": True, "proceedings": {"search": search}}),
                            "book/listing.md": _page({"orphan": True, "proceedings": {"search": {"index": False}}})})
    soup = BeautifulSoup((out / "book" / "paper.html").read_text("utf-8"), "html.parser")
    body = soup.select_one("[data-pagefind-body]")
    assert body.select_one("[data-pagefind-filter]")["data-pagefind-filter"] == f"author:{HOSTILE}"
    assert body.select_one("[data-pagefind-meta]")["data-pagefind-meta"] == f"authors:{HOSTILE}"
    assert body.select_one("[data-pagefind-weight]").get_text() == HOSTILE
    assert not body.find("script") and not body.find("b")
    listing = (out / "book" / "listing.html").read_text("utf-8")
    assert "data-pagefind-body" not in listing
