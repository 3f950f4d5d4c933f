"""What every output is also made from: the package's code, Python and the installed distributions."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable, Iterator
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
    installed = {name for _, name in _metadata_folders()}
    digest.update("\0".join(sorted(installed)).encode())
    return digest.hexdigest()


def _metadata_folders() -> Iterator[tuple[str, str]]:
    """Each installed distribution's metadata folder (``name-version.dist-info``, or ``.egg-info``),
    as the folder of ``sys.path`` that holds it and its name, in the path's order."""
    for folder in sys.path:
        with suppress(OSError):
            for name in os.listdir(folder or "."):
                if name.endswith((".dist-info", ".egg-info")):
                    yield folder or ".", name


def installed_version(distribution: str) -> str | None:
    """:func:`installed_versions` of one distribution."""
    return installed_versions([distribution])[distribution]


def installed_versions(distributions: Iterable[str]) -> dict[str, str | None]:
    """The version of each of ``distributions`` that imports find first, as the name of its
    ``.dist-info`` folder gives it (None: not installed). importlib.metadata reads it from the
    metadata file in that folder; importing it, then reading the forty-odd files a build asks for,
    took 0.15 s of every build. A distribution installed otherwise (an ``.egg-info``) is asked of
    importlib.metadata."""
    folders = _dist_infos()
    found = {name: folder[1] if (folder := folders.get(_normalized(name))) else None for name in distributions}
    missing = [name for name, version in found.items() if version is None]
    installed_otherwise = _egg_infos() if missing else set()  # the path listed once, not once a name
    if eggs := [name for name in missing if _normalized(name) in installed_otherwise]:
        from importlib import metadata

        found |= {name: metadata.version(name) for name in eggs}
    return found


def requirements(distribution: str) -> list[str]:
    """What the installed ``distribution`` requires (its ``Requires-Dist`` lines), as
    :func:`installed_version` finds it."""
    found = _dist_infos().get(_normalized(distribution))
    if found is None:
        from importlib import metadata

        return metadata.requires(distribution) or []
    text = Path(found[0], "METADATA").read_text("utf-8", errors="replace")
    return [line.partition(":")[2].strip() for line in text.partition("\n\n")[0].splitlines()
            if line.startswith("Requires-Dist:")]


def _dist_infos() -> dict[str, tuple[str, str]]:
    """Each distribution's ``.dist-info`` folder that imports find first, and its version, by the
    distribution's :func:`_normalized` name."""
    found: dict[str, tuple[str, str]] = {}
    for folder, name in _metadata_folders():
        project, _, version = name.removesuffix(".dist-info").partition("-")
        if name.endswith(".dist-info") and version:
            found.setdefault(_normalized(project), (os.path.join(folder, name), version))
    return found


def _egg_infos() -> set[str]:
    """The :func:`_normalized` names of the distributions installed with an ``.egg-info``."""
    return {_normalized(name.removesuffix(".egg-info").partition("-")[0])
            for _, name in _metadata_folders() if name.endswith(".egg-info")}


def _normalized(name: str) -> str:
    """A distribution's name as PEP 503 compares names: ``Sphinx_Design`` is ``sphinx-design``."""
    return re.sub(r"[-_.]+", "-", name).lower()
