"""The priority of the work done beside Sphinx: the processes that make files beside the pages, and
the search index of the pages it has written."""

from __future__ import annotations

import os
import sys
import threading

BACKGROUND_NICENESS = 10
"""How much lower than the build's: Sphinx, on the build's longest path, keeps a whole core when
the previews and the volume PDF compete with it for two."""
LAST_NICENESS = 19
"""The lowest priority, for the zip and the snapshot of the site: they wait for the search index
at their end anyway, and the index of the pages Sphinx wrote last, started below the build's
priority while Sphinx ran, is the build's longest path once it has ended. At the same priority as
the zip and the snapshot it had half the two cores (an edited abstract's shard at 1,000 papers:
1.0-1.3 s, 0.5-0.9 s alone)."""


def lower_priority() -> None:
    """Lower this process's priority by :data:`BACKGROUND_NICENESS` (a worker's initializer)."""
    os.nice(BACKGROUND_NICENESS)


def lower_thread_priority(niceness: int = BACKGROUND_NICENESS) -> None:
    """Lower the calling thread's priority, and so that of the programs it starts, by ``niceness``
    (at most to the lowest). Only on Linux, where a priority is a thread's own: elsewhere it is
    the whole process's, the build's included, and is left alone."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + niceness))
