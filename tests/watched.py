"""``proceedings serve`` run as an organizer runs it, for the tests of watching a project."""

from __future__ import annotations

import gzip
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from proceedings.site.serve import SITE_VERSION


def get(address: str, gzipped: bool = False) -> tuple[int, bytes]:
    """The status and the (uncompressed) body of a GET of ``address``."""
    request = urllib.request.Request(address, headers={"Accept-Encoding": "gzip"} if gzipped else {})
    try:
        with urllib.request.urlopen(request) as response:
            body = response.read()
            return response.status, gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Served:
    """``proceedings serve`` running on a project, as an organizer starts it in a terminal."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen([sys.executable, "-m", "proceedings", "serve", str(root), "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(self.process.stdout or ()), daemon=True).start()
        self.address = re.search(r"at (http://127\.0\.0\.1:\d+)/", self.wait_for("Serving ")).group(1)

    def wait_for(self, text: str, count: int = 1, timeout: float = 120) -> str:
        """The ``count``-th line of the output holding ``text``, once it is there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if text in line]
            if len(found) >= count:
                return found[count - 1]
            assert self.process.poll() is None, "".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} (x{count}) in:\n{''.join(self.lines)}")

    def site(self) -> bytes:
        return get(f"{self.address}{SITE_VERSION}")[1]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


WATCHING = "Watching papers/, book/ and the settings"


@contextmanager
def serving(root: Path) -> Iterator[Served]:
    """``proceedings serve`` on ``root`` (any free port) while the block runs; killed if still running after it."""
    served = Served(root)
    try:
        yield served
    finally:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait()
