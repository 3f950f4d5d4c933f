"""What Sphinx 7 and MyST make again for every page although, within a build, it is the same for all
of them: the checksum of each stylesheet and script a page links (``?v=...``: the file read and
hashed, about fifteen per page), a Pygments formatter per code block (its stylesheet made anew each
time), docutils' default settings, which MyST parses from their specification for every page it
renders (for a document it then throws away: ``options.get("document", make_document())``), and the
list of docutils' stylesheets, looked for on disk by each HTML translator (several per page, one for
each title Sphinx renders), and MyST's Markdown parser, its rules and link patterns compiled for each
page. Each is made once per build instead: 1.5 s of Jupyter Book's cold run at 1,000 papers, and
0.4 s more for the stylesheets, 0.5 s for the parsers. And each page's title, which Sphinx renders to
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
from typing import Any

import docutils.frontend
import docutils.utils
import myst_parser.parsers.sphinx_
import sphinx.builders.html
from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    """Make each once, for every build of ``app``."""
    app.connect("builder-inited", _once_per_build)
    app.connect("build-finished", _as_sphinx_makes_them)


_ORIGINAL_CHECKSUM = getattr(sphinx.builders.html, "_file_checksum", None)
_ORIGINAL_SETTINGS = docutils.frontend.get_default_settings
_ORIGINAL_STYLESHEETS = docutils.utils.get_stylesheet_list
_ORIGINAL_MD_PARSER = myst_parser.parsers.sphinx_.create_md_parser


def _once_per_build(app: Sphinx) -> None:
    docutils.frontend.get_default_settings = _settings_parsed_once(_ORIGINAL_SETTINGS)
    docutils.utils.get_stylesheet_list = _stylesheets_found_once(_ORIGINAL_STYLESHEETS)
    myst_parser.parsers.sphinx_.create_md_parser = _made_once_per_setting(_ORIGINAL_MD_PARSER)
    if _ORIGINAL_CHECKSUM is not None:
        sphinx.builders.html._file_checksum = functools.cache(_ORIGINAL_CHECKSUM)  # type: ignore[assignment]
    if callable(getattr(app.builder, "render_partial", None)):
        app.builder.render_partial = _last_kept(app.builder.render_partial)  # type: ignore[attr-defined]
    for bridge in (getattr(app.builder, "highlighter", None), getattr(app.builder, "dark_highlighter", None)):
        if bridge is not None and callable(getattr(bridge, "get_formatter", None)):
            bridge.get_formatter = _made_once(bridge.get_formatter)


def _as_sphinx_makes_them(app: Sphinx, exception: Exception | None) -> None:
    docutils.frontend.get_default_settings = _ORIGINAL_SETTINGS
    docutils.utils.get_stylesheet_list = _ORIGINAL_STYLESHEETS
    myst_parser.parsers.sphinx_.create_md_parser = _ORIGINAL_MD_PARSER
    app.builder.__dict__.pop("render_partial", None)
    if _ORIGINAL_CHECKSUM is not None:
        sphinx.builders.html._file_checksum = _ORIGINAL_CHECKSUM


def _made_once(get_formatter):
    """``get_formatter``, which makes one formatter per call, keeping the one made for each set of
    options (options that cannot be a key, such as a list of lines to highlight, get a new one)."""
    made: dict[tuple, Any] = {}

    @functools.wraps(get_formatter)
    def formatter(**options: Any) -> Any:
        key = tuple(sorted(options.items()))
        try:
            hash(key)
        except TypeError:
            return get_formatter(**options)
        if key not in made:
            made[key] = get_formatter(**options)
        return made[key]
    return formatter


def _settings_parsed_once(get_default_settings):
    """``get_default_settings``, which parses the settings' specification at every call, parsing it
    once per set of components and giving each caller its own copy."""
    parsed = functools.cache(get_default_settings)

    @functools.wraps(get_default_settings)
    def settings(*components: Any) -> Any:
        try:
            return copy.deepcopy(parsed(*components))
        except TypeError:  # a component that cannot be a key
            return get_default_settings(*components)
    return settings


def _stylesheets_found_once(get_stylesheet_list):
    """``get_stylesheet_list``, which looks for each stylesheet in the settings' folders at every
    call, looking once per set of stylesheet settings and giving each caller its own list."""
    found: dict[str, list[str]] = {}

    @functools.wraps(get_stylesheet_list)
    def stylesheets(settings: Any) -> list[str]:
        key = repr([getattr(settings, name, None) for name in ("stylesheet", "stylesheet_path", "stylesheet_dirs")])
        if key not in found:
            found[key] = get_stylesheet_list(settings)
        return list(found[key])
    return stylesheets


def _made_once_per_setting(create_md_parser):
    """``create_md_parser``, which makes a Markdown parser at every call, keeping the one made for
    each renderer and configuration (a dataclass, known by its fields)."""
    made: dict[tuple, Any] = {}

    @functools.wraps(create_md_parser)
    def parser(config: Any, renderer: Any) -> Any:
        key = (renderer, repr(config))
        if key not in made:
            made[key] = create_md_parser(config, renderer)
        return made[key]
    return parser


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
