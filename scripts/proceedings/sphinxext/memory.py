"""Python's cycle collector, told which of a Sphinx build's objects live long.

A full collection visits every object alive. Sphinx keeps each page's doctree in memory from reading
it until writing it, so in a cold build the heap grows with the pages, and each full collection
visits all of them while finding little to free: at 1,000 papers, 17 full collections took a quarter
of Sphinx's time. So, for the length of one build:

- what is alive when the build starts (the modules, the configuration) and the environment Sphinx
  loads from the last build are moved out of the collector's sight (:func:`gc.freeze`);
- no full collection runs while the pages are read, and the young generations are collected after
  :data:`_READING_YOUNG` allocations rather than 700, which frees each page's parse (MyST's Markdown
  parser and token tree, cycles) while it is young;
- once they are read, the young generations are collected, and the environment and the doctrees
  are moved out of sight too, before the usual thresholds return for the writing;
- when the build ends, everything is handed back (:func:`gc.unfreeze`) and the thresholds are the
  process's own again, so a process that builds again (the tests do) collects as before.

At 1,000 papers, 360,000 objects of the pages' parses reached the oldest generation with the usual
thresholds; the one full collection after reading that freed them took 1.8 s. Now about a thousand
do, which are left until the end. The cost is memory: the doctrees written are freed only at the
end (Jupyter Book's run for 1,000 papers peaks at 466 MB; 552 MB with the full collection, 455 MB
with none of this).
"""

from __future__ import annotations

import gc

from sphinx.application import Sphinx
from sphinx.config import Config

# gc's threshold for full collections counts collections of the middle generation: never reached.
_NEVER = 2**30
# Allocations between young collections while pages are read (Python's default is 700). MyST leaves
# each page's Markdown parser and token tree as garbage cycles once the page is read; collected
# every 700 allocations, they lived through two young collections while the page was parsed and
# reached the oldest generation, 360,000 objects at 1,000 papers that only a full collection frees.
# This many allocations cover a page's parse, and the young collections free its trees.
_READING_YOUNG = 100_000


def _before_loading(app: Sphinx, config: Config) -> None:
    thresholds = gc.get_threshold()
    app.__dict__["proceedings_gc_thresholds"] = thresholds
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], _NEVER)


def _before_reading(app: Sphinx, env, docnames: list[str]) -> None:
    gc.freeze()
    gc.set_threshold(_READING_YOUNG, _thresholds(app)[1], _NEVER)


def _after_reading(app: Sphinx, env) -> None:
    gc.collect(1)
    gc.freeze()
    gc.set_threshold(*_thresholds(app))


def _after_building(app: Sphinx, exception: Exception | None) -> None:
    gc.unfreeze()
    gc.set_threshold(*_thresholds(app))


def _thresholds(app: Sphinx) -> tuple[int, int, int]:
    return app.__dict__.get("proceedings_gc_thresholds", gc.get_threshold())


def setup(app: Sphinx) -> None:
    """Connect the collector's settings to the build's phases (not a Sphinx extension of its own)."""
    # Before the other extensions' handlers and before Sphinx loads the saved environment.
    app.connect("config-inited", _before_loading, priority=0)
    app.connect("env-before-read-docs", _before_reading, priority=0)
    app.connect("env-updated", _after_reading, priority=999)
    app.connect("build-finished", _after_building, priority=999)
