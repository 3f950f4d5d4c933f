"""Sphinx extension for proceedings books: reads only ``book/``, adds the roles and directive of the
generated pages, and writes each paper's citation metadata (Google Scholar tags, JSON-LD, alternate links) into
its ``<head>``. Open Graph tags come from sphinxext-opengraph, which it loads and configures from ``html_baseurl``;
it writes ``sitemap.xml`` from the same URL, and a ``404.html`` with absolute links. Math is written as
MathML when the book is built (``mathml``), so no page loads a script to typeset it.

Enable it in ``_config.yml`` with ``sphinx: extra_extensions: [proceedings.sphinxext]``. Its settings
(``sphinx: config:``) are ``proceedings_lean`` (default true: no figure numbering,
``[text](#label)`` links resolved in the standard domain only, which generated pages need and which
cost a tenth of Sphinx's time otherwise; on generated pages none of the transforms of syntax they
never use (``lean``), and the theme's lists of templates checked once per folder for the generated
pages the table of contents does not list) and ``proceedings_page_log`` (default empty: a file to
which the name of each page is appended as Sphinx begins to write it; the build sets it to index the
pages written for search while Sphinx writes the others). It adds its static files and templates to the search
paths, and gives sphinxext-opengraph its site URL and name from ``html_baseurl`` and ``html_title``
when they are unset. A page opts in with a ``% proceedings: {json}`` line right after its front
matter (``myst.front_matter`` writes it from a ``proceedings`` value): ``{"title": "...", "meta":
[[name, content], ...], "links": [{"rel": ..., "type": ..., "href": ...}], "jsonld": {...},
"search": {"filters": {...}, "meta": {...}, "index": true, "revision": true}, "metadata": {...},
"generated": true}``; ``"index": false`` keeps a page out of the search index, ``"revision": true``
gives it its search revision (``util.search_revision``), ``metadata`` is added to the page's
metadata as front matter would be (the Open Graph overrides), and ``"generated": true``
(``myst.page`` writes it) spares the page the transforms of ``lean``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
import shutil
import unicodedata
from html import escape
from pathlib import Path

import jinja2
import sphinx
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.utils import new_document
from docutils.writers.html5_polyglot import HTMLTranslator
from pygments.lexers.bibtex import BibTeXLexer
from pygments.lexers.special import TextLexer
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.util.docutils import ReferenceRole, SphinxDirective
from sphinx_design.shared import create_component

from .. import __version__
from ..util import myst
from ..util.files import file_hash, read_json, write_if_changed
from ..util.latex import math_as_text
from ..util.search_revision import revision, revision_filter
from ..util.text import latin_beyond_ascii, latin_in_ascii, paragraphs_of
from . import debuglog, libyaml, mathml, memory, once
from .icons import trim_icons
from .lean import qualified_name, skip_unused_transforms
from .links import setup_links

_HERE = Path(__file__).parent


def _content_version() -> int:
    """A number that changes with the extension's code, templates and static files, the helpers it
    imports and the package's version, so that after any upgrade Sphinx reads every page again and
    writes it with the new code (a number bumped by hand was forgotten)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*_HERE.rglob("*"), *(_HERE.parent / "util").glob("*.py")]):
        if path.is_file() and path.suffix != ".pyc":
            digest.update(path.read_bytes())
    return int(digest.hexdigest()[:8], 16)


_ENV_VERSION = _content_version()


# Files a reader saves rather than reads (citations, data, a calendar): their links ask the browser to
# download them, where a new-user trial's browser showed a .bib as text, to be saved with Save As.
_SAVED = (".bib", ".ris", ".json", ".xml", ".ics")


class AssetRole(ReferenceRole):
    """``{asset}`Label <file.pdf>``` links to a file published next to the page (Sphinx would
    otherwise copy it into ``_downloads/``, but Google Scholar wants a paper's PDF in its page's
    folder). A citation or data file's link downloads it (a PDF opens in the browser)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        if self.target.lower().endswith(_SAVED):
            # As HTML: docutils' links have no download attribute. The classes are those Sphinx gives the others.
            html = (f'<a class="proceedings-asset reference external" href="{escape(self.target)}" '
                    f'download="{escape(posixpath.basename(self.target))}">{escape(self.title)}</a>')
            return [nodes.raw(self.rawtext, html, format="html")], []
        node = nodes.reference(self.rawtext, self.title, refuri=self.target, classes=["proceedings-asset"])
        return [node], []


class PreviewRole(ReferenceRole):
    """``{preview}`Alt text <file.png>``` shows a first-page preview image published next to the
    page, linked to the PDF of the same name."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        pdf = self.target.removesuffix(".png") + ".pdf"
        html = (f'<a class="proceedings-preview" href="{escape(pdf)}"><img src="{escape(self.target)}" '
                f'alt="{escape(self.title)}" loading="lazy" /></a>')
        return [nodes.raw(self.rawtext, html, format="html")], []


