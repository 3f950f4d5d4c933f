"""Walking folders: the signatures that decide what changed, taken while other writers are at work."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from proceedings.util import files
from proceedings.util.files import among, file_signatures, is_replacement_of, replacing, signatures_among, without


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


def test_signatures_known_are_taken_as_given_for_the_files_there(tmp_path):
    for name in ("a/put.bib", "a/page.html", "z.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, "utf-8")
    known = {"a/put.bib": [1, 2], "a/gone.ris": [3, 4]}
    found = file_signatures(tmp_path, known=known)
    assert list(found) == ["a/page.html", "a/put.bib", "z.txt"], "the walk's order; a known file not there left out"
    assert found["a/put.bib"] == [1, 2] and found["z.txt"] == files.file_signature(tmp_path / "z.txt")


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


def test_replacing_leaves_no_temporary_file_and_the_target_as_it_was_when_the_block_fails(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with replacing(target) as temporary:
            temporary.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]
    with replacing(target) as temporary:
        temporary.write_text("new")
    assert target.read_text() == "new" and list(tmp_path.iterdir()) == [target]


def test_among_and_signatures_among_name_files_folders_and_temporaries(tmp_path):
    late = ("site.zip", "pagefind/")
    is_late = among(late)
    assert is_late("site.zip") and is_late(f".site.zip.{os.getpid()}.tmp")
    assert is_late("pagefind/a/b.pf_meta")
    assert not is_late("pagefind-papers/0/x") and not is_late("book/site.zip")
    (tmp_path / "pagefind/a").mkdir(parents=True)
    (tmp_path / "pagefind/a/b.pf_meta").write_text("b")
    (tmp_path / "book").mkdir()
    (tmp_path / "book/page.html").write_text("page")
    assert set(signatures_among(tmp_path, late)) == {"pagefind/a/b.pf_meta"}  # the zip is not there
    (tmp_path / "site.zip").write_text("zip")
    assert signatures_among(tmp_path, late) == {name: signature for name, signature in file_signatures(tmp_path).items()
                                                 if name != "book/page.html"}
    assert set(without(file_signatures(tmp_path), late)) == {"book/page.html"}


def test_without_leaves_out_exactly_what_is_among_the_paths():
    paths = ("proceedings.pdf", "book/site.zip", "pagefind/", "pagefind-papers/")
    names = ["proceedings.pdf", "proceedings.pdf.tmp", ".proceedings.pdf.123.tmp", "book/.site.zip.9.tmp",
             "book/site.zip", "book/site.zip.tmp", ".site.zip.9.tmp", "pagefind/x.pf_meta", "pagefind",
             "pagefind-papers/0/a", "pagefind-paper/0/a", "book/pagefind/x", "book/.page.html.5.tmp", "book/page.html"]
    kept = without({name: [len(name), 0] for name in names}, paths)
    assert set(kept) == {"proceedings.pdf.tmp", "book/site.zip.tmp", ".site.zip.9.tmp", "pagefind", "pagefind-paper/0/a",
                         "book/pagefind/x", "book/.page.html.5.tmp", "book/page.html"}


def _synced(folder, wanted, manifest, linked=()):
    """What :func:`files.sync_shared_folder` wrote, once the signatures it gives are checked
    against the files it put."""
    put = files.sync_shared_folder(folder, wanted, manifest, linked)
    assert put.signatures == {name: files.file_signature(folder / name) for name in wanted}
    return put.written


def test_a_shared_folder_is_synced_reading_only_the_files_touched_since(tmp_path, monkeypatch):
    folder, manifest = tmp_path / "site", tmp_path / "files.json"
    source = tmp_path / "paper.pdf"
    source.write_bytes(b"%PDF")
    wanted = {"a.bib": "@misc{a}", "b/c.ris": "TY  - GEN", "p.pdf": source}
    assert _synced(folder, wanted, manifest) == 3
    read = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: (path.parent != tmp_path and read.append(path.name)) or
                        read_bytes(path))
    assert _synced(folder, wanted, manifest) == 0 and read == []
    # Touched by another writer: read, and written again only if its bytes differ.
    os.utime(folder / "a.bib", ns=(10**9, 10**9))
    (folder / "b/c.ris").write_text("changed by hand")
    assert _synced(folder, wanted, manifest) == 1 and sorted(read) == ["a.bib", "c.ris"]
    assert (folder / "b/c.ris").read_text() == "TY  - GEN"
    read.clear()
    assert _synced(folder, {**wanted, "a.bib": "@misc{b}"}, manifest) == 1
    assert (folder / "a.bib").read_text() == "@misc{b}" and read == ["a.bib"]
    assert _synced(folder, {"a.bib": "@misc{b}"}, manifest) == 0
    assert sorted(path.name for path in folder.rglob("*") if path.is_file()) == ["a.bib"]


def test_a_file_of_a_folder_replaced_whole_is_linked_and_any_other_copied(tmp_path, monkeypatch):
    folder, manifest, cache = tmp_path / "site", tmp_path / "files.json", tmp_path / "cache"
    cache.mkdir()
    preview, pdf = cache / "a.png", tmp_path / "p.pdf"
    preview.write_bytes(b"png")
    pdf.write_bytes(b"%PDF")
    wanted = {"a.png": preview, "p.pdf": pdf}
    assert _synced(folder, wanted, manifest, (cache,)) == 2
    assert (folder / "a.png").samefile(preview), "the cache's file, linked"
    assert not (folder / "p.pdf").samefile(pdf) and (folder / "p.pdf").read_bytes() == b"%PDF", "the organizer's, copied"
    assert _synced(folder, wanted, manifest, (cache,)) == 0
    # Replaced whole in the cache: the site takes the new file, the last one is kept as it was.
    with files.replacing(preview) as temporary:
        temporary.write_bytes(b"new png")
    old = (folder / "a.png").stat().st_ino
    assert _synced(folder, wanted, manifest, (cache,)) == 1
    assert (folder / "a.png").samefile(preview) and (folder / "a.png").stat().st_ino != old
    # Where no link can be made (another file system), a copy.
    monkeypatch.setattr(os, "link", lambda *_: (_ for _ in ()).throw(OSError(18, "Invalid cross-device link")))
    with files.replacing(preview) as temporary:
        temporary.write_bytes(b"third png")
    assert _synced(folder, wanted, manifest, (cache,)) == 1
    assert not (folder / "a.png").samefile(preview) and (folder / "a.png").read_bytes() == b"third png"


def test_a_manifest_from_before_the_digests_is_read_as_names(tmp_path):
    folder, manifest = tmp_path / "site", tmp_path / "files.json"
    folder.mkdir()
    (folder / "gone.bib").write_text("old")
    (folder / "kept.bib").write_text("same")
    manifest.write_text('["gone.bib", "kept.bib"]')
    assert _synced(folder, {"kept.bib": "same"}, manifest) == 0
    assert [path.name for path in folder.iterdir()] == ["kept.bib"]


def test_signature_if_file_is_none_for_a_folder_or_nothing(tmp_path):
    (tmp_path / "f").write_text("x")
    assert files.signature_if_file(tmp_path / "f") == files.file_signature(tmp_path / "f")
    assert files.signature_if_file(tmp_path) is None and files.signature_if_file(tmp_path / "none") is None
    assert files.signature_if_file(tmp_path / "f" / "under") is None


def test_exclusive_lets_one_holder_in_at_a_time_and_says_the_other_waits(tmp_path, capsys):
    import threading
    import time

    lock, order = tmp_path, []

    def second() -> None:
        with files.exclusive(lock, "waiting for the first"):
            order.append("second")
    with files.exclusive(lock, "unused"):
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.5)
        order.append("first")
    other.join(10)
    assert order == ["first", "second"] and "waiting for the first" in capsys.readouterr().err
    with files.exclusive(lock, "unused"):  # released: taken at once
        pass
    assert capsys.readouterr().err == "" and list(tmp_path.iterdir()) == []  # nothing written


def test_a_json_cache_of_another_type_reads_as_the_default(tmp_path):
    """A cache or manifest damaged into valid JSON of another kind (a list where a mapping was kept)
    is rebuilt, as an unreadable one is: it stopped the build with a traceback (a trial's finding)."""
    path = tmp_path / "cache.json"
    for text, default, expected in (('["a", "b"]', {}, {}), ("null", {}, {}), ('{"a": 1}', {}, {"a": 1}),
                                    ("not JSON", {}, {}), ('["a"]', None, ["a"])):
        path.write_text(text, "utf-8")
        assert files.read_json(path, default) == expected, text


def test_a_shared_folder_whose_manifest_lists_names_alone_removes_what_it_put_there(tmp_path):
    """The manifest of an earlier version held the names alone; the files they name and no longer
    wanted are removed all the same."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.txt").write_text("old", "utf-8")
    (tmp_path / "files.json").write_text('["old.txt"]', "utf-8")
    assert _synced(site, {"new.txt": "new"}, tmp_path / "files.json") == 1
    assert (site / "new.txt").read_text("utf-8") == "new" and not (site / "old.txt").exists()


_HOLDER = """
import multiprocessing, sys, time
from pathlib import Path
from proceedings.util.files import exclusive
started = Path(sys.argv[1]) / "started"
with exclusive(Path(sys.argv[1]), "waiting"):
    # The worker says when it runs: killed before its first step, a loaded machine's worker had not yet
    # closed its copy of the lock (which it does first) when the test asked for the lock.
    worker = multiprocessing.get_context("fork").Process(target=lambda: (started.touch(), time.sleep(60)))
    worker.start()
    while not started.exists():
        time.sleep(0.01)
    print(worker.pid, flush=True)
    time.sleep(60)
"""


def test_a_killed_process_s_forked_workers_do_not_keep_its_lock(tmp_path):
    """A build killed (SIGKILL, SIGTERM) while its pool workers lived left them holding its lock:
    every later build waited for it, for ever (a trial's finding)."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    worker = int(holder.stdout.readline())
    try:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        os.kill(worker, 0)  # the worker lives on
        descriptor = os.open(tmp_path, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if the worker held it
        finally:
            os.close(descriptor)
    finally:
        os.kill(worker, signal.SIGKILL)


def test_leftover_temporaries_are_left_out_and_another_process_s_removed(tmp_path):
    from proceedings.util.files import without_leftovers
    names = {"index.html": "page", f"a/.x.bib.{os.getpid()}.tmp": "ours, being written",
             f"a/.x.bib.{os.getpid() + 1}.tmp": "a killed build's", ".site.zip.1.tmp": "a killed build's",
             "a/notes.tmp": "a site's own file", "a/.hidden.tmp": "a site's own file"}
    for name, text in names.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    kept = without_leftovers(tmp_path, file_signatures(tmp_path))
    assert sorted(kept) == ["a/.hidden.tmp", "a/notes.tmp", "index.html"]
    assert sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()) == sorted([
        f"a/.x.bib.{os.getpid()}.tmp", "a/.hidden.tmp", "a/notes.tmp", "index.html"])
