"""Sphinx extension for proceedings books: reads only ``book/``, publishes the staged files beside the pages.

Enable it in ``_config.yml`` with ``sphinx: extra_extensions: [proceedings.sphinxext]``.
"""

from __future__ import annotations

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


def _configure(app: Sphinx, config: Config) -> None:
    # The project folder also holds papers/, scripts/, tests/ and perhaps a virtualenv: only book/ is the book.
    if list(config.include_patterns) == ["**"]:
        config.include_patterns = ["book/**"]
    assets = Project(Path(app.srcdir)).assets
    assets.mkdir(parents=True, exist_ok=True)
    if str(assets) not in map(str, config.html_extra_path):
        config.html_extra_path = [*config.html_extra_path, str(assets)]


def setup(app: Sphinx) -> dict:
    """Register the role and the configuration step."""
    app.add_role("asset", AssetRole())
    app.connect("config-inited", _configure)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