class RecordingRole(ReferenceRole):
    """``{recording}`Title <embed-url>``` is a button that loads the player only when clicked, so no
    request leaves for the video platform before the reader asks for it."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        host = self.target.split("/")[2] if self.target.startswith("https://") else "this site"
        # A <span>: the role sits in a paragraph, which may not hold a <div> (the player may). Hidden
        # until the script that loads the player shows it: without it, the button did nothing.
        html = (f'<span class="proceedings-recording" data-embed="{escape(self.target)}" data-title="{escape(self.title)}" '
                'hidden>'
                '<button type="button">▶ Play the recording</button> '
                f'<small>(loads the player from {escape(host)})</small></span>')
        return [nodes.raw(self.rawtext, html, format="html")], []


def struck_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{struck}`Title``` shows a withdrawn or retracted paper's title struck through. The title is
    MyST (:func:`~proceedings.util.myst.rich_text`: escaped, but for its math), so that its math is
    shown as in any other title, and written out in its ``<title>``, not as TeX."""
    # Without the spaces :func:`~proceedings.util.myst.role` pads a text that begins or ends with a backtick.
    children, messages = inliner.parse(text.strip(" "), lineno, inliner, inliner.parent)
    return [nodes.inline(rawtext, "", *children, classes=["proceedings-struck"])], messages


def label_ref_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{labelref}`target Any text``` links to the label ``target`` showing the text as written
    (``myst.ref`` writes it), resolved by Sphinx's standard domain as ``{ref}`text <target>``` is:
    that role's syntax misreads a text holding ``<...>`` or ending with a backtick. The text is
    stripped of the space ``myst.role`` pads it with then."""
    target, _, label = text.strip().partition(" ")
    node = addnodes.pending_xref(rawtext, refdomain="std", reftype="ref", reftarget=target.lower(), refexplicit=True,
                                 refwarn=True, refdoc=inliner.document.settings.env.docname)
    node.source, node.line = inliner.reporter.get_source_and_line(lineno)  # for a warning, if the label is unknown
    node += nodes.inline(label, label, classes=["xref", "std", "std-ref"])
    return [node], []


def venue_time_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{venuetime}`2026-04-27T09:00:00-03:00 America/Sao_Paulo``` shows 09:00, which the script
    shows in the reader's zone when they ask (with its date where that is not the venue's)."""
    moment, _, zone = text.partition(" ")
    start = dt.datetime.fromisoformat(moment)
    html = (f'<time class="proceedings-time" datetime="{escape(start.isoformat())}" data-venue-zone="{escape(zone)}">'
            f"{start:%H:%M}</time>")
    return [nodes.raw(rawtext, html, format="html")], []


def venue_zone_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{venuezone}`Rio de Janeiro time (America/Sao_Paulo)```: the name of the zone the page's times
    are in, which the script replaces by the reader's zone when it shows times in it."""
    html = f'<span class="proceedings-zone-label" data-venue-label="{escape(text)}">{escape(text)}</span>'
    return [nodes.raw(rawtext, html, format="html")], []


def zone_switch_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{zoneswitch}`America/Sao_Paulo``` is the button that shows every time on the page in the
    reader's zone and back; hidden until the script runs. The choice holds on every page."""
    html = (f'<button type="button" class="proceedings-zone-switch" data-venue-zone="{escape(text)}" hidden>'
            "Show times in my time zone</button>")
    return [nodes.raw(rawtext, html, format="html")], []


