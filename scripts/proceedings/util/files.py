"""Writing generated files atomically, and only when their content changed (so mtimes and Sphinx's
incremental build are kept), inside folders the tool owns."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write; it replaces ``target`` in one step when the
    ``with`` block ends, so that a reader (or a build killed half-way) never sees half a file. If
    the block fails, ``target`` is left as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # left by a killed process that had this one's id
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:  # not after a replace: 16,000 needless removals in a cold build of 1,000 papers
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def exclusive(lock: Path, waiting: str) -> Iterator[None]:
    """Run the block holding a lock on ``lock`` (a file or folder that exists, which is not
    changed), so that one process at a time runs it; when another holds it, say ``waiting`` and
    wait for it. The lock goes with the process, so one that was killed holds it no longer: the
    processes it forks meanwhile (pool workers) close their copy of it, which would otherwise hold
    it as long as they live, and workers left behind by a killed build lived on, waiting for work."""
    descriptor = os.open(lock, os.O_RDONLY)
    _HELD_LOCKS.add(descriptor)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(waiting, file=sys.stderr, flush=True)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        _HELD_LOCKS.discard(descriptor)
        os.close(descriptor)


_HELD_LOCKS: set[int] = set()


def _close_held_locks() -> None:
    for descriptor in _HELD_LOCKS:
        os.close(descriptor)
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_close_held_locks)


def is_replacement_of(name: str, target: str) -> bool:
    """Whether the file ``name`` is the temporary file :func:`replacing` writes for ``target``
    (paths relative to one folder)."""
    folder, _, base = target.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    return name.startswith(f"{prefix}.{base}.") and name.endswith(".tmp")


# The name :func:`replacing` gives its temporary file, in any folder.
_TEMPORARY = re.compile(r"(?:^|/)\.[^/]+\.(\d+)\.tmp$")


def without_leftovers(folder: Path, signatures: dict[str, list[int]]) -> dict[str, list[int]]:
    """``signatures`` (of the files under ``folder``) but the temporary files :func:`replacing`
    writes; those that another process left (a build killed half-way: the zip's is as large as the
    site) are removed. For the folder a build writes, walked while it holds the project's lock:
    no other process writes there meanwhile."""
    kept: dict[str, list[int]] = {}
    for name, signature in signatures.items():
        # The pattern tried only on the names it may find: on each of a site's 10,000, 0.05 s a build.
        if not name.endswith(".tmp") or (temporary := _TEMPORARY.search(name)) is None:
            kept[name] = signature
        elif int(temporary.group(1)) != os.getpid():
            (folder / name).unlink(missing_ok=True)
    return kept


def among(paths: Iterable[str]) -> Callable[[str], bool]:
    """A test of whether a file's name is one of ``paths`` (relative to one folder), the temporary
    file that replaces one of them, or in one of them that ends with a slash (a folder). Asked of
    every file of the site several times a build, it finds a name that is no temporary file among
    them without a loop."""
    paths = tuple(paths)
    folders, files = tuple(path for path in paths if path.endswith("/")), set(paths)

    def test(name: str) -> bool:
        return name in files or name.startswith(folders) or (
            name.endswith(".tmp") and any(is_replacement_of(name, path) for path in paths if not path.endswith("/")))
    return test


def without(signatures: dict[str, list[int]], paths: Iterable[str]) -> dict[str, list[int]]:
    """``signatures`` but those of the files :func:`among` ``paths``."""
    left_out = among(paths)
    return {name: signature for name, signature in signatures.items() if not left_out(name)}


def signatures_among(folder: Path, paths: Iterable[str]) -> dict[str, list[int]]:
    """:func:`file_signatures` of the files of ``folder`` that ``paths`` name or hold (not the
    temporary files replacing them: these are asked for once the files are made), walking only those."""
    found: dict[str, list[int]] = {}
    base = os.fspath(folder)
    for path in paths:
        if path.endswith("/"):
            found |= {path + name: signature for name, signature in file_signatures(folder / path).items()}
        elif signature := signature_if_file(os.path.join(base, path)):
            found[path] = signature
    return found


def package_folder(name: str) -> Path:
    """The folder of an installed package, found without importing it (sphinxext-opengraph prints a
    notice when imported, which would break ``check --json``)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{name} is not installed")
    return Path(spec.origin).parent


