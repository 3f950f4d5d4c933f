"""What Sphinx 7 and MyST make again for every page although, within a build, it is the same for all
of them: the checksum of each stylesheet and script a page links (``?v=...``: the file read and
hashed, about fifteen per page), a Pygments formatter per code block (its stylesheet made anew each
time), docutils' default settings, which MyST parses from their specification for every page it
renders (for a document it then throws away: ``options.get("document", make_document())``), and the
list of docutils' stylesheets, looked for on disk by each HTML translator (several per page, one for
each title Sphinx renders), and MyST's Markdown parser, its rules and link patterns compiled for each
page. Each is made once per build instead: 1.5 s of Jupyter Book's cold run at 1,000 papers, and
0.4 s more for the stylesheets, 0.5 s for the parsers (which, in a lean build, read generated pages
with :mod:`proceedings.sphinxext.tokens` and find where their links lead with
:mod:`proceedings.sphinxext.doclinks`). And each page's title, which Sphinx renders to
HTML twice (once for its own search index, which proceedings.sphinxext turns off), is rendered once:
0.3 s.

Each is the same within a build: Sphinx copies the static files before it writes the first page, a
formatter holds only its options, each caller gets its own copy of the settings, docutils'
stylesheets are files of the installed package, and MyST renders one page at a time with a parser,
each render setting up its page afresh (a page whose front matter changes MyST's settings gets a
parser of its own). The originals
are put back when the build ends, so that no other build in the process sees this one's checksums."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import docutils.frontend
import docutils.utils
import myst_parser.parsers.sphinx_
import sphinx.builders.html
from sphinx.application import Sphinx

from .doclinks import renderer_for
from .lean import Generated
from .tokens import reading_generated_pages


def setup(app: Sphinx, generated: Generated) -> None:
    """Make each once, for every build of ``app``; ``generated`` says which pages the tool wrote."""
    app.connect("builder-inited", functools.partial(_once_per_build, generated=generated))
    app.connect("build-finished", _as_sphinx_makes_them)


_ORIGINAL_CHECKSUM = getattr(sphinx.builders.html, "_file_checksum", None)
_ORIGINAL_SETTINGS = docutils.frontend.get_default_settings
_ORIGINAL_STYLESHEETS = docutils.utils.get_stylesheet_list
_ORIGINAL_MD_PARSER = myst_parser.parsers.sphinx_.create_md_parser


def _once_per_build(app: Sphinx, generated: Generated) -> None:
    # Each caller of the settings gets its own copy, and of the stylesheets its own list.
    docutils.frontend.get_default_settings = _kept(_ORIGINAL_SETTINGS, lambda *components: components, copy.deepcopy)
    docutils.utils.get_stylesheet_list = _kept(_ORIGINAL_STYLESHEETS, _stylesheet_settings, list)
    myst_parser.parsers.sphinx_.create_md_parser = _kept(_md_parser(app, generated),
                                                         lambda config, renderer: (renderer, repr(config)))
    if _ORIGINAL_CHECKSUM is not None:
        sphinx.builders.html._file_checksum = functools.cache(_ORIGINAL_CHECKSUM)  # type: ignore[assignment]
    if callable(getattr(app.builder, "render_partial", None)):
        app.builder.render_partial = _last_kept(app.builder.render_partial)  # type: ignore[attr-defined]
    for bridge in (getattr(app.builder, "highlighter", None), getattr(app.builder, "dark_highlighter", None)):
        if bridge is not None and callable(getattr(bridge, "get_formatter", None)):
            bridge.get_formatter = _kept(bridge.get_formatter, lambda **options: tuple(sorted(options.items())))


def _md_parser(app: Sphinx, generated: Generated) -> Callable[..., Any]:
    """MyST's maker of Markdown parsers, whose parsers, in a lean build, read the pages ``generated``
    says the tool wrote with :mod:`proceedings.sphinxext.tokens`, and find where their links lead
    with :mod:`proceedings.sphinxext.doclinks`."""
    if not getattr(app.config, "proceedings_lean", False):
        return _ORIGINAL_MD_PARSER

    def is_generated(docname: str) -> bool:
        return generated(app.env, docname)
    return lambda config, renderer: reading_generated_pages(
        _ORIGINAL_MD_PARSER(config, renderer_for(renderer, is_generated)), is_generated)


def _as_sphinx_makes_them(app: Sphinx, exception: Exception | None) -> None:
    docutils.frontend.get_default_settings = _ORIGINAL_SETTINGS
    docutils.utils.get_stylesheet_list = _ORIGINAL_STYLESHEETS
    myst_parser.parsers.sphinx_.create_md_parser = _ORIGINAL_MD_PARSER
    app.builder.__dict__.pop("render_partial", None)
    if _ORIGINAL_CHECKSUM is not None:
        sphinx.builders.html._file_checksum = _ORIGINAL_CHECKSUM


def _kept(make: Callable[..., Any], key: Callable[..., Any],
          handed: Callable[[Any], Any] = lambda made: made) -> Callable[..., Any]:
    """``make``, which makes its result anew at every call, keeping the one made for each ``key``
    of its arguments and giving each caller ``handed`` of it; arguments whose key cannot be a dict
    key (a list of lines to highlight, a component that is not hashable) get a new one."""
    made: dict[Any, Any] = {}

    @functools.wraps(make)
    def kept(*args: Any, **kwargs: Any) -> Any:
        found = key(*args, **kwargs)
        try:
            hash(found)
        except TypeError:
            return make(*args, **kwargs)
        if found not in made:
            made[found] = make(*args, **kwargs)
        return handed(made[found])
    return kept


def _stylesheet_settings(settings: Any) -> str:
    """What docutils' stylesheet list is made from: the settings that name the stylesheets and
    where to look for them."""
    return repr([getattr(settings, name, None) for name in ("stylesheet", "stylesheet_path", "stylesheet_dirs")])


def _last_kept(render_partial):
    """``render_partial``, which renders a node of a page (its title, its contents) to HTML parts,
    giving the parts of the node it rendered last again when asked for the same node (Sphinx asks
    twice in a row for each page's title). Its callers each get their own dictionary: Sphinx's is
    refilled by the next rendering."""
    last: list = [None, {}]

    @functools.wraps(render_partial)
    def rendered(node: Any) -> dict[str, str]:
        if node is None or node is not last[0]:
            last[:] = [node, dict(render_partial(node))]
        return dict(last[1])
    return rendered