class PlainText(SphinxDirective):
    """``{plaintext} file.txt``: the blank-line separated paragraphs of a text file beside the page
    (a PDF's extracted text) shown exactly as written, never parsed. The text stays out of the page's
    source because MyST's parser spends time on every character of it, twice inside a dropdown.

    With ``:dropdown: title``, the paragraphs are in sphinx-design's dropdown, made as its directive
    makes it (its transform then writes the HTML): wrapped in the directive, they were parsed again
    as MyST, a fortieth of Jupyter Book's time on a thousand paper pages."""

    required_arguments = 1
    option_spec = {"dropdown": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        name, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        self.env.note_dependency(name)
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise self.error(f"cannot read the text file {self.arguments[0]!r}: {error}") from error
        title = self.options.get("dropdown")
        paragraphs = _paragraphs_html(paragraphs_of(text), ' class="sd-card-text"' if title else "")
        if title:
            dropdown = _dropdown(title, paragraphs)
            self.set_source_info(dropdown)
            return [dropdown]
        return paragraphs


def _paragraphs_html(blocks: list[str], attributes: str) -> list[nodes.Node]:
    """The HTML docutils writes for ``blocks`` as paragraphs (their spaces made single), each ``<p>``
    with ``attributes`` (sphinx-design's dropdown gives each of its paragraphs a class), as one node
    of HTML: as a paragraph node each (a PDF's text has hundreds), every transform after the parse
    walked them and the doctree stored them. Being HTML already, they are shown only by HTML
    builders, and a container around the directive does not style them as its own paragraphs."""
    html = "".join(f"<p{attributes}>{' '.join(block.split()).translate(HTMLTranslator.special_characters)}</p>\n"
                   for block in blocks)
    return [nodes.raw("", html, format="html")] if html else []


def _dropdown(title: str, body: list[nodes.Node]) -> nodes.container:
    """sphinx-design's dropdown titled ``title`` (plain text) around ``body``, closed, with its
    default classes: what its ``dropdown`` directive makes of ``:::{dropdown} title``."""
    container = create_component("dropdown", opened=False, type="dropdown", has_title=True, icon=None, chevron=None,
                                 container_classes=["sd-mb-3"], title_classes=[], body_classes=[])
    container += nodes.rubric(title, "", nodes.Text(title))
    container += body
    return container


def page_data(env, docname: str) -> dict:
    """The page's data (see the module docstring): as read in this build, else read again from its
    source, which is unchanged since it was read (else Sphinx reads the page again). Not kept in the
    environment, which Sphinx writes after every build and reads before the next: a thousand papers'
    data (their citation tags and JSON-LD) was two thirds of it, a tenth of a second each way."""
    known = _page_data_read(env)
    if docname not in known:
        try:
            source = Path(env.doc2path(docname)).read_text(encoding=env.config.source_encoding)
        except (OSError, UnicodeDecodeError):  # gone, or not text: a page Sphinx does not write
            source = ""
        known[docname] = _data_of(source)[0]
    return known[docname]


def _data_of(source: str) -> tuple[dict, str]:
    """The page's data and its source with the data line blanked. The data say the page is generated
    only while its seal holds: a hand-written page begun as a copy of a generated one keeps the data
    line, and once changed would otherwise be spared transforms it may need (an image not copied)."""
    data, rest = myst.page_data(source)
    if data.get(myst.GENERATED):
        data[myst.GENERATED] = bool(myst.seal_holds(source.encode()))
    return data, rest


def _page_data_read(env) -> dict[str, dict]:
    # On the application, which lives for one build, rather than on the environment, which is saved.
    return env.app.__dict__.setdefault("proceedings_page_data", {})


def _generated(env, docname: str) -> bool:
    return page_data(env, docname).get(myst.GENERATED, False)


def _lean_transforms(app: Sphinx) -> None:
    if app.config.proceedings_lean:
        skip_unused_transforms(app, _generated)


def _read_page_data(app: Sphinx, docname: str, source: list[str]) -> None:
    # The data line is taken out before MyST parses the page; see myst.front_matter.
    data, source[0] = _data_of(source[0])
    _page_data_read(app.env)[docname] = data
    if data:
        app.env.metadata[docname].update(data.get("metadata", {}))


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
    return "".join(f"{tag}\n" for tag in tags)


def search_data(data: dict) -> str:
    """Hidden elements that give Pagefind a page's filters (``{"author": [...], ...}``) and its result
    metadata, every value escaped, and the authors' names Pagefind would not find typed in ASCII, so
    written (:func:`_unmatched_in_ascii`)."""
    tags = [f'<span data-pagefind-filter="{escape(key)}:{escape(_inert(value))}"></span>'
            for key, values in data.get("filters", {}).items() for value in values]
    tags += [f'<span data-pagefind-meta="{escape(key)}:{escape(_inert(value))}"></span>'
             for key, value in data.get("meta", {}).items()]
    if spelled := [latin_in_ascii(name) for name in data.get("filters", {}).get("author", []) if _unmatched_in_ascii(name)]:
        tags.append(f"<span>{escape(_inert(', '.join(spelled)))}</span>")  # one text: an excerpt shows them apart
    return f'<div class="proceedings-search-data" hidden>{"".join(tags)}</div>' if tags else ""


def _unmatched_in_ascii(name: str) -> bool:
    """Whether the name holds a Latin letter that Pagefind does not match to an ASCII one: it drops
    accents (a search for Muller finds Müller), but Ł, ø, đ, æ are letters of their own (Lukasz
    found no Łukasz, a new-user trial)."""
    return any(latin_beyond_ascii(char) for char in unicodedata.normalize("NFD", name) if not unicodedata.combining(char))


# Pagefind decodes character references in filter and metadata values, however often they are
# escaped, and its interface inserts them as HTML: the characters that open markup or a reference
# are given as their full-width forms, which look alike and can never become a tag.
_INERT = str.maketrans({"<": "\uff1c", ">": "\uff1e", "&": "\uff06"})


def _inert(value: str) -> str:
    return value.translate(_INERT)


_MYST_ESCAPES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"'}
_MYST_ESCAPED = re.compile("|".join(_MYST_ESCAPES))


def _unescaped_links(app: Sphinx, doctree: nodes.document) -> None:
    """Undo MyST's escaping of external link targets: it HTML-escapes them in the doctree (myst-parser
    3's ``render_link_url``), and the HTML writer escapes them again, so ``?a=1&b=2`` became
    ``?a=1&amp;amp;b=2`` and led elsewhere. Only the four references that escaping writes are
    undone (``html.unescape`` would also read ``&not`` in ``&noteId=`` as ¬)."""
    if Path(app.env.doc2path(app.env.docname)).suffix not in (".md", ".ipynb"):
        return
    for reference in doctree.findall(nodes.reference):
        target = reference.get("refuri", "")
        if target.startswith(("http://", "https://")) and "&" in target:
            reference["refuri"] = _MYST_ESCAPED.sub(lambda match: _MYST_ESCAPES[match.group()], target)


def _plain_math_title(app: Sphinx, doctree: nodes.document) -> None:
    """A page's title as its links show it (a MyST link with no text, ``[](papers/x.md)``, and
    Sphinx's ``{doc}``) and its ``<title>``, with its math written out (CO₂, as its citation
    metadata has it): Sphinx takes the title's text, where a formula gave its LaTeX (``CO_2``)."""
    title = app.env.titles.get(app.env.docname)
    for math in list(title.findall(nodes.math)) if title is not None else ():
        math.parent.replace(math, nodes.Text(math_as_text(f"${math.astext()}$")))


def _meta_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """A page with its own Open Graph description gets it as its meta description too (before
    sphinxext-opengraph, which otherwise makes one from the page's first words: the byline)."""
    description = app.env.metadata.get(pagename, {}).get("og:description")
    if description:
        context["metatags"] = context.get("metatags", "") + f'<meta name="description" content="{escape(description)}" />\n'


def _html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Citation tags into the <head>; the page's content marked for Pagefind, with its search data."""
    if pagename in app.env.titles:
        # sphinx-book-theme sets the raw title text here and prints it unescaped in its print-only
        # <h1>, where a title such as "<script>..." would run (it runs before this handler).
        context["pagetitle"] = escape(app.env.titles[pagename].astext())
    data = page_data(app.env, pagename)
    if data.get("title"):  # the title as plain text, its math written out, for <title> and the print header
        context["title"] = context["pagetitle"] = escape(data["title"])
    context["metatags"] = context.get("metatags", "") + head_tags(data)
    # No page's source is published (a hand-written page's comments stay private), so the theme's
    # link to download it would lead nowhere.
    for group in context.get("header_buttons", []):
        if "buttons" in group:
            group["buttons"] = [button for button in group["buttons"] if button.get("label") != "download-source-button"]
    search = data.get("search", {})
    if "body" in context and doctree is not None and search.get("index", True):
        indexed = f'{context["body"]}{search_data(search)}'
        if search.get("revision"):
            indexed += revision_filter(revision(pagename, app.config.language or "", indexed))
        context["body"] = f'<div data-pagefind-body>{indexed}</div>'
    context["script_files"] = [_deferred(script) for script in context.get("script_files", []) if _wanted(script)]
    sheets = context.get("css_files", [])
    context["css_files"] = [sheet for sheet in sheets if "thebe" not in str(getattr(sheet, "filename", sheet))]
    # pydata-sphinx-theme's layout prints ``default_mode`` but nothing sets it, and an empty mode is an
    # error in its script.
    context.setdefault("default_mode", "auto")


# Scripts other extensions add to every page that ours do not use: Sphinx's search (Pagefind is the
# search), sphinx-thebe (no notebooks run; Jupyter Book adds its configuration twice, a redeclaration
# error). The theme's layout also names Font Awesome's 1.5 MB
# script itself: static/ replaces it (the theme's stylesheet and web font draw the same icons).
_UNUSED_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js", "thebe")


def _deferred(script):
    """The script, loaded without holding up the page's first paint: every file but
    documentation_options.js, which the page's inline scripts use at once, runs after parsing (in
    order, so each still finds what the ones before it defined)."""
    filename = str(getattr(script, "filename", "") or "")
    attributes = getattr(script, "attributes", None)
    if filename and attributes is not None and not filename.endswith("documentation_options.js"):
        if "async" not in attributes:
            attributes.setdefault("defer", "defer")
    return script


def _wanted(script) -> bool:
    text = f"{getattr(script, 'filename', script)} {getattr(script, 'attributes', {}).get('body', '')}".lower()
    return not any(name in text for name in _UNUSED_SCRIPTS)


def _share_sidebar(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``proceedings_sidebar``, for the sidebar template: pydata-sphinx-theme's
    ``generate_toctree_html``, made once per folder and arguments for the pages the table of contents
    does not list. Such a page is no entry's "current" one, and its links are relative to its folder,
    so the pages of a folder share one navigation. It is shared as HTML: the theme's function gives a
    BeautifulSoup tree, which the template printed anew for every page (half a second at 1,000 papers)."""
    listed = _listed(app, pagename)
    shared = app.builder.__dict__.setdefault("proceedings_sidebars", {})

    def sidebar(**kwargs) -> str:
        if listed:
            return str(context["generate_toctree_html"](**kwargs))
        key = (posixpath.dirname(pagename), *sorted(kwargs.items()))
        if key not in shared:
            shared[key] = str(context["generate_toctree_html"](**kwargs))
        return shared[key]

    context["proceedings_sidebar"] = sidebar


def _share_page_tocs(app: Sphinx) -> None:
    """Wrap pydata-sphinx-theme's handler that gives each page its ``generate_toc_html`` (the "On
    this page" list), so that generated pages the table of contents does not list share it: the
    theme parses every page's headings with BeautifulSoup and the templates print the result four
    times, a twentieth of Sphinx's time. Left alone when the theme has no such handler."""
    _wrap_page_handler(app, "add_toctree_functions", _with_shared_page_toc)


def _skip_unused_description(app: Sphinx) -> None:
    """Wrap sphinx-book-theme's handler that, among other things, joins the text of every section of
    a page into ``page_description``, which none of its templates prints (a paper page's sections
    hold the PDF's text: 2 % of Sphinx's time at 1,000 papers). The handler uses the doctree for
    nothing else, so it is given none. Left alone when the theme has no such handler.

    And sphinxext-opengraph's, which walks a page's doctree for a description (1.5 % of Sphinx's
    time at 1,000 papers) even when the page has its own, which then replaces it: see
    :func:`_own_description_first`."""
    _wrap_page_handler(app, "add_metadata_to_page", _without_doctree)
    _wrap_page_handler(app, "sphinxext.opengraph.html_page_context", _own_description_first)


def _wrap_page_handler(app: Sphinx, name: str, wrap) -> None:
    """In a lean build, replace the ``html-page-context`` handler called ``name`` (the theme's, or
    given with its module, an extension's) by ``wrap(handler)``."""
    if not app.config.proceedings_lean:
        return
    listeners = app.events.listeners["html-page-context"]
    for index, listener in enumerate(listeners):
        if name in (getattr(listener.handler, "__name__", ""), qualified_name(listener.handler)):
            listeners[index] = listener._replace(handler=wrap(listener.handler))


def _without_doctree(handler):
    """An ``html-page-context`` ``handler`` given no doctree."""
    def without(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
        handler(app, pagename, templatename, context, None)
    return without


def _own_description_first(handler):
    """sphinxext-opengraph's ``html-page-context`` ``handler``, given for a page with its own
    ``og:description`` a document holding only that text, where it looks for a description: it puts
    the page's own in the same place, and no other tag comes from the doctree unless the project asks
    for the page's first image or for social cards (then it gets the page's)."""
    def handled(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
        own = ((context.get("meta") or {}).get("og:description") or "").strip()
        config = app.config
        if own and doctree is not None and not config.ogp_use_first_image and \
                (config.ogp_social_cards or {}).get("enable") is False:
            doctree = new_document(doctree.get("source", ""), doctree.settings)
            doctree += nodes.paragraph(own, own)
        handler(app, pagename, templatename, context, doctree)
    return handled


def _with_shared_page_toc(add_toctree_functions):
    """The theme's handler, followed by a ``generate_toc_html`` that such pages share (by what their
    toc holds below the title)."""
    shared: dict[str, str] = {}

    def handler(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
        add_toctree_functions(app, pagename, templatename, context, doctree)
        toc, own = context.get("toc"), context.get("generate_toc_html")
        if own is None or not isinstance(toc, str) or not _shares_template_lists(app, pagename) \
                or len(app.env.tocs.get(pagename, ())) != 1:
            return
        # With one top-level heading (the page's title) the theme lists only the headings below it,
        # so pages whose toc differs only in the title's link text get the same list.
        key = toc.partition("</a>")[2]

        def generate_toc_html(kind: str = "html"):
            if kind != "html":
                return own(kind)
            if key not in shared:
                shared[key] = str(own(kind))
            return shared[key]

        context["generate_toc_html"] = generate_toc_html
    return handler


# The theme renders every template of these lists for every page, only to drop those that come out
# empty (pydata-sphinx-theme's update_and_remove_templates): 6 % of Sphinx's time.
_CHECKED_SECTIONS = ("theme_navbar_start", "theme_navbar_center", "theme_navbar_persistent", "theme_navbar_end",
                     "theme_article_header_start", "theme_article_header_end", "theme_article_footer_items",
                     "theme_content_footer_items", "theme_footer_start", "theme_footer_center", "theme_footer_end",
                     "theme_primary_sidebar_end", "sidebars")


def _shares_template_lists(app: Sphinx, pagename: str) -> bool:
    """Whether the page gets the checked template lists of its folder's other such pages: a generated
    page the table of contents does not list is no entry's "current" one, and its links are relative
    to its folder."""
    return not _listed(app, pagename) and _generated(app.env, pagename)


def _checked_templates(app: Sphinx) -> dict[tuple[str, str, str], list[str]]:
    """The template lists the theme kept, by folder, section and the section's own value."""
    return app.builder.__dict__.setdefault("proceedings_checked_templates", {})


def _listed(app: Sphinx, pagename: str) -> bool:
    """Whether the table of contents lists the page (files_to_rebuild: the pages under a toctree)."""
    return pagename == app.config.root_doc or pagename in app.env.files_to_rebuild


def _take_checked_templates(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Before the theme checks the template lists: for a page whose folder's lists were checked
    already, hand the theme empty lists (which it skips) and keep the checked ones to put back."""
    if not (app.config.proceedings_lean and _shares_template_lists(app, pagename)):
        return
    checked = _checked_templates(app)
    keys = {section: (posixpath.dirname(pagename), section, repr(context[section]))
            for section in _CHECKED_SECTIONS if context.get(section)}
    if all(key in checked for key in keys.values()):
        context["proceedings_checked"] = {section: list(checked[key]) for section, key in keys.items()}
        context.update(dict.fromkeys(keys, []))
    else:
        context["proceedings_checking"] = keys


def _give_checked_templates(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After the theme checked the template lists: put back the lists kept for this page, or keep
    the ones just checked for the next pages of its folder."""
    if "proceedings_checked" in context:
        context.update(context.pop("proceedings_checked"))
    elif "proceedings_checking" in context:
        for section, key in context.pop("proceedings_checking").items():
            _checked_templates(app)[key] = list(context[section])


def _configure(app: Sphinx, config: Config) -> None:
    # The project folder also holds papers/, scripts/, tests/ and perhaps a virtualenv: only book/ is the book.
    if list(config.include_patterns) == ["**"]:
        config.include_patterns = ["book/**"]
    config.ogp_site_url = config.ogp_site_url or config.html_baseurl
    config.ogp_site_name = config.ogp_site_name or config.html_title
    config.ogp_social_cards = {"enable": False, **(config.ogp_social_cards or {})}
    config.html_static_path = [*config.html_static_path, str(_HERE / "static")]
    config.html_math_renderer = config.html_math_renderer or "proceedings_mathml"
    # Page sources would publish hand-written pages' %-comments (and the zip would carry them).
    config.html_copy_source = False
    # Theme templates replaced: for accessibility, for Pagefind's search page, and for a sidebar made
    # once per folder (see each file's comment).
    config.templates_path = [str(_HERE / "templates"), *config.templates_path]
    config.html_favicon = config.html_favicon or str(_HERE / "static" / "favicon.svg")
    options = config.html_theme_options
    # On a phone the sidebar, which holds the site's title, is hidden: the header gets a way home.
    options.setdefault("article_header_start", ["toggle-primary-sidebar.html", "proceedings-home.html"])
    if config.proceedings_lean:
        # Paper pages have no numbered figures, and numbering walks every doctree under the toctree on
        # every build; [text](#label) links (in hand-written pages: generated ones use {labelref}) name
        # our labels, and resolving them in every domain (C++'s parser included) was a tenth of
        # Sphinx's time.
        config.numfig = False
        config.myst_ref_domains = config.myst_ref_domains or ["std"]


def sitemap(base_url: str, docnames: list[str]) -> str:
    """A sitemap listing every page by its absolute URL."""
    urls = "".join(f"<url><loc>{escape(base_url + docname)}.html</loc></url>" for docname in sorted(docnames))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'


def not_found_page(base_url: str, title: str) -> str:
    """The 404 page static hosts serve for any missing path, so its links are absolute."""
    home = escape(base_url or "/")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>Page not found - {escape(title)}</title></head>\n'
            f'<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">'
            f"<h1>Page not found</h1><p>This page is not part of {escape(title)}.</p>"
            f'<p><a href="{home}">Go to the home page</a> or <a href="{home}search.html">search the proceedings</a>.</p>'
            "</body></html>\n")


_SEARCH_SCRIPT = _HERE / "static" / "proceedings-search.js"
_SEARCH_API = _HERE / "search_api" / "pagefind.js"
"""The module Pagefind's interface imports its API from (``bundlePath``): Pagefind's, the results
ordered across the shards and the superseded entries left out (``site/search.py``)."""


def _contents_digest(path: Path) -> str:
    """A short digest of the file's contents, by which a browser tells its versions apart."""
    return file_hash(path)[:10]


def _search_api_folder() -> str:
    """The folder of ``_static/`` the search API module is published in, named by its contents, as the
    search page's script is asked for with its digest: hosts keep ``_static/`` for long (a day under
    ``proceedings serve``), and a browser that kept the last version of either searched with it (the
    page's script of stop 59 could not read stop 60's ``merge.json``: no search at all)."""
    return f"proceedings-pagefind-{_contents_digest(_SEARCH_API)}"


def _search_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The search page's script by its digest, and the folder of the API module it gives the interface."""
    if pagename == "search":
        context["proceedings_search_version"] = _contents_digest(_SEARCH_SCRIPT)
        context["proceedings_search_api"] = f"{_search_api_folder()}/"


def _publish_search_api(app: Sphinx, exception: Exception | None) -> None:
    """Put the search API module in its folder of ``_static/``, and remove its earlier versions."""
    if exception is not None or not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    static, current = Path(app.outdir) / "_static", _search_api_folder()
    for old in static.glob("proceedings-pagefind*"):
        if old.name != current:
            shutil.rmtree(old)
    write_if_changed(static / current / "pagefind.js", _SEARCH_API.read_text("utf-8"))


def _without_sphinx_search(app: Sphinx) -> None:
    # Pagefind is the search; Sphinx's own index cost an eighth of the build (stemming every word)
    # and was loaded by every page. The search page is still written, from our search.html.
    if isinstance(app.builder, StandaloneHTMLBuilder):
        app.builder.search = False
        app.config.html_additional_pages = {"search": "search.html", **app.config.html_additional_pages}


def _keep_compiled_templates(app: Sphinx) -> None:
    # Jinja compiled the theme's forty templates again in every run: 0.2 s of a one-page rebuild.
    # Its cache checks each template's source; the folder is per Sphinx and Jinja version, whose
    # settings the compiled code assumes.
    # Nor is a template loaded once checked again: Jinja looked at the modification time of each
    # template's file every time a page used it (1.6 % of Sphinx's time at 1,000 papers), though
    # the theme's files do not change while Sphinx runs.
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if isinstance(environment, jinja2.Environment) and environment.bytecode_cache is None:
        folder = Path(app.doctreedir) / f"jinja-{sphinx.__version__}-{jinja2.__version__}"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        environment.auto_reload = False


def _log_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # The build indexes the pages Sphinx has written for search while it writes the others: Sphinx
    # writes in name order, so a page begun means every page named before it is written.
    if app.config.proceedings_page_log:
        with open(app.config.proceedings_page_log, "a", encoding="utf-8") as log:
            log.write(f"{pagename}\n")


def _write_sitemap_and_404(app: Sphinx, exception: Exception | None) -> None:
    # The sitemap is written from every document Sphinx knows, not only those written in this run
    # (as sphinx-sitemap does), so that an incremental build gives the same sitemap as a full one.
    if exception is None and app.builder.format == "html":
        base = app.config.html_baseurl.rstrip("/") + "/" if app.config.html_baseurl else ""
        if base:
            write_if_changed(Path(app.outdir) / "sitemap.xml", sitemap(base, list(app.env.found_docs)))
        write_if_changed(Path(app.outdir) / "404.html", not_found_page(base, app.config.html_title))


def _remove_old_sources(app: Sphinx, exception: Exception | None) -> None:
    # Sources an earlier version of the tool published would stay in an incremental build's output.
    if exception is None and app.builder.format == "html" and not app.config.html_copy_source:
        shutil.rmtree(Path(app.outdir) / "_sources", ignore_errors=True)


def _remove_theme_macros(app: Sphinx, exception: Exception | None) -> None:
    """Remove the Jinja macros the themes keep among their static files (``webpack-macros.html``),
    which Sphinx copies into ``_static/``: published, a reader who opened one (a second new-user
    trial, crawling the offline zip) got a page asking for ``{{ pathto(...) }}`` addresses."""
    if exception is None and app.builder.format == "html":
        for page in (Path(app.outdir) / "_static").glob("*macros.html"):
            if "{% macro" in page.read_text("utf-8", errors="replace"):
                page.unlink()


def _remove_pages_of_removed_documents(app: Sphinx, exception: Exception | None) -> None:
    """Remove the page of every document the last successful build had and this one has not, and
    record this build's documents. Sphinx forgets a removed document but leaves its page, which would
    stay published, zipped and searchable (a paper taken down would still be served); the record is
    kept beside the doctrees because a fresh environment (``--all``) knows no earlier document."""
    if exception is not None or not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    record = Path(app.doctreedir) / "proceedings-documents.json"
    before = {name for name in read_json(record, []) if isinstance(name, str)}
    for name in before - app.env.found_docs:
        (Path(app.outdir) / app.builder.get_outfilename(name)).unlink(missing_ok=True)
    write_if_changed(record, json.dumps(sorted(app.env.found_docs)))


def _remove_stale_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """Remove the site's ``index.html`` when it sends readers to another page than the book's root:
    sphinx-external-toc writes that redirect only where there is none (a TODO of its own), so a book
    whose ``root:`` changed kept redirecting to the old page, a 404 once it was renamed. Its handler,
    after this one, writes it anew."""
    index = Path(app.outdir) / "index.html"
    if exception is not None or app.builder.format != "html" or not index.is_file():
        return
    text = index.read_text("utf-8", errors="replace")
    root = app.config.root_doc
    if text.startswith('<meta http-equiv="Refresh"') and not any(f'url={root}{end}"' in text for end in (".html", "/index.html")):
        index.unlink()


def _trim_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and isinstance(app.builder, StandaloneHTMLBuilder) and app.builder.theme:
        trim_icons(Path(app.outdir), [Path(folder) / "static" for folder in app.builder.theme.get_theme_dirs()],
                   Path(app.doctreedir) / "proceedings-icons")


def _myst_nb_stylesheet_first(app: Sphinx, builder) -> None:
    # myst-nb copies its stylesheet into the output once the build has finished, after the pages
    # that link it: a page written before the file was there (every page of a first build) linked
    # it without the ?v= checksum Sphinx gives a file it finds, one written later with it, so the
    # pages an incremental build wrote differed from those of a build from scratch.
    if "myst_nb" in app.extensions and builder.format == "html":
        from myst_nb.sphinx_ext import add_global_html_resources
        Path(app.outdir, "_static").mkdir(parents=True, exist_ok=True)  # Sphinx makes it after this
        add_global_html_resources(app, None)


def setup(app: Sphinx) -> dict:
    """Register the settings, roles, directive, static files and event handlers."""
    app.setup_extension("sphinxext.opengraph")
    app.add_config_value("proceedings_lean", True, "env", bool)
    app.add_config_value("proceedings_page_log", "", "", str)
    memory.setup(app)
    once.setup(app, _generated)
    debuglog.setup(app)
    libyaml.setup(app)
    app.add_role("asset", AssetRole())
    app.add_role("preview", PreviewRole())
    app.add_role("recording", RecordingRole())
    app.add_role("venuetime", venue_time_role)
    app.add_role("struck", struck_role)
    app.add_role("labelref", label_ref_role)
    app.add_role("zoneswitch", zone_switch_role)
    app.add_role("venuezone", venue_zone_role)
    app.add_css_file("proceedings.css")
    app.add_js_file("proceedings.js", loading_method="defer")
    app.add_directive("plaintext", PlainText)
    # Sphinx looks a lexer it does not know up by its name among all of Pygments' for each block (a
    # tenth of a millisecond: 0.2 s for the BibTeX and APA blocks of 1,000 papers).
    app.add_lexer("bibtex", BibTeXLexer)
    app.add_lexer("text", TextLexer)
    app.add_html_math_renderer("proceedings_mathml", (mathml.visit_math, None), (mathml.visit_displaymath, None))
    # After the other extensions' handlers: sphinx-jupyterbook-latex turns numfig on in its own.
    app.connect("config-inited", _configure, priority=900)
    app.connect("builder-inited", _without_sphinx_search)
    # After the theme's handler, which registers its link shortening then.
    app.connect("builder-inited", _lean_transforms, priority=900)
    app.connect("builder-inited", _keep_compiled_templates)
    app.connect("builder-inited", _share_page_tocs)
    app.connect("builder-inited", _skip_unused_description)
    app.connect("source-read", _read_page_data)
    # Before the theme's handlers, which render the sidebar once to see whether it is empty.
    app.connect("html-page-context", _share_sidebar, priority=400)
    app.connect("html-page-context", _take_checked_templates, priority=400)
    app.connect("html-page-context", _give_checked_templates, priority=600)
    app.connect("html-page-context", _html_page_context, priority=900)
    app.connect("html-page-context", _search_page_assets)
    app.connect("html-page-context", _meta_description, priority=400)
    app.connect("html-page-context", _log_page, priority=100)
    app.connect("doctree-read", _unescaped_links)
    app.connect("doctree-read", _plain_math_title, priority=600)  # after Sphinx's collector stores the title
    app.connect("write-started", _myst_nb_stylesheet_first)
    setup_links(app)
    app.connect("build-finished", _write_sitemap_and_404)
    app.connect("build-finished", _trim_icons)
    app.connect("build-finished", _remove_old_sources)
    app.connect("build-finished", _remove_theme_macros)
    app.connect("build-finished", _publish_search_api)
    app.connect("build-finished", _remove_pages_of_removed_documents)
    app.connect("build-finished", _remove_stale_root_redirect, priority=400)  # before sphinx-external-toc's
    # Each page's data is read from its source wherever it is asked for (a reading worker's is not
    # merged back); writing shares sidebars only within one process: both are safe in parallel.
    return {"version": __version__, "env_version": _ENV_VERSION, "parallel_read_safe": True,
            "parallel_write_safe": True}
