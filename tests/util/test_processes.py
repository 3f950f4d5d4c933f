"""Children started deaf to SIGINT, and a command whose Ctrl-C ends them."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from pathlib import Path

import pytest

from proceedings import cli
from proceedings.__main__ import main as command_main
from proceedings.util.processes import deaf_children, interrupted_by, interrupts_end_children, worker_context

from conftest import running

_FORK = multiprocessing.get_context("fork")
_SPAWN = multiprocessing.get_context("spawn")


def _blocked_signals(pid: int) -> int:
    """The process's mask of blocked signals, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigBlk:")), 16)


def _sigint_blocked(pid: int) -> bool:
    return bool(_blocked_signals(pid) & (1 << (signal.SIGINT - 1)))


@pytest.mark.parametrize("context", [_FORK, _SPAWN], ids=["fork", "spawn"])
def test_children_started_inside_do_not_hear_sigint_and_others_do(context):
    with deaf_children():
        deaf = context.Process(target=time.sleep, args=(30,))
        deaf.start()
    hearing = context.Process(target=time.sleep, args=(30,))
    hearing.start()
    try:
        time.sleep(0.5)  # a spawned child has started its interpreter
        assert _sigint_blocked(deaf.pid)
        assert not _sigint_blocked(hearing.pid)
        assert not signal.pthread_sigmask(signal.SIG_BLOCK, set())  # this thread hears it again
    finally:
        for child in (deaf, hearing):
            child.terminate()
            child.join()


def test_an_interrupt_ends_the_children_then_raises():
    with interrupts_end_children():
        with deaf_children():
            child = _FORK.Process(target=time.sleep, args=(30,))
            child.start()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
            time.sleep(5)  # the handler runs at once; this is not reached
        child.join(5)
        assert child.exitcode == -signal.SIGTERM
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_interrupt_while_the_main_thread_starts_children_is_handled_once_they_started():
    """The main thread blocks SIGINT while it starts children, but the signal then reaches another
    thread, and Python runs the handler in the main thread all the same: between a child's start and
    the data it needs to start, without the deferral."""
    hearing = threading.Thread(target=time.sleep, args=(3,))  # started before the block: SIGINT unblocked
    hearing.start()
    started = False
    with interrupts_end_children():
        with pytest.raises(KeyboardInterrupt):
            with deaf_children():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.3)  # the handler runs here, in the main thread
                child = _SPAWN.Process(target=time.sleep, args=(30,))
                child.start()
                started = True
        assert started
        child.join(10)
        assert child.exitcode == -signal.SIGTERM
    hearing.join()


class _Referent:
    pass


def test_an_interrupt_python_would_drop_comes_again():
    """Python runs a signal's handler inside a weak reference's callback too (importlib's module locks
    have one), where what it raises is printed and dropped; other errors there are still reported."""
    reported: list[type] = []
    sys.unraisablehook, hook = (lambda unraisable: reported.append(unraisable.exc_type)), sys.unraisablehook
    try:
        with interrupts_end_children():
            referent = _Referent()
            reference = weakref.ref(referent, lambda _: signal.getsignal(signal.SIGINT)(signal.SIGINT, None))
            with pytest.raises(KeyboardInterrupt):
                del referent  # the callback's KeyboardInterrupt is dropped; the second one is raised here
                time.sleep(5)
            other = _Referent()
            also = weakref.ref(other, lambda _: _raise(ValueError("reported")))
            del other
        assert reported == [ValueError]
        assert reference() is None and also() is None
    finally:
        sys.unraisablehook = hook


def test_an_interrupt_python_dropped_as_the_block_ends_is_raised_there_not_after(monkeypatch):
    """Sent again after the block, it met Python's own handler: a traceback where the command had
    handled everything (a review)."""
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)
    with pytest.raises(KeyboardInterrupt):
        with interrupts_end_children():
            referent = _Referent()
            reference = weakref.ref(referent, lambda _: signal.getsignal(signal.SIGINT)(signal.SIGINT, None))
            del referent
    assert reference() is None and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    time.sleep(0.1)  # nothing comes after the block


def _raise(error: Exception) -> None:
    raise error


