"""Walking folders: the signatures that decide what changed, taken while other writers are at work."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from proceedings.util import files
from proceedings.util.files import file_signatures, is_among, is_replacement_of, replacing, signatures_among, without


def _pathlib_signatures(folder: Path) -> dict[str, list[int]]:
    # What file_signatures gave before it walked with os.scandir.
    return {path.relative_to(folder).as_posix(): [path.stat().st_size, path.stat().st_mtime_ns]
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_signatures_are_those_pathlib_finds_in_its_order(tmp_path):
    for name in ("a-b", "a/b", "a/c/d.html", ".hidden", "z.txt", "B/e"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, "utf-8")
    (tmp_path / "linked-folder").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "linked-file").symlink_to(tmp_path / "z.txt")
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    found = file_signatures(tmp_path)
    assert list(found.items()) == list(_pathlib_signatures(tmp_path).items())
    assert "linked-file" in found and not any(name.startswith("linked-folder") for name in found)
    assert file_signatures(tmp_path / "missing") == {}


def test_a_file_or_folder_gone_while_walked_is_left_out(tmp_path, monkeypatch):
    for name in ("keep.html", "gone.png", "sub/page.html", "vanished/x.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, "utf-8")
    real = os.scandir

    def racing(path):
        if path.endswith("vanished"):
            raise FileNotFoundError(path)
        with real(path) as listing:
            entries = list(listing)
        (tmp_path / "gone.png").unlink(missing_ok=True)  # renamed away after it was listed
        return contextlib.nullcontext(entries)
    monkeypatch.setattr(files.os, "scandir", racing)
    assert list(file_signatures(tmp_path)) == ["keep.html", "sub/page.html"]


def test_replacing_writes_a_temporary_file_that_is_replacement_of_its_target(tmp_path):
    with replacing(tmp_path / "sub" / "site.zip") as temporary:
        temporary.write_bytes(b"zip")
        name = temporary.relative_to(tmp_path).as_posix()
        assert is_replacement_of(name, "sub/site.zip")
        assert not is_replacement_of(name, "site.zip") and not is_replacement_of("sub/site.zip", "sub/site.zip")
    assert is_replacement_of(f".site.zip.{os.getpid()}.tmp", "site.zip")


def test_is_among_and_signatures_among_name_files_folders_and_temporaries(tmp_path):
    late = ("site.zip", "pagefind/")
    assert is_among("site.zip", late) and is_among(f".site.zip.{os.getpid()}.tmp", late)
    assert is_among("pagefind/a/b.pf_meta", late)
    assert not is_among("pagefind-papers/0/x", late) and not is_among("book/site.zip", late)
    (tmp_path / "pagefind/a").mkdir(parents=True)
    (tmp_path / "pagefind/a/b.pf_meta").write_text("b")
    (tmp_path / "book").mkdir()
    (tmp_path / "book/page.html").write_text("page")
    assert set(signatures_among(tmp_path, late)) == {"pagefind/a/b.pf_meta"}  # the zip is not there
    (tmp_path / "site.zip").write_text("zip")
    assert signatures_among(tmp_path, late) == {name: signature for name, signature in file_signatures(tmp_path).items()
                                                 if name != "book/page.html"}
    assert set(without(file_signatures(tmp_path), late)) == {"book/page.html"}
