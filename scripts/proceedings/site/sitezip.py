"""``proceedings-site.zip``: the whole site in one file, for reading offline.

Remade after every build that changed a file of the site, by copying the compressed bytes of the
unchanged files from the previous zip: deflating the pages again took as long as Sphinx's rebuild.
"""

from __future__ import annotations

import copy
import json
import struct
import zipfile
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from ..util.files import file_signatures, read_json, replacing, signatures_among, without, write_if_changed

SITE_ZIP = "proceedings-site.zip"
# Already compressed: stored as they are, which keeps zipping fast.
_STORED = {".pdf", ".png", ".jpg", ".woff", ".woff2", ".gz", ".zip", ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"}
_FOLDER = "proceedings-site"
# The fixed part of a zip entry's local header, before its name and extra field (APPNOTE 4.3.7).
_LOCAL_HEADER_SIZE = 30


def site_files(html: Path) -> dict[str, list[int]]:
    """Each file of the site but the zip, by path, with its size and modification time."""
    return without(file_signatures(html), [SITE_ZIP])  # nor the zip being written


def site_zip(html: Path, manifest: Path, late: tuple[str, ...] = (), ready: Callable[[], object] = lambda: None) -> bool:
    """Write ``html``/proceedings-site.zip with every other file of the site, unless no file changed
    since the zip listed in ``manifest`` was made; whether it was written.

    ``late`` names files and folders (ending with a slash) of ``html`` that another thread is still
    making (the search index): the other files are zipped meanwhile, and those once ``ready()``
    returns."""
    target = html / SITE_ZIP
    previous = read_json(manifest, {}) if target.is_file() else {}
    files = without(site_files(html), late)
    waited = files == without(previous, late)
    if waited:  # only the late files can have changed: the zip is kept if they did not
        ready()
        if files | signatures_among(html, late) == previous:
            return False
    with (replacing(target) as temporary, zipfile.ZipFile(temporary, "w") as archive,
          zipfile.ZipFile(target) if previous else nullcontext() as old):
        _add_entries(archive, old, html, files, previous)
        if not waited:
            ready()
        files |= (later := signatures_among(html, late))
        _add_entries(archive, old, html, later, previous)
    # After the zip: a build stopped between the two leaves a manifest that no longer matches, so
    # the next build makes the zip again rather than trusting a stale one.
    write_if_changed(manifest, json.dumps(files))
    return True


def _add_entries(archive: zipfile.ZipFile, old: zipfile.ZipFile | None, html: Path, files: dict[str, list[int]],
                 previous: dict[str, list[int]]) -> None:
    """Add ``files`` of ``html`` to ``archive``: the compressed bytes of the unchanged ones copied
    from the ``old`` zip, the others compressed."""
    for name, signature in files.items():
        entry = f"{_FOLDER}/{name}"
        if old and previous.get(name) == signature and entry in old.NameToInfo:
            _copy_entry(old, archive, old.getinfo(entry))
        else:
            method = zipfile.ZIP_STORED if Path(name).suffix in _STORED else zipfile.ZIP_DEFLATED
            archive.write(html / name, entry, compress_type=method)


def _copy_entry(source: zipfile.ZipFile, target: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one entry's compressed bytes from ``source`` into ``target`` as they are.

    zipfile has no public call for this; it uses the attributes zipfile's own writer keeps (``fp``,
    ``start_dir``, ``filelist``, ``NameToInfo``), unchanged since Python 2.
    """
    reader, writer = source.fp, target.fp
    if reader is None or writer is None:
        raise ValueError("both zip files must be open")
    reader.seek(info.header_offset)
    header = reader.read(_LOCAL_HEADER_SIZE)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    reader.seek(info.header_offset + _LOCAL_HEADER_SIZE + name_length + extra_length)
    data = reader.read(info.compress_size)
    entry = copy.copy(info)
    entry.flag_bits &= ~0x08  # sizes are in the header written here, not in a trailing descriptor
    writer.seek(target.start_dir)
    entry.header_offset = target.start_dir
    writer.write(entry.FileHeader())
    writer.write(data)
    target.start_dir = writer.tell()
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry
