"""Building again as the organizer edits (``proceedings serve``): the files a build reads are looked
at a few times a second, and once they have changed and stayed the same for a moment since they were
last written (an editor saving in steps, a sync client still copying a PDF in), the project is built
again in the same process, whose imports and Jupyter Book's fork server are ready: no interpreter to
start, nothing to import."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from ..model.locations import GENERATED_DIRS, Project
from ..records.diagnostics import printable_name
from ..util.files import EDITOR_FILES, changed_names, file_names, file_signatures, signature_if_file
from .stamp import root_files

LOOK_SECONDS = 0.25
"""How often the files are looked at, and how long they must stay the same before a build."""
CONFIRM_SECONDS = 0.05
"""The least a change is looked at again before it is built: a file whose time says it was written
long ago (copied with its times kept, or renamed into place whole) is built once it is seen twice."""
NAMED_CHANGES = 3
"""How many changed files the line announcing a build names; the rest are counted."""


def watched_files(project: Project) -> dict[str, list[int]]:
    """The files an organizer edits that a build reads, by path in the project, with their size and
    time: ``papers/``, the hand-written pages of ``book/`` (not its generated folders, which the
    build writes), and the settings, the table of contents and the files the settings name
    (:func:`~.stamp.root_files`), but :data:`EDITOR_FILES`.
    At 1,000 papers, a thousand ``stat`` calls."""
    found = {f"papers/{name}": signature for name, signature in file_signatures(project.papers).items()}
    for entry in _entries(project.book):
        if entry.is_dir() and entry.name not in GENERATED_DIRS:
            found |= {f"book/{entry.name}/{name}": signature
                      for name, signature in file_signatures(project.book / entry.name).items()}
        elif (signature := signature_if_file(project.book / entry.name)) is not None:
            found[f"book/{entry.name}"] = signature
    for name in root_files(project):
        if (signature := signature_if_file(project.root / name)) is not None:
            found[name] = signature
    return {path: signature for path, signature in found.items() if not EDITOR_FILES.search(path)}


def _entries(folder: Path) -> list[os.DirEntry]:
    """What ``folder`` holds (nothing when it is not there)."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return list(entries)


def watch(project: Project, build: Callable[[], object], look: float = LOOK_SECONDS) -> None:
    """Call ``build()``, then again each time the watched files change and settle, or the published
    site goes (``rm -rf _build``), until interrupted (Ctrl-C) while waiting; an interruption during a
    build is raised. A change made while a build runs is built next: the files are compared with how
    they were when that build began."""
    while True:
        before = watched_files(project)
        build()
        try:
            changed = _settled_change(project, {**before, **_published(project)}, look)
        except KeyboardInterrupt:
            return
        print(f"{_listed(changed)} changed: building again.", flush=True)


def _published(project: Project) -> dict[str, list[int]]:
    """Whether a site is published, as a watched file; when none is, with how many files the build's
    folder still holds. A ``rm -rf _build`` takes seconds at 1,000 papers: a build begun once the
    site had gone failed on a cache file removed under it, and nothing was built once the removal
    ended (a trial's finding). Counted, the removal is a change that settles once it has ended, and
    the build waits for it (the count walks the folder: 0.03 s a look at 1,000 papers, only while
    no site is published)."""
    if project.html.is_dir():
        return {"_build/html": []}
    return {"_build/html": [len(file_names(project.build))]}


def _state(project: Project) -> dict[str, list[int]]:
    return {**watched_files(project), **_published(project)}


def _settled_change(project: Project, seen: dict[str, list[int]], look: float) -> list[str]:
    """Wait until the watched files (and whether a site is published) differ from ``seen`` and then
    stay the same for ``look`` seconds; the files changed. A change undone before it settled (a
    file saved and changed back, an editor's temporary file) is waited past."""
    while True:
        current = _state(project)
        while current == seen:
            time.sleep(look)
            current = _state(project)
        while (again := _after(_left_to_settle(seen, current, look), project)) != current:
            current = again
        if changed := changed_names(seen, current):
            return changed


def _left_to_settle(seen: dict[str, list[int]], current: dict[str, list[int]], look: float) -> float:
    """How much longer the files changed from ``seen`` to ``current`` must stay the same to have done
    so for ``look`` seconds since the last of them was written, as their times say: a change is seen
    up to ``look`` after it is made, and a whole ``look`` counted from then made an edit wait 0.125 s
    more on average. A file gone, the published site gone, or a time to come (a clock elsewhere) have
    no such time: the whole ``look``."""
    changed = changed_names(seen, current)
    times = [current[name][1] for name in changed if len(current.get(name) or ()) == 2]
    if not changed or len(times) < len(changed):
        return look
    since = time.time() - max(times) / 1e9
    return min(look, max(CONFIRM_SECONDS, look - since))


def _after(seconds: float, project: Project) -> dict[str, list[int]]:
    time.sleep(seconds)
    return _state(project)


def _listed(paths: list[str]) -> str:
    """``paths`` named, the first :data:`NAMED_CHANGES` of them, the rest counted."""
    named = ", ".join(map(printable_name, paths[:NAMED_CHANGES]))
    return f"{named} and {len(paths) - NAMED_CHANGES} more file(s)" if len(paths) > NAMED_CHANGES else named
