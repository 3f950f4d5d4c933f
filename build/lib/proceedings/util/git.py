"""Asking git about a folder."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_output(folder: Path, *args: str) -> str:
    """What ``git args`` prints in ``folder``, stripped; empty when it fails (no repository, no such
    remote or branch)."""
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""
