"""Child processes and Ctrl-C.

A terminal's Ctrl-C sends SIGINT to every process of the command, its children too, and each Python
child stopped with a traceback of its own (mid-import, mid-task) mixed into the command's message.
So the children start with SIGINT blocked, a signal mask that fork and exec both keep (CPython's
resource tracker starts the same way), and the command, interrupted, ends them itself.

A command killed alone (by the kernel's out-of-memory killer, ``kill PID`` from another terminal)
cannot end them: its workers waited for work for ever, holding its output open (``| tee`` never
returned) and, through the descriptor a fork inherits, the fork server alive. So each child asks
Linux to end it when the thread that started it ends (:func:`end_with_parent`).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing import forkserver, resource_tracker
from multiprocessing.context import BaseContext

INTERRUPTED = 130
"""The exit status of a command stopped by Ctrl-C, as shells report one."""


class _Interrupts:
    """The command's Ctrl-C: how deep the main thread is in :func:`deaf_children` blocks, whether
    one came meanwhile, and whether one ended the children."""

    depth = 0
    interrupted = False
    ended = False
    dropped = False
    """Whether Python dropped the last one (see :func:`_interrupt_again`)."""
    again: list[threading.Timer] = []
    """The sending of each dropped one again, cancelled when the block ends."""


def worker_context() -> BaseContext:
    """How to start worker processes from here: by forking this process (nothing to import again)
    while it runs one thread; else from the fork server. A fork copies the locks other threads hold
    at that moment (``serve``'s preview threads writing a response, a process pool's manager thread:
    the output's, an allocator's) with no thread left to release them, and a worker that needed
    one would wait for ever."""
    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")


def worker_pool(workers: int, context: BaseContext | None = None,
                then: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started as ``context`` says (by default
    :func:`worker_context`'s), each of which ends when the thread that starts it does
    (:func:`end_with_parent`), then runs ``then()`` (a module's function) before its first task."""
    context = context or worker_context()
    parent = None if context.get_start_method() == "forkserver" else os.getpid()  # the server's children
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=end_with_parent,
                               initargs=(parent, then))


_PR_SET_PDEATHSIG = 1  # prctl(2)'s option: the signal this process gets when its parent thread ends
_fork_server: int | None = None  # in a fork server and what it forks, the server's process id


def starting_fork_server() -> bool:
    """Whether this process is a fork server importing what it preloads: multiprocessing starts one
    as ``python -c "from multiprocessing.forkserver import main; main(...)"``. What a server forks
    has inherited its descriptors and is not one, even when it imports a module that its server did
    not preload (a server that something else started)."""
    return any("multiprocessing.forkserver import main" in argument for argument in sys.orig_argv) \
        and forkserver.get_inherited_fds() is None


def serving_forks() -> None:
    """Mark this process as a fork server: what it forks, asking :func:`end_with_parent` with no
    ``parent``, ends at once if the server has ended before it asked (a review killed a command as
    the server forked a worker: the server, ended with the command, never signalled the worker,
    which waited for work for ever)."""
    global _fork_server
    _fork_server = os.getpid()


def end_with_parent(parent: int | None = None, then: Callable[[], object] | None = None) -> None:
    """Have Linux kill this process (SIGKILL) when the thread that started it ends, and end it at
    once if ``parent`` (its parent's process id; by default the fork server's, in what one forks)
    has ended already; then ``then()``. Elsewhere than on Linux only ``then()``."""
    parent = _fork_server if parent is None else parent
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if parent is not None and os.getppid() != parent:  # it ended before the signal was asked for
            os._exit(1)
    if then is not None:
        then()


@contextmanager
def deaf_children() -> Iterator[None]:
    """Processes that this thread starts inside the block (pool workers, the fork server) do not
    hear SIGINT; the command ends them when it is interrupted (:func:`interrupts_end_children`).
    In the main thread, a Ctrl-C during the block is handled at its end: a child whose start was
    cut short (its start-up data never sent) stopped with a traceback of its own."""
    # Starting the resource tracker unblocks SIGINT in the thread that starts it, so it starts first.
    resource_tracker.ensure_running()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    main = threading.current_thread() is threading.main_thread()
    _Interrupts.depth += main
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _Interrupts.depth -= main
        if main and not _Interrupts.depth and _Interrupts.interrupted:
            _Interrupts.interrupted = False
            _end_children(signal.SIGINT, None)


@contextmanager
def interrupts_end_children() -> Iterator[None]:
    """Inside the block (in the main thread), SIGINT first ends this process's children, then raises
    KeyboardInterrupt as Python's own handler does. Nothing changes where SIGINT is not Python's to
    handle (a shell's background job ignores it)."""
    ours = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    hook, unraisable_hook = threading.excepthook, sys.unraisablehook
    if ours:
        signal.signal(signal.SIGINT, _end_children)
        threading.excepthook = partial(_quiet_once_ended, hook)
        sys.unraisablehook = partial(_interrupt_again, unraisable_hook)
    try:
        yield
    finally:
        if ours:
            try:
                _raise_a_dropped_interrupt()
            finally:
                if signal.getsignal(signal.SIGINT) is _end_children:  # not if the block set its own
                    signal.signal(signal.SIGINT, signal.default_int_handler)
                threading.excepthook, sys.unraisablehook = hook, unraisable_hook
                _Interrupts.ended = False


def _raise_a_dropped_interrupt() -> None:
    """Raise, as the block ends, an interruption Python dropped that has not come again yet: sent
    after the block, it would meet Python's own handler, or none."""
    for timer in _Interrupts.again:
        timer.cancel()
    _Interrupts.again.clear()
    if _Interrupts.dropped:
        _end_children(signal.SIGINT, None)


def _quiet_once_ended(hook: Callable[[threading.ExceptHookArgs], object], args: threading.ExceptHookArgs) -> None:
    # A process pool whose workers were ended sets an exception on each task left, and in CPython 3.11
    # also on those the interrupted map had cancelled: InvalidStateError in the pool's thread.
    if not (_Interrupts.ended and args.exc_type is InvalidStateError):
        hook(args)


def _interrupt_again(hook: Callable[[sys.UnraisableHookArgs], object],
                     unraisable: sys.UnraisableHookArgs) -> None:
    # Python runs a signal's handler between any two bytecodes, inside a weak reference's callback
    # too (importlib's module locks have one), where what it raises is printed and dropped: a CI run's
    # Ctrl-C during the command's imports was, and the build went on to exit 0. So the signal comes
    # again a moment later, once this has returned (sent now, its handler would run here); should
    # that moment fall in such a callback too, it comes again once more.
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _Interrupts.dropped = True
        again = threading.Timer(0.01, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
        again.daemon = True
        _Interrupts.again.append(again)
        again.start()
    else:
        hook(unraisable)


def interrupted_by(error: BaseException) -> bool:
    """Whether ``error`` is an interruption (Ctrl-C), or an error Python raised from one (its cause,
    not an error raised while one was handled): in Python 3.11 an interruption inside a class's
    ``__set_name__`` while a module loads reaches the caller as a RuntimeError (a test's Ctrl-C
    during the command's imports saw it)."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__
    return False


def _end_children(signum: int, frame: object) -> None:
    # The main thread blocking SIGINT does not hold this back: the signal reaches another thread, and
    # Python runs its handler in the main thread all the same.
    _Interrupts.dropped = False
    if _Interrupts.depth:
        _Interrupts.interrupted = True
        return
    _Interrupts.ended = True
    for child in multiprocessing.active_children():
        child.terminate()
    raise KeyboardInterrupt
