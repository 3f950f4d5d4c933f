"""The previews and the volume PDF run below the build's priority."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from proceedings.util.priority import BACKGROUND_NICENESS, lower_priority


def _niceness() -> int:
    return os.nice(0)


def test_a_worker_started_with_lower_priority_runs_below_the_build():
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=lower_priority) as pool:
        assert pool.submit(_niceness).result() == min(os.nice(0) + BACKGROUND_NICENESS, 19)
