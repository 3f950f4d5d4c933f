"""Child processes and Ctrl-C.

A terminal's Ctrl-C sends SIGINT to every process of the command, its children too, and each Python
child stopped with a traceback of its own (mid-import, mid-task) mixed into the command's message.
So the children start with SIGINT blocked, a signal mask that fork and exec both keep (CPython's
resource tracker starts the same way), and the command, interrupted, ends them itself.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import resource_tracker


@contextmanager
def deaf_children() -> Iterator[None]:
    """Processes that this thread starts inside the block (pool workers, the fork server) do not
    hear SIGINT; the command ends them when it is interrupted (:func:`interrupts_end_children`)."""
    # Starting the resource tracker unblocks SIGINT in the thread that starts it, so it starts first.
    resource_tracker.ensure_running()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@contextmanager
def interrupts_end_children() -> Iterator[None]:
    """Inside the block (in the main thread), SIGINT first ends this process's children, then raises
    KeyboardInterrupt as Python's own handler does. Nothing changes where SIGINT is not Python's to
    handle (a shell's background job ignores it)."""
    ours = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if ours:
        signal.signal(signal.SIGINT, _end_children)
    try:
        yield
    finally:
        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def _end_children(signum: int, frame: object) -> None:
    for child in multiprocessing.active_children():
        child.terminate()
    raise KeyboardInterrupt
