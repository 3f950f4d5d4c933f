"""Which release of another package is installed, for code that repeats that package's internals
as one release has them (``sphinxext``'s reading of MyST's tokens and links, its view of a page
for sphinx-design): with any other release, the package's own code runs."""

from __future__ import annotations

import functools

from .software import installed_version


@functools.cache
def is_release(distribution: str, release: str) -> bool:
    """Whether the installed ``distribution``'s version starts with ``release`` (``"3.0."``); false
    when it is not installed."""
    return (installed_version(distribution) or "").startswith(release)
