"""Python's cycle collector, told which of a Sphinx build's objects live long.

A full collection visits every object alive. Sphinx keeps each page's doctree in memory from reading
it until writing it, so in a cold build the heap grows with the pages, and each full collection
visits all of them while finding little to free: at 1,000 papers, 17 full collections took a quarter
of Sphinx's time. So, for the length of one build:

- what is alive when the build starts (the modules, the configuration) and the environment Sphinx
  loads from the last build are moved out of the collector's sight (:func:`gc.freeze`);
- no full collection runs while the pages are read (the young generations still do);
- once they are read, one full collection frees what reading left, and the environment and the
  doctrees are moved out of sight too, before the usual thresholds return for the writing;
- when the build ends, everything is handed back (:func:`gc.unfreeze`) and the thresholds are the
  process's own again, so a process that builds again (the tests do) collects as before.

The cost is memory: what reading leaves in the oldest generation waits for the one collection after
it, and the doctrees written are freed only at the end (in Jupyter Book's run for 1,000 papers, a
peak of 564 MB instead of 454 MB).
"""

from __future__ import annotations

import gc

from sphinx.application import Sphinx
from sphinx.config import Config

# gc's threshold for full collections counts collections of the middle generation: never reached.
_NEVER = 2**30


def _before_loading(app: Sphinx, config: Config) -> None:
    thresholds = gc.get_threshold()
    app.__dict__["proceedings_gc_thresholds"] = thresholds
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], _NEVER)


def _before_reading(app: Sphinx, env, docnames: list[str]) -> None:
    gc.freeze()


def _after_reading(app: Sphinx, env) -> None:
    gc.collect()
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