def test_once_the_children_are_ended_a_broken_pools_invalid_state_error_is_not_reported(monkeypatch):
    """CPython 3.11's process pool, its workers ended, sets an exception on the tasks an interrupted
    map had cancelled, and its thread stops with InvalidStateError; other errors are still reported."""
    reported: list[type] = []

    def recorder(args: threading.ExceptHookArgs) -> None:
        reported.append(args.exc_type)
    monkeypatch.setattr(threading, "excepthook", recorder)
    with interrupts_end_children():
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
            time.sleep(5)
        for error in (InvalidStateError("CANCELLED"), ValueError("reported")):
            thread = threading.Thread(target=_raise, args=(error,))
            thread.start()
            thread.join()
    assert reported == [ValueError]
    assert threading.excepthook is recorder


def test_where_sigint_is_ignored_it_stays_ignored():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupts_end_children():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def test_a_handler_the_block_sets_stays_and_the_excepthook_is_handed_back_all_the_same():
    hook = threading.excepthook
    try:
        with interrupts_end_children():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # as the command does once it has finished
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert threading.excepthook is hook
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def test_an_error_python_raised_because_of_an_interruption_counts_as_one():
    class Interrupting:
        def __set_name__(self, owner, name):
            raise KeyboardInterrupt  # Ctrl-C as a class is made while a module loads

    try:
        type("Loaded", (), {"attribute": Interrupting()})
    except BaseException as error:  # Python 3.11: a RuntimeError caused by it; 3.12 on: itself
        raised = error
    assert interrupted_by(raised)
    assert not interrupted_by(RuntimeError("a bug"))
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ValueError("a bug while an interruption was handled")  # noqa: B904
    except ValueError as error:
        assert not interrupted_by(error)
    cyclic = RuntimeError("a cycle")
    cyclic.__cause__ = cyclic
    assert not interrupted_by(cyclic)


def test_a_command_that_fails_is_not_taken_for_an_interrupted_one(monkeypatch):
    def failing() -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "main", failing)
    with pytest.raises(RuntimeError, match="a bug"):
        command_main()


_HELD = threading.Lock()


def _pid_once_free() -> int:
    with _HELD:
        return os.getpid()


def test_workers_started_while_another_thread_holds_a_lock_do_not_inherit_it(monkeypatch):
    """Forked while another thread held a lock (``serve``'s preview threads, writing a response),
    a worker that needed it waited for ever: while other threads run, workers come from the fork
    server, whose copy of the lock nobody holds; alone, the command forks itself (nothing to import
    again)."""
    with monkeypatch.context() as alone:
        alone.setattr(threading, "active_count", lambda: 1)
        assert worker_context().get_start_method() == "fork"
    release = threading.Event()
    holder = threading.Thread(target=lambda: _HELD.acquire() and release.wait(60) and _HELD.release())
    holder.start()
    try:
        while not _HELD.locked():
            time.sleep(0.01)
        context = worker_context()
        assert context.get_start_method() == "forkserver"
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            assert pool.submit(_pid_once_free).result(timeout=60) != os.getpid()
        with ProcessPoolExecutor(max_workers=1, mp_context=_FORK) as pool:
            forked = pool.submit(_pid_once_free)
            time.sleep(1)
            assert not forked.done(), "a forked worker waits for the lock its copy says is held"
            release.set()
            holder.join()
            for process in pool._processes.values():  # its lock is never released: ended
                process.kill()
    finally:
        release.set()
        holder.join()


KILLED_ALONE = """\
import multiprocessing, os, sys, time
from proceedings.util.processes import worker_pool
if __name__ == "__main__":
    pool = worker_pool(2, multiprocessing.get_context(sys.argv[1]))
    for started in [pool.submit(time.sleep, 0.2) for _ in range(2)]:  # both workers started
        started.result()
    pids = sorted(process.pid for process in multiprocessing.active_children())
    pool.submit(time.sleep, 600)  # one busy, the other waiting for work: either way, for ever
    print(" ".join(map(str, pids)), flush=True)
    time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="the workers are looked for in /proc")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_pool_s_workers_end_when_the_command_is_killed_alone(tmp_path, method):
    """Killed alone (SIGKILL, as the out-of-memory killer does), the command can end nothing: its
    workers, waiting for work, lived on for ever and held its output open."""
    import subprocess
    import sys

    (tmp_path / "killed.py").write_text(KILLED_ALONE)
    command = subprocess.Popen([sys.executable, str(tmp_path / "killed.py"), method], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in command.stdout.readline().split()]
    assert len(workers) == 2 and all(running(pid) for pid in workers)
    command.kill()
    command.wait()
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in workers)
    assert command.stdout.read() == ""  # the output is let go: every holder has ended
