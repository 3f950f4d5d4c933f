"""The priority of the processes that make files beside the pages while Sphinx runs."""

from __future__ import annotations

import os

BACKGROUND_NICENESS = 10
"""How much lower than the build's: Sphinx, on the build's longest path, keeps a whole core when
the previews and the volume PDF compete with it for two."""


def lower_priority() -> None:
    """Lower this process's priority by :data:`BACKGROUND_NICENESS` (a worker's initializer)."""
    os.nice(BACKGROUND_NICENESS)
