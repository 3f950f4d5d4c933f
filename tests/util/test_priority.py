"""The priority of the work done beside Sphinx."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from proceedings.util.priority import BACKGROUND_NICENESS, lower_thread_priority


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own priority is Linux's")
def test_a_lowered_thread_starts_programs_below_the_build_and_leaves_the_build_alone():
    build = os.getpriority(os.PRIO_PROCESS, 0)
    seen = {}

    def lowered() -> None:
        lower_thread_priority()
        program = [sys.executable, "-c", "import os; print(os.getpriority(os.PRIO_PROCESS, 0))"]
        seen["program"] = int(subprocess.run(program, capture_output=True, text=True, check=True).stdout)

    thread = threading.Thread(target=lowered)
    thread.start()
    thread.join()
    assert seen["program"] == min(19, build + BACKGROUND_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, 0) == build
    assert int(subprocess.run([sys.executable, "-c", "import os; print(os.nice(0))"], capture_output=True,
                              text=True, check=True).stdout) == build
