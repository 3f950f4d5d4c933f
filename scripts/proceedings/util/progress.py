"""Showing how a build goes: the time of each stage, and progress bars for the long loops."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Timings:
    """Seconds spent in each stage of a build, for progress and the benchmark."""

    stages: dict[str, float] = field(default_factory=dict)
    """Seconds by stage name, in the order the stages ended, each without the stages run within it
    (in the same thread; stages in other threads overlap it)."""
    echo: bool = False
    """Whether to print a line as each stage ends (the command does; the benchmark does not)."""
    _threads: threading.local = field(default_factory=threading.local)
    """Per thread, the seconds spent so far in stages within each running stage, innermost last."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Record the time the ``with`` block takes under ``name``."""
        running = self._threads.__dict__.setdefault("running", [])
        start = time.perf_counter()
        running.append(0.0)
        try:
            yield
        finally:
            total = time.perf_counter() - start
            seconds = total - running.pop()
            if running:
                running[-1] += total
            self.stages[name] = self.stages.get(name, 0.0) + seconds
            if self.echo:
                # One write with its line's end: stages end in several threads, and print's two writes
                # (the text, then the end) let another thread's line in between (a trial saw two joined).
                print(f"  {name:<15} {seconds:6.1f} s\n", end="", flush=True)


def progress(items: Iterable[T], total: int, description: str) -> Iterator[T]:
    """``items``, with a progress bar on a terminal when there are enough of them to wait for."""
    # Imported here: tqdm imports importlib.metadata, and most builds (an edit's) show no bar.
    from tqdm import tqdm

    return iter(tqdm(items, total=total, desc=f"  {description}", unit="", leave=False, file=sys.stderr,
                     disable=None if total >= 50 else True, dynamic_ncols=True))
