"""Writing generated files atomically, and only when their content changed (so mtimes and Sphinx's
incremental build are kept), inside folders the tool owns."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .diagnostics import Diagnostics


def write_if_changed(path: Path, content: str) -> bool:
    """Write ``content`` to ``path`` atomically unless it already holds exactly that; True if written."""
    data = content.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` atomically unless a copy with its size and mtime is there; True if copied."""
    stat = source.stat()
    try:
        existing = target.stat()
        if (existing.st_size, existing.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copy2(source, temporary)
    os.replace(temporary, target)
    return True


def foreign_files(folder: Path, marker: str) -> list[Path]:
    """Pages in a generated folder that the tool did not write (no ``marker``), which it must not replace."""
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.rglob("*.md"))
            if marker not in path.read_text("utf-8", errors="replace")[:500]]


def sync_folder(folder: Path, files: dict[Path, str | Path], pattern: str = "*") -> int:
    """Make ``folder`` hold exactly ``files`` (text, or a file to copy) among those matching ``pattern``;
    the number of files written. Files not matching ``pattern`` are left alone."""
    written = 0
    for path, content in files.items():
        written += copy_if_changed(content, path) if isinstance(content, Path) else write_if_changed(path, content)
    if folder.is_dir():
        for path in folder.rglob(pattern):
            if path.is_file() and path not in files:
                path.unlink()
    return written