def write_if_changed(path: Path, content: str) -> bool:
    """Write ``content`` to ``path`` atomically unless it already holds exactly that; True if written."""
    return write_bytes_if_changed(path, content.encode("utf-8"))


def write_bytes_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly that; True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    with replacing(path) as temporary:
        temporary.write_bytes(data)
    return True


def copy_if_changed(source: Path, target: str | Path, link: bool = False) -> tuple[bool, list[int]]:
    """Copy ``source`` to ``target`` atomically unless a copy with its size and mtime is there:
    whether it was copied, and the copy's :func:`file_signature`. With ``link`` (a file only ever
    replaced whole, never written in place), the copy is a hard link where the file system allows
    one: no bytes copied, no new file made."""
    stat = source.stat()
    try:
        existing = os.stat(target)
        if (existing.st_size, existing.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return False, [existing.st_size, existing.st_mtime_ns]
    except FileNotFoundError:
        pass
    with replacing(Path(target)) as temporary:
        if not (link and _hard_linked(source, temporary)):
            shutil.copy2(source, temporary)
    # Its own, not the source's: a file system with coarser times than the source's keeps fewer digits.
    return True, file_signature(target)


def _hard_linked(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        return False
    return True


def foreign_files(folder: Path, marker: str) -> list[Path]:
    """Pages in a generated folder that the tool did not write (no ``marker`` in their first 500
    bytes), which it must not replace. Read as bytes, from a walk of plain strings: the thousand
    pages of 1,000 papers, read as text from ``Path.rglob`` twice a build, took 0.13 s of it."""
    sought = marker.encode("utf-8")
    return sorted(folder / name for name in file_names(folder) if name.endswith(".md") and sought not in _head(folder, name))


def _head(folder: Path, name: str, size: int = 500) -> bytes:
    with open(os.path.join(folder, name), "rb") as stream:
        return stream.read(size)


def text_head(path: Path, size: int = 500) -> str:
    """The first ``size`` characters of a text file, without reading the rest."""
    with path.open(encoding="utf-8", errors="replace") as stream:
        return stream.read(size)


def file_hash(path: Path) -> str:
    """SHA-256 of the file's contents."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_json(path: Path, default: Any) -> Any:
    """The JSON document in ``path``, or ``default`` when it is missing, unreadable or, unless
    ``default`` is None, not of ``default``'s type (a cache or manifest that is rebuilt then: one
    damaged into a list where a mapping was kept stopped the build with a traceback)."""
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return default
    return found if default is None or isinstance(found, type(default)) else default


def remove_others(folder: Path, wanted: set[Path], pattern: str = "*") -> None:
    """Remove the files under ``folder`` that match ``pattern`` and are not ``wanted``."""
    if folder.is_dir():
        for path in folder.rglob(pattern):
            if path.is_file() and path not in wanted:
                path.unlink()


_RM = "/bin/rm"


def remove_tree(path: Path) -> None:
    """Remove the folder ``path`` and all it holds, if it is there, ignoring what cannot be removed:
    with ``rm`` where there is one, in a process of its own. Beside the build's other threads,
    shutil's removal of a site's ten thousand files waited for the interpreter lock at every file:
    1.2 s, where ``rm`` took 0.08 s."""
    if os.name == "posix" and os.path.isfile(_RM):  # not whatever `rm` comes first on PATH (a trash can)
        subprocess.run([_RM, "-rf", "--", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(path, ignore_errors=True)


class FilesPut(NamedTuple):
    """Files put into a folder by :func:`sync_shared_folder`."""

    written: int
    """How many changed."""
    signatures: dict[str, list[int]]
    """The :func:`file_signature` of each, by its path in the folder, as put there: each is replaced
    whole, by a new file renamed into place, never rewritten in place, so that those who read the
    folder once they are put need not ask for them again (9,000 files at 1,000 papers, asked twice
    more by each build: 0.15 s of the edit of an abstract)."""


def sync_shared_folder(folder: Path, files: dict[str, str | Path], manifest: Path, linked: tuple[Path, ...] = ()) -> FilesPut:
    """Put ``files`` (text, or a file to copy, by their paths in ``folder``) into ``folder``, which
    other writers share (Sphinx's output), each unless it is already there, and remove those put
    there last time that are no longer wanted, as listed in ``manifest``. A file from one of the
    ``linked`` folders (which hold files only ever replaced whole) is put there as a hard link (see
    :func:`copy_if_changed`): copies of the previews and the volume PDF were a thousand new files
    and 40 MB at 1,000 papers, beside Sphinx.

    The manifest also holds each file's signature and a digest of the text written, so that a text
    file that nobody touched since is known to be the same without reading it: comparing the 8,000
    files beside the pages of 1,000 papers byte for byte took a third of a second in every build."""
    last = read_json(manifest, None)
    if isinstance(last, list):  # the names alone, from before the digests
        last = dict.fromkeys(name for name in last if isinstance(name, str))
    last = last if isinstance(last, dict) else {}
    listed: dict[str, list] = {}
    signatures: dict[str, list[int]] = {}
    written = 0
    base = os.fspath(folder)
    for name, content in files.items():
        path = os.path.join(base, name)
        if isinstance(content, Path):
            copied, signatures[name] = copy_if_changed(content, path, link=content.parent in linked)
            written += copied
            listed[name] = []
            continue
        data = content.encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        known = last.get(name)
        if known and known[-1] == digest and signature_if_file(path) == known[:2]:
            listed[name], signatures[name] = known, known[:2]
            continue
        target = Path(path)
        written += write_bytes_if_changed(target, data)
        signatures[name] = file_signature(target)
        listed[name] = [*signatures[name], digest]
    for name in set(last) - set(listed):
        (folder / name).unlink(missing_ok=True)
    write_if_changed(manifest, json.dumps(dict(sorted(listed.items()))))
    return FilesPut(written, signatures)


def file_signature(path: str | Path) -> list[int]:
    """A file's size and modification time (copies made with their times, and hard links, keep both)."""
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns]


def signature_if_file(path: str | Path) -> list[int] | None:
    """:func:`file_signature` of ``path``, or None when no file is there (a folder is no file).
    Asked of thousands of files a build, by a path made with ``os.path.join``: a ``Path`` made for
    each took longer than the ``stat`` (0.05 s against 0.025 s for the 9,000 files beside 1,000 papers)."""
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return [status.st_size, status.st_mtime_ns] if S_ISREG(status.st_mode) else None


def cached_file(path: Path) -> bool:
    """Whether ``path`` holds a file of a cache that can be used: one that is there and not empty.
    The build writes each whole, by a rename, but the site holds hard links to some (see
    :func:`copy_if_changed`): one emptied by hand was published again by every build."""
    signature = signature_if_file(path)
    return signature is not None and signature[0] > 0


def file_signatures(folder: Path, others: list[str] | None = None,
                    known: dict[str, list[int]] | None = None) -> dict[str, list[int]]:
    """Each file under ``folder``, by relative path in path order, with its :func:`file_signature`:
    ``known``'s for a file it names (one put there by :func:`sync_shared_folder`). Files reached
    through a link to a folder are not included, as with ``Path.rglob``. With ``others``, what is
    neither a folder nor a file, or is a link, is named there instead."""
    known = known or {}
    found: dict[str, list[int]] = {}
    for name, entry in _files(str(folder), "", others) if folder.is_dir() else ():
        if name in known:
            found[name] = known[name]
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:  # gone while the folder was walked
            continue
        found[name] = [stat.st_size, stat.st_mtime_ns]
    # Sorted by path parts, as Path objects sort: "a/b" before "a-b".
    return {name: found[name] for name in sorted(found, key=lambda name: name.split("/"))}


def link_targets(folder: Path) -> dict[str, str]:
    """The files under ``folder`` reached through a symbolic link, by relative path, with the real
    path each leads to (:func:`file_signatures` gives the file's, as a build reads it)."""
    if not folder.is_dir():
        return {}
    return {name: os.path.realpath(entry.path) for name, entry in _files(str(folder), "") if entry.is_symlink()}


def file_names(folder: Path) -> list[str]:
    """The files under ``folder``, by relative path, as :func:`file_signatures` finds them but in no
    order and without their signatures: none is asked for its size and time, which made a walk of a
    1,000-paper site 8 times slower."""
    return [name for name, _ in _files(str(folder), "")] if folder.is_dir() else []


EDITOR_FILES = re.compile(r"(^|/)(\.[^/]*\.sw[a-px]|\.#[^/]*|#[^/]*#|[^/]*~|4913|\.~lock\.[^/]*#|[^/]*\.kate-swp"
                          r"|~\$[^/]*|\.goutputstream-[^/]*|\.DS_Store|Thumbs\.db|desktop\.ini)$")
"""What editors write beside a file while it is edited, which no build reads: vim's swap files (and
the ``.swx`` and ``4913`` it writes to test a folder), Emacs's locks, auto-saves and backups,
LibreOffice's lock on a spreadsheet (``accepted.csv``), Kate's swap file, Microsoft Office's owner
file (``~$accepted.xlsx``), gedit's half-saved copy; and what file managers leave in a folder they
show (macOS's ``.DS_Store``, Windows's ``Thumbs.db`` and ``desktop.ini``). Taken for inputs, a swap
file rewritten while a build ran (vim marks a buffer changed so) stopped that build, and a folder
opened in Finder built the site again."""


def content_signatures(folder: Path, known: object = None) -> dict[str, list]:
    """:func:`file_signatures` of the organizer's files under ``folder`` (not :data:`EDITOR_FILES`),
    each followed by its contents' digest: ``known``'s (an earlier result) for a file of the same
    size and time, else computed. Compared through :func:`timeless`, a file saved or touched without
    a change is the same file."""
    known = known if isinstance(known, dict) else {}
    return {name: _with_digest(folder, name, signature, known.get(name))
            for name, signature in file_signatures(folder).items() if not EDITOR_FILES.search(name)}


def content_signature(path: Path, known: object = None) -> list | None:
    """:func:`content_signatures` of one file (None when there is none)."""
    signature = signature_if_file(path)
    return None if signature is None else _with_digest(path.parent, path.name, signature, known)


def known_digest(signature: list[int] | None, known: object) -> str | None:
    """The digest of ``known`` (an earlier content signature) if it is of a file of ``signature``'s
    size and time, else None."""
    if signature is not None and isinstance(known, list) and len(known) == 3 and known[:2] == signature:
        return known[2]
    return None


def _with_digest(folder: Path, name: str, signature: list[int], known: object) -> list:
    # The file's path made only to hash it: one for each of the 3,000 files of 1,000 papers took 0.03 s.
    return [*signature, known_digest(signature, known) or file_hash(folder / name)]


def changed_names(before: dict, after: dict) -> list[str]:
    """The names, in order, that only one of two signature maps holds, or that the two give
    different signatures (a file added, removed or changed)."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def timeless(signatures: dict[str, list | None]) -> dict[str, list | None]:
    """Content signatures without their times: what decides whether anything changed."""
    return {name: None if signature is None else [signature[0], signature[-1]] for name, signature in signatures.items()}


def plain_file_signatures(folder: Path) -> dict[str, list[int]] | None:
    """:func:`file_signatures` of ``folder`` if it holds only files and folders, none of them a
    symbolic link; else None (a link, a socket, a pipe)."""
    others: list[str] = []
    found = file_signatures(folder, others)
    return None if others else found


def _files(directory: str, prefix: str, others: list[str] | None = None) -> Iterator[tuple[str, os.DirEntry]]:
    # os.scandir with plain strings: the site's 8,000 files were walked with pathlib several times a
    # build, a second each at 1,000 papers. A file or folder may go while it is walked: Sphinx's
    # output folder is walked while the files beside the pages are written into it, each through a
    # temporary file renamed into place. With ``others``, what is neither a folder nor a file (a
    # symbolic link to either, too) is named there rather than followed.
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _files(entry.path, f"{prefix}{entry.name}/", others)
        elif others is not None and (entry.is_symlink() or not entry.is_file()):
            others.append(prefix + entry.name)
        elif entry.is_file():
            yield prefix + entry.name, entry
