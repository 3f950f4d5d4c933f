"""Which release of another package is installed, for code that repeats that package's internals
as one release has them (``sphinxext``'s reading of MyST's tokens and links, its view of a page
for sphinx-design): with any other release, the package's own code runs."""

from __future__ import annotations

import functools
from importlib import metadata


@functools.cache
def is_release(distribution: str, release: str) -> bool:
    """Whether the installed ``distribution``'s version starts with ``release`` (``"3.0."``); false
    when it is not installed."""
    try:
        return metadata.version(distribution).startswith(release)
    except metadata.PackageNotFoundError:
        return False
