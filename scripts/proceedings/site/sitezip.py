"""``proceedings-site.zip``: the whole site in one file, for reading offline.

Remade after every build that changed a file of the site, by copying the compressed bytes of the
unchanged files from the previous zip: deflating the pages again took as long as Sphinx's rebuild.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import IO, NamedTuple

from ..util.files import file_signatures, read_json, replacing, signatures_among, without, write_if_changed

SITE_ZIP = "proceedings-site.zip"
# Already compressed: stored as they are, which keeps zipping fast.
_STORED = {".pdf", ".png", ".jpg", ".woff", ".woff2", ".gz", ".zip", ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"}
_FOLDER = "proceedings-site"
# zlib's level 4 rather than its default 6: the pages of 1,000 papers (63 MB) deflated in 0.72 s of
# CPU instead of 1.29 s, beside Sphinx on a busy core, for 4 % more bytes (13.6 MB instead of 13.1).
# Level 1 was measured again in stop 68 (the 90 MB of text files of 1,000 papers in 1.3 s instead of
# 1.8 s, 25.7 MB instead of 23.4) and left: 2.3 MB more for every reader who downloads the zip.
_LEVEL = 4
# Files up to this size are read whole and written as one entry by :func:`_write_entry`; larger ones
# (a volume PDF) are streamed by zipfile.
_WHOLE = 16 << 20


def site_files(html: Path) -> dict[str, list[int]]:
    """Each file of the site but the zip, by path, with its size and modification time."""
    return without(file_signatures(html), [SITE_ZIP])  # nor the zip being written


def site_zip(html: Path, manifest: Path, late: tuple[str, ...] = (), ready: Callable[[], object] = lambda: None,
             first: dict[str, list[int]] | None = None, written: Callable[[], Iterable[Collection[str]]] = tuple,
             listed: Callable[[], dict[str, list[int]]] | None = None) -> bool:
    """Write ``html``/proceedings-site.zip with every other file of the site, unless no file changed
    since the zip listed in ``manifest`` was made; whether it was written.

    ``first`` gives the signatures of files of ``html`` that are made while the rest of the site is
    still being written, until ``written()`` ends (the files beside the pages, while Sphinx runs): when one of
    them changed, the zip is made again whatever the rest holds, and they are zipped meanwhile.
    They hold the organizer's PDFs, most of the zip's bytes, which a new zip copies (2.9 s of an
    edited abstract's 5 s at 300 papers of 3 MB). ``written()`` also gives, as it goes, the pages
    written whole by then, which are zipped meanwhile too (deflating a thousand paper pages took
    1.7 s on a core that Sphinx leaves idle while it writes them). ``late`` names files and folders
    (ending with a slash) that other threads are still making after that (the search index, the
    volume PDF): the other files are zipped meanwhile, and those once ``ready()`` returns.
    ``listed()``, called once the site is written, gives its files but the zip and the ``late`` ones
    (by default, walked then)."""
    listed = listed or (lambda: without(site_files(html), late))
    target = html / SITE_ZIP
    previous = read_json(manifest, {}) if target.is_file() else {}
    early = first or {}
    if not previous or any(previous.get(name) != signature for name, signature in early.items()):
        try:
            return _write(html, manifest, previous, early, written, listed, late, ready)
        except _Rewritten:  # a page zipped as it was written changed again: zipped anew, all at once
            return _write(html, manifest, previous, early, tuple, listed, late, ready)
    for _ in written():
        pass
    files = listed()
    if files != without(previous, late):
        return _write(html, manifest, previous, files, tuple, dict, late, ready)
    ready()  # only the late files can have changed: the zip is kept if they did not
    if files | signatures_among(html, late) == previous:
        return False
    return _write(html, manifest, previous, files, tuple, dict, late, lambda: None)


class _Rewritten(Exception):
    """A page zipped once written was written again before the site was."""


def _write(html: Path, manifest: Path, previous: dict[str, list[int]], files: dict[str, list[int]],
           passing: Callable[[], Iterable[Collection[str]]], rest: Callable[[], dict[str, list[int]]], late: tuple[str, ...],
           ready: Callable[[], object]) -> bool:
    """Write the zip of ``html`` and its ``manifest``: ``files``, then the pages ``passing()`` gives
    as they are written, then those of ``rest()`` not zipped yet, then the ``late`` ones once
    ``ready()`` returns, the unchanged since ``previous`` copied. Raises :class:`_Rewritten` when
    ``rest()`` finds a page of ``passing()`` changed since it was zipped."""
    target = html / SITE_ZIP
    # Dates outside the zip format's (1980-2107) are clamped rather than refused: a file of 1975 (a
    # PDF or a download copied with its times) stopped the build with a traceback.
    with (replacing(target) as temporary,
          zipfile.ZipFile(temporary, "w", compresslevel=_LEVEL, strict_timestamps=False) as archive,
          zipfile.ZipFile(target) if previous else nullcontext() as old_zip):
        old = _Previous(old_zip, _spans(old_zip) if old_zip else [], previous)
        _add_entries(archive, old, html, files)
        passed: dict[str, list[int]] = {}
        for pages in passing():
            written = {name: signature for name, signature in signatures_among(html, pages).items()
                       if name not in files and name not in passed}
            passed |= written
            _add_entries(archive, old, html, written)
        listed = rest()
        if any(listed.get(name) != signature for name, signature in passed.items()):
            raise _Rewritten
        files = files | passed
        files |= (more := {name: signature for name, signature in listed.items() if name not in files})
        _add_entries(archive, old, html, more)
        ready()
        files |= (later := signatures_among(html, late))
        _add_entries(archive, old, html, later)
    # After the zip: a build stopped between the two leaves a manifest that no longer matches, so
    # the next build makes the zip again rather than trusting a stale one.
    write_if_changed(manifest, json.dumps(files))
    return True


class _Previous(NamedTuple):
    """The previous zip, from which the entries of the files unchanged since are copied."""

    archive: zipfile.ZipFile | None
    """The zip, if there is one."""
    spans: list[tuple[zipfile.ZipInfo, int]]
    """Its entries not moved into the new zip yet, as :func:`_spans` gives them (found once: the
    pages come in many batches)."""
    files: dict[str, list[int]]
    """Its manifest: the signature of each file it holds."""


def _add_entries(archive: zipfile.ZipFile, old: _Previous, html: Path, files: dict[str, list[int]]) -> None:
    """Add ``files`` of ``html`` to ``archive``: the unchanged ones as the ``old`` zip holds them,
    then the others compressed."""
    unchanged = [(info, end) for info, end in old.spans
                 if (name := info.filename.removeprefix(f"{_FOLDER}/")) in files and old.files.get(name) == files[name]]
    if old.archive is not None:
        _copy_entries(old.archive, archive, unchanged)
    kept = {info.filename for info, _ in unchanged}
    old.spans[:] = [span for span in old.spans if span[0].filename not in kept]  # moved: theirs no more
    for name in files:
        entry = f"{_FOLDER}/{name}"
        if entry not in kept:
            method = zipfile.ZIP_STORED if Path(name).suffix in _STORED else zipfile.ZIP_DEFLATED
            if files[name][0] > _WHOLE or not _write_entry(archive, html / name, entry, method):
                archive.write(html / name, entry, compress_type=method)


def _write_entry(archive: zipfile.ZipFile, path: Path, entry: str, method: int) -> bool:
    """Add the file at ``path`` to ``archive`` as ``entry``, exactly as ``archive.write`` adds it,
    read whole and compressed in one call; whether it was (not when it grew past ``_WHOLE`` since
    it was listed). zipfile's own writing, which streams a file in 8 kB pieces and writes its header
    twice, took 3.8 s of CPU for the 10,500 files of 1,000 papers, this 3.2-3.3 s (the same bytes).

    Like :func:`_copy_entries`, it uses the attributes zipfile's writer keeps (``fp``,
    ``start_dir``, ``filelist``, ``NameToInfo``)."""
    # Its date (clamped, as the zip is opened to) and mode as archive.write takes them.
    info = zipfile.ZipInfo.from_file(path, entry, strict_timestamps=False)
    if info.file_size > _WHOLE:
        return False
    data = path.read_bytes()
    if len(data) > _WHOLE:  # grown since
        return False
    info.compress_type = method
    info.file_size, info.CRC = len(data), zlib.crc32(data)
    if method == zipfile.ZIP_DEFLATED:
        compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)  # raw deflate, as zipfile writes it
        data = compressor.compress(data) + compressor.flush()
    info.compress_size = len(data)
    writer = archive.fp
    if writer is None:
        raise ValueError("the zip file must be open")
    writer.seek(archive.start_dir)
    info.header_offset = archive.start_dir
    writer.write(info.FileHeader())
    writer.write(data)
    archive.start_dir = writer.tell()
    archive.filelist.append(info)
    archive.NameToInfo[entry] = info
    return True


def _spans(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, int]]:
    """The entries of ``archive`` in the order of their bytes in the file, each with the offset
    where its bytes (header, data, descriptor) end."""
    entries = sorted(archive.infolist(), key=lambda info: info.header_offset)
    ends = [info.header_offset for info in entries[1:]] + [archive.start_dir]
    return list(zip(entries, ends, strict=True))


def _copy_entries(source: zipfile.ZipFile, target: zipfile.ZipFile, spans: list[tuple[zipfile.ZipInfo, int]]) -> None:
    """Move the entries of ``source`` that ``spans`` gives (in its file order) to ``target``, as
    their bytes are: entries that follow one another in ``source`` are copied in one piece (a
    hundred megabytes in a tenth of a second, where copying entry by entry took seconds). Each
    entry's record is moved too, its offset changed to where its bytes now are (copying the records
    of 10,000 entries was 0.04 s of an edit's zip): the caller no longer counts them among
    ``source``'s (:func:`_add_entries` drops them from :class:`_Previous`' spans).

    zipfile has no public call for this; it uses the attributes zipfile's own writer keeps (``fp``,
    ``start_dir``, ``filelist``, ``NameToInfo``), unchanged since Python 2.
    """
    reader, writer = source.fp, target.fp
    if reader is None or writer is None:
        raise ValueError("both zip files must be open")
    runs: list[list[zipfile.ZipInfo]] = []
    ends: list[int] = []
    for info, end in spans:
        if ends and ends[-1] == info.header_offset:
            runs[-1].append(info)
            ends[-1] = end
        else:
            runs.append([info])
            ends.append(end)
    writer.seek(target.start_dir)
    for infos, end in zip(runs, ends, strict=True):
        start = infos[0].header_offset
        shift = target.start_dir - start
        _copy_bytes(reader, writer, start, end)
        target.start_dir = writer.tell()
        for info in infos:
            info.header_offset += shift
            target.filelist.append(info)
            target.NameToInfo[info.filename] = info


def _copy_bytes(reader: IO[bytes], writer: IO[bytes], start: int, end: int) -> None:
    """Copy the bytes from ``start`` to ``end`` of ``reader`` to where ``writer`` is: in the kernel
    where it can (Linux's copy_file_range, several times faster here), else through memory."""
    writer.flush()
    position = writer.tell()
    copied = 0
    with suppress(AttributeError, OSError):  # not Linux, or a file system that cannot
        while copied < end - start:
            count = os.copy_file_range(reader.fileno(), writer.fileno(), end - start - copied, start + copied,
                                       position + copied)
            if not count:
                break
            copied += count
    reader.seek(start + copied)
    writer.seek(position + copied)
    while copied < end - start:
        data = reader.read(min(1 << 20, end - start - copied))
        if not data:
            raise zipfile.BadZipFile("the previous zip ends before its entries do")
        writer.write(data)
        copied += len(data)
