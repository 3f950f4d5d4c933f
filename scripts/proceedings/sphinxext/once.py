"""What Sphinx 7 makes again for every page although, within a build, it is the same for all of
them: the checksum of each stylesheet and script a page links (``?v=...``: the file read and hashed,
about fifteen per page) and a Pygments formatter per code block (its stylesheet made anew each
time); together a twentieth of writing 1,000 paper pages. Each is made once per build instead.

Both are the same within a build: Sphinx copies the static files before it writes the first page,
and a formatter holds only its options. The originals are put back when the build ends, so that no
other build in the process sees this one's checksums."""

from __future__ import annotations

import functools
from typing import Any

import sphinx.builders.html
from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    """Make each once, for every build of ``app``."""
    app.connect("builder-inited", _once_per_build)
    app.connect("build-finished", _as_sphinx_makes_them)


_ORIGINAL_CHECKSUM = getattr(sphinx.builders.html, "_file_checksum", None)


def _once_per_build(app: Sphinx) -> None:
    if _ORIGINAL_CHECKSUM is not None:
        sphinx.builders.html._file_checksum = functools.cache(_ORIGINAL_CHECKSUM)  # type: ignore[assignment]
    for bridge in (getattr(app.builder, "highlighter", None), getattr(app.builder, "dark_highlighter", None)):
        if bridge is not None and callable(getattr(bridge, "get_formatter", None)):
            bridge.get_formatter = _made_once(bridge.get_formatter)


def _as_sphinx_makes_them(app: Sphinx, exception: Exception | None) -> None:
    if _ORIGINAL_CHECKSUM is not None:
        sphinx.builders.html._file_checksum = _ORIGINAL_CHECKSUM


def _made_once(get_formatter):
    """``get_formatter``, which makes one formatter per call, keeping the one made for each set of
    options (options that cannot be a key, such as a list of lines to highlight, get a new one)."""
    made: dict[tuple, Any] = {}

    @functools.wraps(get_formatter)
    def formatter(**options: Any) -> Any:
        key = tuple(sorted(options.items()))
        try:
            hash(key)
        except TypeError:
            return get_formatter(**options)
        if key not in made:
            made[key] = get_formatter(**options)
        return made[key]
    return formatter
