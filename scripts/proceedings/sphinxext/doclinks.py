"""Where a generated page's link to a path leads, found once per build.

For each link to a path (``[A paper](p00251.md)``), MyST's renderer decodes it, asks the file system
whether the path is a file and Sphinx's project whether the file is a page, through three path
computations; at 1,000 papers the generated pages hold 11,400 such links to 2,000 distinct targets
(the listings, the tracks). A generated page links only to pages and files the tool writes before
Sphinx starts, so within a build's reading neither answer changes for its links. On a generated
page, the answers are therefore kept for the build by the page's folder and the link's destination,
and the link made as MyST makes it: 0.8 s instead of 1.6 s for those links. (A file that a notebook
run in the build writes into a generated page's folder would be found missing by that folder's later
generated pages; the tool's pages link to no such file.) A hand-written page asks each time.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, cast

from markdown_it.tree import SyntaxTreeNode
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from sphinx import addnodes

from ..util.releases import is_release

# The release whose ``SphinxRenderer.render_link_unknown`` :meth:`_LinksKept.render_link_unknown`
# repeats with the answers kept; with any other, MyST's own renders every link, as it may make
# them otherwise.
_RELEASE = "3.0."


def renderer_for(renderer: Any, generated: Callable[[str], bool]) -> Any:
    """MyST's renderer class ``renderer``, finding where a link leads once per build on the pages
    ``generated`` names (by document name), when it is the release this module repeats and renders
    links as that release does."""
    if not (isinstance(renderer, type) and issubclass(renderer, SphinxRenderer) and is_release("myst-parser", _RELEASE)
            and all(getattr(renderer, name) is getattr(SphinxRenderer, name)
                    for name in ("render_link_unknown", "_handle_relative_docs", "_process_wrap_node"))):
        return renderer
    return type(f"LinksKept{renderer.__name__}", (_LinksKept, renderer), {"_generated": staticmethod(generated)})


class _Target(NamedTuple):
    """Where a link leads, as MyST's renderer finds it."""

    destination: str
    """The link's destination, decoded."""
    is_file: bool
    """Whether its path (the destination without its ``#`` part) is a file."""
    docname: str | None
    """The page that file is, if any."""


class _LinksKept(SphinxRenderer):
    """A renderer keeping where the generated pages' links lead. It lives for one build: the parser
    that holds it is made once per build (:mod:`proceedings.sphinxext.once`), and renders each of
    the build's pages in turn."""

    _generated: Callable[[str], bool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._targets: dict[tuple[str, str], _Target] = {}

    def render_link_unknown(self, token: SyntaxTreeNode) -> None:
        docname = self.sphinx_env.docname
        # MyST's own where the answer depends on more than the page's folder and the link: an
        # include's ``relative-docs`` rewrites the link, and without a source folder MyST looks at no file.
        if not self.sphinx_env.srcdir or "relative-docs" in self.md_env or not self._generated(docname):
            return super().render_link_unknown(token)
        # MyST's own, but for the answers kept.
        target = self._target(posixpath.dirname(docname), cast(str, token.attrGet("href") or ""))
        explicit = (token.info != "auto") and (len(token.children or []) > 0)
        kwargs = {"refdoc": docname, "reftype": "myst", "refexplicit": explicit}
        path_dest, *_path_ids = target.destination.split("#", maxsplit=1)
        path_id = _path_ids[0] if _path_ids else None
        wrap_node: addnodes.pending_xref | addnodes.download_reference
        if target.is_file and target.docname:
            wrap_node = addnodes.pending_xref(refdomain="doc", reftarget=target.docname, reftargetid=path_id, **kwargs)
            classes = ["xref", "myst"]
        elif target.is_file:
            wrap_node = addnodes.download_reference(refdomain=None, reftarget=path_dest, **kwargs)
            classes = ["xref", "download", "myst"]
        else:
            wrap_node = addnodes.pending_xref(refdomain=None, reftarget=target.destination, **kwargs)
            classes = ["xref", "myst"]
        self._process_wrap_node(wrap_node, token, explicit, classes, path_dest)

    def _target(self, folder: str, href: str) -> _Target:
        """Where a link to ``href`` on the page being read, in ``folder``, leads."""
        # Sphinx finds a relative path from the page's folder alone: the key holds all it reads.
        key = (folder, href)
        if key not in self._targets:
            destination = self.md.normalizeLinkText(href)
            _, path = self.sphinx_env.relfn2path(destination.split("#", maxsplit=1)[0], self.sphinx_env.docname)
            is_file = Path(path).is_file()
            self._targets[key] = _Target(destination, is_file, self.sphinx_env.path2doc(str(Path(path))) if is_file else None)
        return self._targets[key]
