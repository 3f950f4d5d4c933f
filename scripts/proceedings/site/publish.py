"""Publishing the built site: as an immutable snapshot that ``_build/html`` switches to atomically,
and to a branch of the project's git repository for GitHub Pages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..model.locations import Project
from ..util.files import file_signatures, replacing


def publish(built: Path, sites: Path, link: Path) -> Path:
    """Publish ``built`` as a new snapshot under ``sites`` and switch ``link`` to it atomically.

    Until the switch, ``link`` keeps pointing to the previous snapshot, which is never modified, so a
    build killed at any moment leaves the previous site complete. Unchanged files are hard links to
    the previous snapshot's (snapshots are immutable); the rest are copies, never links into
    ``built``, which the next build rewrites in place. Nothing is done when the published site
    already holds exactly the built files.
    """
    previous = link.resolve() if link.is_symlink() else None
    files = file_signatures(built)
    published = file_signatures(previous) if previous else {}
    if previous and published == files:
        return previous  # already published as it is
    sites.mkdir(parents=True, exist_ok=True)
    if link.is_dir() and not link.is_symlink():  # a site published before snapshots existed
        previous = link.rename(sites / "site-0")
        published = file_signatures(previous)
    snapshot = sites / f"site-{time.time_ns()}"
    staging = sites / f".{snapshot.name}.tmp"
    staging.mkdir()
    for name, signature in files.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if previous and published.get(name) == signature:
            os.link(previous / name, target)
        else:
            shutil.copy2(built / name, target)
    staging.rename(snapshot)
    with replacing(link) as switch:
        switch.symlink_to(os.path.relpath(snapshot, link.parent))
    for old in sites.iterdir():
        if old != snapshot:
            shutil.rmtree(old, ignore_errors=True)
    return snapshot


def push_to_branch(project: Project, remote: str, branch: str) -> int:
    """Push the published site to ``branch`` of ``remote`` with ghp-import; its exit status."""
    command = [sys.executable, "-c", "from ghp_import import main; main()", "--no-jekyll", "--push",
               "--remote", remote, "--branch", branch, "--message", "Publish the proceedings",
               str(project.html.resolve())]
    return subprocess.run(command, cwd=project.root).returncode
