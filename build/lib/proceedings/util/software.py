"""What every output is also made from: the package's code, Python and the installed distributions."""

from __future__ import annotations

import hashlib
import os
import sys
from contextlib import suppress
from functools import cache
from pathlib import Path


@cache
def software_digest() -> str:
    """A digest of the package's code (all of it), Python's version and every installed
    distribution's, by the names of their metadata folders (``name-version.dist-info``): reading
    each one's metadata took 0.09 s. The names are digested as one sorted set, whatever the order of
    the folders on the path: with ``PYTHONPATH`` naming the package's folder, which the editable
    install also puts on it, later, every page and citation text was made again."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    installed: set[str] = set()
    for folder in sys.path:
        with suppress(OSError):
            installed.update(name for name in os.listdir(folder or ".") if name.endswith((".dist-info", ".egg-info")))
    digest.update("\0".join(sorted(installed)).encode())
    return digest.hexdigest()
