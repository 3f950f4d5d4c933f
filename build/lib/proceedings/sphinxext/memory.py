"""Python's cycle collector, told which of a Sphinx build's objects live long and which die young.

A collection visits every object alive in the generations it collects. Sphinx keeps each page's
doctree in memory from reading it until writing it, so in a cold build the heap grows with the
pages, and each collection visits them while finding little to free: at 1,000 papers, 17 full
collections once took a quarter of Sphinx's time, and young collections while reading and full ones
while writing still took 2.2-3.9 s of its 20-32. So, for the length of one build:

- what is alive when the build starts (the modules, the configuration) and the environment Sphinx
  loads from the last build are moved out of the collector's sight (:func:`gc.freeze`);
- no collection runs while the pages are read. MyST's syntax tree of a page linked each node to its
  parent and its parent to it: 745,000 objects in cycles at 1,000 papers that only the collector
  freed. While the pages are read, a node refers to its parent weakly (:class:`WeakParentNode`), so
  each page's tree is freed the moment the page is rendered. What reading leaves in cycles is kept
  until the build ends: it grows with the pages' markup, about 150 objects a generated page
  (docutils' documents MyST makes and throws away), some 1,650 a page of reStructuredText;
- once the pages are read, the environment and the doctrees are moved out of sight, and young
  collections resume for the writing, which leaves each page's resolved doctree in cycles; full
  collections do not (9 of them took 0.8 s for 12 MB);
- when the build ends, everything is handed back (:func:`gc.unfreeze`) and the thresholds are the
  process's own again, so a process that builds again (the tests do) collects as before; MyST gets
  its own tree class back once the pages are read, or when the build ends if reading failed.

At 1,000 papers this took the collector's time in Jupyter Book's run from 2.2-3.9 s to 0.4-1.0 s (in
cold builds, the machine quiet to busy), and its peak from 439 to 472 MB.
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

import myst_parser.mdit_to_docutils.base as myst_renderer
from markdown_it.tree import SyntaxTreeNode
from sphinx.application import Sphinx
from sphinx.config import Config

# gc's threshold for full collections counts collections of the middle generation: never reached.
_NEVER = 2**30
# A young threshold of zero turns automatic collection off.
_OFF = 0


class WeakParentNode(SyntaxTreeNode):
    """A node of MyST's syntax tree that refers to its parent weakly: its children hold it, and its
    root is held while MyST renders the page. Nothing of MyST or MyST-NB reads a node's parent (a
    footnote's definition, rendered after the tree is let go, would find none)."""

    @property
    def parent(self) -> Any:
        return self._parent() if self._parent is not None else None

    @parent.setter
    def parent(self, value: Any) -> None:
        self._parent = weakref.ref(value) if value is not None else None


def _before_loading(app: Sphinx, config: Config) -> None:
    thresholds = gc.get_threshold()
    app.__dict__["proceedings_gc_thresholds"] = thresholds
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], _NEVER)


def _before_reading(app: Sphinx, env, docnames: list[str]) -> None:
    gc.freeze()
    gc.set_threshold(_OFF, _thresholds(app)[1], _NEVER)
    myst_renderer.SyntaxTreeNode = WeakParentNode  # type: ignore[misc]


def _after_reading(app: Sphinx, env) -> None:
    myst_renderer.SyntaxTreeNode = SyntaxTreeNode  # type: ignore[misc]
    gc.freeze()
    gc.set_threshold(*_thresholds(app)[:2], _NEVER)


def _after_building(app: Sphinx, exception: Exception | None) -> None:
    gc.unfreeze()
    gc.set_threshold(*_thresholds(app))
    myst_renderer.SyntaxTreeNode = SyntaxTreeNode  # type: ignore[misc]


def _thresholds(app: Sphinx) -> tuple[int, int, int]:
    return app.__dict__.get("proceedings_gc_thresholds", gc.get_threshold())


def setup(app: Sphinx) -> None:
    """Connect the collector's settings to the build's phases (not a Sphinx extension of its own)."""
    # Before the other extensions' handlers and before Sphinx loads the saved environment.
    app.connect("config-inited", _before_loading, priority=0)
    app.connect("env-before-read-docs", _before_reading, priority=0)
    app.connect("env-updated", _after_reading, priority=999)
    app.connect("build-finished", _after_building, priority=999)
