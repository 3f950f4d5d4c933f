"""The priority of the work done beside Sphinx: the processes that make files beside the pages, and
the search index of the pages it has written."""

from __future__ import annotations

import os
import sys
import threading

BACKGROUND_NICENESS = 10
"""How much lower than the build's: Sphinx, on the build's longest path, keeps a whole core when
the previews and the volume PDF compete with it for two."""


def lower_priority() -> None:
    """Lower this process's priority by :data:`BACKGROUND_NICENESS` (a worker's initializer)."""
    os.nice(BACKGROUND_NICENESS)


def lower_thread_priority() -> None:
    """Lower the calling thread's priority, and so that of the programs it starts, by
    :data:`BACKGROUND_NICENESS`. Only on Linux, where a priority is a thread's own: elsewhere it is
    the whole process's, the build's included, and is left alone."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICENESS)
