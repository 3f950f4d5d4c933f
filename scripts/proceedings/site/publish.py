"""Publishing the built site: as an immutable snapshot that ``_build/html`` switches to atomically,
and to a branch of the project's git repository for GitHub Pages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Collection
from pathlib import Path

from ..model.locations import Project
from ..util.files import file_signatures, remove_tree, replacing, signatures_among, without
from ..util.git import git_output
from .errors import PublishError


def publish(built: Path, sites: Path, link: Path, late: tuple[str, ...] = (),
            ready: Callable[[], object] = lambda: None, whole: Collection[str] = (),
            listed: Callable[[], dict[str, list[int]]] | None = None) -> Path:
    """Publish ``built`` as a new snapshot under ``sites`` and switch ``link`` to it atomically.

    Until the switch, ``link`` keeps pointing to the previous snapshot, which is never modified, so a
    build killed at any moment leaves the previous site complete; it stays until the next build
    that changes something starts Jupyter Book (:func:`remove_old_snapshots`).
    Unchanged files are hard links to the previous snapshot's (snapshots are immutable); the rest are
    copies, since the next build rewrites Sphinx's files in ``built`` in place, except those
    ``whole`` names (files, and folders ending with a slash): files that are only ever replaced
    whole, by a new file renamed into place, are hard links to ``built``'s (copying the 200 MB of
    PDFs, previews, search index and zip of a 1,000-paper site took seconds). Nothing is done when
    the published site already holds exactly the built files.

    ``late`` names files and folders (ending with a slash) of ``built`` that other threads are still
    making (the search index, the volume PDF, the site's zip): the other files are staged meanwhile, and those once
    ``ready()`` returns. ``listed()`` gives the other files (by default, walked now).
    """
    previous = link.resolve() if link.is_symlink() else None
    files = listed() if listed else without(file_signatures(built), late)
    published = file_signatures(previous) if previous else {}
    waited = previous is not None and files == without(published, late)
    if waited:  # only the late files can have changed: nothing is published if they did not
        ready()
        if previous and files | signatures_among(built, late) == published:
            return previous  # already published as it is
    sites.mkdir(parents=True, exist_ok=True)
    if link.is_dir() and not link.is_symlink():  # a site published before snapshots existed
        previous = link.rename(sites / "site-0")
        published = file_signatures(previous)
    snapshot = sites / f"site-{time.time_ns()}"
    staging = sites / f".{snapshot.name}.tmp"
    staging.mkdir()
    try:
        _stage(files, built, staging, previous, published, whole)
        if not waited:
            ready()
        _stage(signatures_among(built, late), built, staging, previous, published, whole)
    except BaseException:  # the search index or the zip failed: nothing is published
        remove_tree(staging)
        raise
    staging.rename(snapshot)
    with replacing(link) as switch:
        switch.symlink_to(os.path.relpath(snapshot, link.parent))
    return snapshot


def remove_old_snapshots(sites: Path, link: Path) -> None:
    """Remove the snapshots under ``sites`` but the one ``link`` points to, and the folders of
    stagings stopped half-way. Called as a build starts Jupyter Book, beside it: the
    snapshot before the current one stays until then, so that whatever resolved the link before the
    last switch (`proceedings publish` committing it, a copy, a reader's server) can finish reading
    it; removing ten thousand files at the switch made the build's last step longer."""
    current = link.resolve() if link.is_symlink() else None
    if sites.is_dir():
        for old in sites.iterdir():
            if old.resolve() != current:  # both resolved: a folder above may be a link (_build on another disk)
                remove_tree(old)


def _stage(files: dict[str, list[int]], built: Path, staging: Path, previous: Path | None,
           published: dict[str, list[int]], whole: Collection[str]) -> None:
    """Put ``files`` of ``built`` into ``staging``: a hard link to the previous snapshot's copy of an
    unchanged file, or to ``built``'s of one replaced only ``whole``, a copy of the others."""
    names = {name for name in whole if not name.endswith("/")}
    folders = tuple(name for name in whole if name.endswith("/"))
    # Plain strings, and each folder made once: every build stages the whole site, 10,000 files at
    # 1,000 papers, and pathlib took half the time.
    made: set[str] = set()
    for name, signature in files.items():
        folder = name.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(staging, folder), exist_ok=True)
            made.add(folder)
        target = os.path.join(staging, name)
        if previous and published.get(name) == signature:
            os.link(os.path.join(previous, name), target)
        elif name in names or name.startswith(folders):
            os.link(os.path.join(built, name), target)
        else:
            shutil.copy2(os.path.join(built, name), target)


def push_to_branch(project: Project, remote: str, branch: str) -> str:
    """Commit the published site to ``branch`` of the project's git repository (ghp-import) and push
    it to ``remote``; what was done, in words. An unchanged site adds no commit. Raises
    :class:`PublishError` with a sentence saying what to do when the repository is not ready."""
    if not git_output(project.root, "rev-parse", "--is-inside-work-tree"):
        raise PublishError(f"{project.root} is not a git repository: run `git init` there and "
                           f"`git remote add {remote} URL` (your repository on GitHub), then publish again")
    if not git_output(project.root, "remote", "get-url", remote):
        raise PublishError(f"the repository has no remote named {remote!r}: add it with `git remote add {remote} URL`, "
                           "or name another with --remote")
    before = git_output(project.root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
    imported = subprocess.run([sys.executable, "-c", "from ghp_import import main; main()", "--no-jekyll", "--remote", remote,
                               "--branch", branch, "--message", "Publish the proceedings", str(project.html.resolve())],
                              cwd=project.root, capture_output=True, text=True)
    if imported.returncode != 0:
        raise PublishError(f"could not commit the site to {branch}: {_last_line(imported)}")
    after = git_output(project.root, "rev-parse", f"refs/heads/{branch}")
    unchanged = bool(before) and git_output(project.root, "rev-parse", f"{before}^{{tree}}") == git_output(
        project.root, "rev-parse", f"{after}^{{tree}}")
    if unchanged:  # ghp-import commits even when nothing changed; that commit is dropped
        git_output(project.root, "update-ref", f"refs/heads/{branch}", before)
    pushed = subprocess.run(["git", "push", remote, branch], cwd=project.root, capture_output=True, text=True)
    if pushed.returncode != 0:
        raise PublishError(f"`git push {remote} {branch}` failed: {_last_line(pushed)}")
    head = git_output(project.root, "rev-parse", "--short", f"refs/heads/{branch}")
    if unchanged:
        return f"The site is unchanged since it was last published: no new commit ({branch} at {head}, pushed to {remote})."
    return f"Published {project.html} to the {branch} branch of {remote} (commit {head})."


def _last_line(result: subprocess.CompletedProcess) -> str:
    """What a failed command printed that says why: its lines that name an error, else its last."""
    lines = [line.strip() for line in (result.stderr or result.stdout).strip().splitlines() if line.strip()]
    reasons = [line for line in lines if line.lower().startswith(("fatal:", "error:", "remote:"))]
    return " / ".join(reasons or lines[-1:]) or f"exit status {result.returncode}"
