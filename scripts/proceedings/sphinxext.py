"""Sphinx extension for proceedings books: reads only ``book/``, publishes the staged files beside the
pages, and writes each paper's citation metadata (Google Scholar tags, JSON-LD, alternate links) into
its ``<head>``. Open Graph tags and the sitemap come from sphinxext-opengraph and sphinx-sitemap,
which it loads and configures from ``html_baseurl``.

Enable it in ``_config.yml`` with ``sphinx: extra_extensions: [proceedings.sphinxext]``. A page opts
in with a ``proceedings`` front-matter field: ``{"meta": [[name, content], ...], "links":
[{"rel": ..., "type": ..., "href": ...}], "jsonld": {...}}``.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import ReferenceRole

from .project import Project


class AssetRole(ReferenceRole):
    """``{asset}`Label <file.pdf>``` links to a file published next to the page (Sphinx would
    otherwise copy it into ``_downloads/``, but Google Scholar wants a paper's PDF in its page's folder)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        node = nodes.reference(self.rawtext, self.title, refuri=self.target, classes=["proceedings-asset"])
        return [node], []


def head_tags(data: dict) -> str:
    """HTML for the ``<head>``: meta tags, links and JSON-LD, every value escaped.

    In JSON-LD, ``<``, ``>`` and ``&`` are written as JSON escapes, so no value can close the script.
    """
    tags = [f'<meta name="{escape(name)}" content="{escape(str(content))}" />' for name, content in data.get("meta", [])]
    tags += ["<link " + " ".join(f'{key}="{escape(str(value))}"' for key, value in link.items()) + " />"
             for link in data.get("links", [])]
    if "jsonld" in data:
        payload = json.dumps(data["jsonld"], ensure_ascii=False)
        payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        tags.append(f'<script type="application/ld+json">{payload}</script>')
    return "\n".join(tags) + "\n"


def _add_head_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    data = (context.get("meta") or {}).get("proceedings")
    if isinstance(data, str):
        data = json.loads(data)
    if data:
        context["metatags"] = context.get("metatags", "") + head_tags(data)


def _configure(app: Sphinx, config: Config) -> None:
    # The project folder also holds papers/, scripts/, tests/ and perhaps a virtualenv: only book/ is the book.
    if list(config.include_patterns) == ["**"]:
        config.include_patterns = ["book/**"]
    config.ogp_site_url = config.ogp_site_url or config.html_baseurl
    config.ogp_site_name = config.ogp_site_name or config.html_title
    config.ogp_social_cards = {"enable": False, **(config.ogp_social_cards or {})}
    config.html_static_path = [*config.html_static_path, str(Path(__file__).parent / "static")]
    config.sitemap_url_scheme = "{link}"
    config.sitemap_excludes = [*config.sitemap_excludes, "search.html", "genindex.html", "404.html"]
    assets = Project(Path(app.srcdir)).assets
    assets.mkdir(parents=True, exist_ok=True)
    if str(assets) not in map(str, config.html_extra_path):
        config.html_extra_path = [*config.html_extra_path, str(assets)]


def setup(app: Sphinx) -> dict:
    """Register the role and the configuration step."""
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("sphinx_sitemap")
    app.add_role("asset", AssetRole())
    app.add_css_file("proceedings.css")
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _add_head_tags)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
