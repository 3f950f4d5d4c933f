"""Stage timings: each stage's own time, without the stages run within it."""

from __future__ import annotations

import io
import sys

from proceedings.util import progress
from proceedings.util.progress import Timings


def test_timings_are_exclusive_of_nested_stages(monkeypatch):
    clock = iter([0.0, 1.0, 4.0, 4.5, 10.0, 12.0])  # outer starts, inner 1-4, outer ends at 4.5; again
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    timings = Timings()
    with timings.stage("outer"), timings.stage("inner"):
        pass
    with timings.stage("inner"):
        pass
    assert timings.stages == {"inner": 3.0 + 2.0, "outer": 1.5}


def test_progress_passes_items_through():
    assert list(progress.progress(iter(range(100)), 100, "items")) == list(range(100))


def test_a_stage_says_its_line_in_one_write(monkeypatch):
    # Stages end in several threads: print's two writes (the text, then the line's end) let another
    # thread's line in between, and a trial saw "volume PDF 0.0 s7 file(s) beside the pages updated."
    writes: list[str] = []

    class Recorder(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)
    monkeypatch.setattr(sys, "stdout", Recorder())
    with Timings(echo=True).stage("volume PDF"):
        pass
    assert [text for text in writes if text] == ["  volume PDF         0.0 s\n"]
