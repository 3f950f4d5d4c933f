"""Publishing the built site: as an immutable snapshot that ``_build/html`` switches to atomically,
and to a branch of the project's git repository for GitHub Pages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Collection
from contextlib import suppress
from pathlib import Path

from ..model.locations import Project
from ..util.files import among, file_signatures, plain_file_signatures, remove_tree, replacing, signatures_among, without
from ..util.git import git_output
from .errors import PublishError


def publish(built: Path, sites: Path, link: Path, late: tuple[str, ...] = (),
            ready: Callable[[], object] = lambda: None, whole: Callable[[], Collection[str]] = tuple,
            listed: Callable[[], dict[str, list[int]]] | None = None,
            written: Callable[[], object] = lambda: None) -> Path:
    """Publish ``built`` as a new snapshot under ``sites`` and switch ``link`` to it atomically.

    Until the switch, ``link`` keeps pointing to the previous snapshot, which is not modified, so a
    build killed at any moment leaves the previous site complete. The new snapshot is made from the
    snapshot before it, which stays until then (see :func:`_recycled_folder`), its files changed into
    ``built``'s: an unchanged file is kept, a file unchanged since the previous snapshot a hard link to
    its copy there, the rest copies, since the next build rewrites Sphinx's files in ``built`` in
    place, except those ``whole()`` names (files, and folders ending with a slash; asked once ``built``
    is written, so that the snapshots are read while the files beside the pages are still being
    made, which took the edit of an abstract 0.5 s at 1,000 papers): files that are only
    ever replaced whole, by a new file renamed into place, are hard links to ``built``'s (copying the
    200 MB of PDFs, previews, search index and zip of a 1,000-paper site took seconds). Nothing is
    done when the published site already holds exactly the built files.

    The snapshots are read first, then ``written()`` waits until ``built`` is written (Sphinx has
    ended). ``late`` names files and folders (ending with a slash) of ``built`` that other threads are
    still making after that (the search index, the volume PDF, the site's zip): the other files are
    staged meanwhile, and those once ``ready()`` returns. ``listed()`` gives the other files (by
    default, walked once ``written()`` returns).
    """
    previous = link.resolve() if link.is_symlink() else None
    published = file_signatures(previous) if previous else {}
    staging, staged = _recycled_folder(sites, previous)
    # The staging's late files (the zip, the volume PDF), which another build made, are removed now,
    # beside Sphinx, rather than as their new ones are staged, last: freeing the blocks of a 90 MB zip
    # that only the staging held took 0.05-0.07 s of an edited abstract's build, at its end.
    late_files = [name for name in late if not name.endswith("/") and name in staged]
    _remove(staging, late_files)
    staged = {name: signature for name, signature in staged.items() if name not in late_files}
    # From here a failure (Sphinx's, Pagefind's: a fast one was known before this thread woke from
    # written(), which then raised) removes the staging: it was left half-made.
    try:
        written()
        kept_whole = whole()
        files = listed() if listed else without(file_signatures(built), late)
        waited = previous is not None and files == without(published, late)
        if waited:  # only the late files can have changed: nothing is published if they did not
            ready()
            if previous and files | signatures_among(built, late) == published:
                return previous  # already published as it is; the staging is recycled by the next build
        if link.is_dir() and not link.is_symlink():  # a site published before snapshots existed
            previous = link.rename(sites / "site-0")
            published = file_signatures(previous)
        made_late = among(late)
        _remove(staging, [name for name in staged if name not in files and not made_late(name)])
        _stage(files, built, staging, previous, published, staged, kept_whole)
        if not waited:
            ready()
        now_late = signatures_among(built, late)
        _remove(staging, [name for name in staged if made_late(name) and name not in now_late])
        _stage(now_late, built, staging, previous, published, staged, kept_whole)
    except BaseException:  # Sphinx, the search index or the zip failed: nothing is published
        remove_tree(staging)
        raise
    snapshot = staging.rename(sites / f"site-{time.time_ns()}")
    with replacing(link) as switch:
        switch.symlink_to(os.path.relpath(snapshot, link.parent))
    return snapshot


def _recycled_folder(sites: Path, current: Path | None) -> tuple[Path, dict[str, list[int]]]:
    """A staging folder for the next snapshot under ``sites``, and the files it holds: the newest of
    the folders there but the published one ``current`` (the snapshot before it, or a staging that a
    build stopped half-way left), renamed, else a new one; the other folders are removed. One that
    holds what no snapshot made here does (a symbolic link, through which the staging would write
    elsewhere) is removed too.

    Making each snapshot anew linked the site's ten thousand files at 1,000 papers, and removing the
    one before as many (0.2 s of CPU after an edited abstract, most of it beside Pagefind at the end
    of the build); the snapshot before the current one differs from the build in the few files the
    last two builds changed. It is released here, as the build starts Jupyter Book, so that whatever
    resolved the link before the last switch (`proceedings publish` committing it, a copy, a
    reader's server) could finish reading it."""
    sites.mkdir(parents=True, exist_ok=True)
    others = [folder for folder in sites.iterdir() if folder.resolve() != current]  # both resolved: _build may be a link
    folders = [folder for folder in others if folder.is_dir() and not folder.is_symlink()]
    # A finished snapshot before a staging, and the newest snapshot (names by time) first.
    newest = max(folders, key=lambda folder: (not folder.name.startswith("."), folder.name), default=None)
    for old in others:
        if old in folders and old != newest:
            remove_tree(old)
        elif old not in folders:
            old.unlink()
    if newest is not None:
        staging = newest.rename(sites / f".site-{time.time_ns()}.tmp")
        # Not one without files either: its folders could stand where the site has files.
        if staged := plain_file_signatures(staging):
            return staging, staged
        remove_tree(staging)
    staging = sites / f".site-{time.time_ns()}.tmp"  # named anew: a folder that would not go keeps its name
    staging.mkdir()
    return staging, {}


def _remove(staging: Path, names: list[str]) -> None:
    """Remove the files ``names`` from ``staging``, and the folders that they leave empty."""
    folders = set()
    for name in names:
        with suppress(FileNotFoundError):
            os.unlink(os.path.join(staging, name))
        folders.add(name.rpartition("/")[0])
    for folder in sorted(folders, key=lambda folder: folder.count("/"), reverse=True):
        while folder:
            try:
                os.rmdir(os.path.join(staging, folder))
            except OSError:  # not empty: it holds files of the site
                break
            folder = folder.rpartition("/")[0]


def _stage(files: dict[str, list[int]], built: Path, staging: Path, previous: Path | None,
           published: dict[str, list[int]], staged: dict[str, list[int]], whole: Collection[str]) -> None:
    """Put ``files`` of ``built`` into ``staging``, which holds ``staged``: each not there already
    as it is, a hard link to the previous snapshot's copy of an unchanged file, or to ``built``'s
    of one replaced only ``whole``, a copy of the others."""
    names = {name for name in whole if not name.endswith("/")}
    folders = tuple(name for name in whole if name.endswith("/"))
    # Plain strings, and each folder made once: a build from scratch stages 10,000 files at 1,000
    # papers, and pathlib took half the time.
    made: set[str] = set()
    for name, signature in files.items():
        if staged.get(name) == signature:
            continue
        folder = name.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(staging, folder), exist_ok=True)
            made.add(folder)
        target = os.path.join(staging, name)
        if name in staged:
            os.unlink(target)
        elif staged and os.path.lexists(target):  # a folder where the site has a file, made by hand
            remove_tree(Path(target))
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
