"""Where a generated page's link to a path leads, found once per build.

For each link to a path (``[A paper](p00251.md)``), MyST's renderer decodes it, asks the file system
whether the path is a file and Sphinx's project whether the file is a page, through three path
computations; at 1,000 papers the generated pages hold 11,400 such links to 2,000 distinct targets
(the listings, the tracks). Within a build's reading neither answer changes for a generated page's
links: the tool writes its pages and the files beside them before Sphinx starts. So, on a generated
page, the answers are kept for the build by the page's folder and the link's destination, and the
link made as MyST makes it: 0.8 s instead of 1.6 s for those links. A hand-written page asks each
time (a notebook run in the build may write a file that a later page links to).
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, cast

from markdown_it.tree import SyntaxTreeNode
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from sphinx import addnodes

# The release whose ``SphinxRenderer.render_link_unknown`` :meth:`_LeanLinks.render_link_unknown`
# repeats with the answers kept; with any other, MyST's own renders every link.
_RELEASE = "3.0."


def renderer_for(renderer: Any, generated: Callable[[str], bool]) -> Any:
    """MyST's renderer class ``renderer``, finding where a link leads once per build on the pages
    ``generated`` names (by document name), when it is the release this module repeats."""
    if not (isinstance(renderer, type) and issubclass(renderer, SphinxRenderer) and _known_release()):
        return renderer
    return type(renderer.__name__, (_LeanLinks, renderer), {"_generated": staticmethod(generated)})


@functools.cache
def _known_release() -> bool:
    return metadata.version("myst-parser").startswith(_RELEASE)


class _LeanLinks(SphinxRenderer):
    """A renderer keeping, for the build (it renders each of the build's pages), where the generated
    pages' links lead."""

    _generated: Callable[[str], bool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._targets: dict[tuple[str, str], tuple[str, bool, str | None]] = {}

    def render_link_unknown(self, token: SyntaxTreeNode) -> None:
        docname = self.sphinx_env.docname
        # A page that includes another names the other's paths relative to itself (``relative-docs``).
        if not self.sphinx_env.srcdir or "relative-docs" in self.md_env or not self._generated(docname):
            return super().render_link_unknown(token)
        # MyST's own, but for the answers kept.
        destination, is_file, target = self._target(posixpath.dirname(docname), cast(str, token.attrGet("href") or ""))
        explicit = (token.info != "auto") and (len(token.children or []) > 0)
        kwargs = {"refdoc": docname, "reftype": "myst", "refexplicit": explicit}
        path_dest, *_path_ids = destination.split("#", maxsplit=1)
        path_id = _path_ids[0] if _path_ids else None
        wrap_node: addnodes.pending_xref | addnodes.download_reference
        if is_file and target:
            wrap_node = addnodes.pending_xref(refdomain="doc", reftarget=target, reftargetid=path_id, **kwargs)
            classes = ["xref", "myst"]
        elif is_file:
            wrap_node = addnodes.download_reference(refdomain=None, reftarget=path_dest, **kwargs)
            classes = ["xref", "download", "myst"]
        else:
            wrap_node = addnodes.pending_xref(refdomain=None, reftarget=destination, **kwargs)
            classes = ["xref", "myst"]
        self._process_wrap_node(wrap_node, token, explicit, classes, path_dest)

    def _target(self, folder: str, href: str) -> tuple[str, bool, str | None]:
        """Where a link to ``href`` on a page in ``folder`` leads: its destination as MyST reads it,
        whether its path is a file, and the page that file is if any."""
        key = (folder, href)
        if key not in self._targets:
            destination = self.md.normalizeLinkText(href)
            _, path = self.sphinx_env.relfn2path(destination.split("#", maxsplit=1)[0], self.sphinx_env.docname)
            is_file = Path(path).is_file()
            self._targets[key] = (destination, is_file, self.sphinx_env.path2doc(str(Path(path))) if is_file else None)
        return self._targets[key]
