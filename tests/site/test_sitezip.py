"""The offline zip of the site, remade from the previous one."""

from __future__ import annotations

import json
import os
import zipfile

import pytest

from proceedings.site import sitezip
from proceedings.site.sitezip import SITE_ZIP, site_zip
from proceedings.util.files import signatures_among


def _contents(path):
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_rebuilt_zip_equals_a_fresh_one_and_copies_unchanged_entries(tmp_path, monkeypatch):
    site = tmp_path / "html"
    for name, text in {"index.html": "<p>home</p>" * 50, "book/a.html": "a" * 5000, "book/a.pdf": "%PDF",
                       "book/b.html": "b" * 5000, "pagefind/x.pf_meta": "meta"}.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    manifest = tmp_path / "zip.json"
    assert site_zip(site, manifest)
    assert not site_zip(site, manifest)  # nothing changed
    (site / "book/a.html").write_text("changed " * 100)
    (site / "book/b.html").unlink()
    (site / "book/c.html").write_text("new")
    os.utime(site / "index.html", (1e9, 1e9))  # touched: compressed again, same bytes
    written = []
    original = sitezip._write_entry
    monkeypatch.setattr(sitezip, "_write_entry", lambda archive, path, *a: written.append(path.name) or original(archive, path, *a))
    assert site_zip(site, manifest)
    assert sorted(written) == ["a.html", "c.html", "index.html"]
    monkeypatch.undo()
    rebuilt = _contents(site / SITE_ZIP)
    assert rebuilt["proceedings-site/book/a.html"] == b"changed " * 100
    (site / SITE_ZIP).unlink()
    assert site_zip(site, tmp_path / "fresh.json")
    assert rebuilt == _contents(site / SITE_ZIP)
    assert set(rebuilt) == {f"proceedings-site/{name}" for name in sitezip.site_files(site)} == {
        f"proceedings-site/{name}" for name in ("index.html", "book/a.html", "book/a.pdf", "book/c.html", "pagefind/x.pf_meta")}


def test_entries_written_whole_are_the_bytes_zipfile_writes(tmp_path, monkeypatch):
    site = tmp_path / "html"
    files = {"index.html": "<p>home</p>" * 150, "book/a.pdf": "%PDF" * 100, "book/é ü.html": "ü" * 900,
             "empty.json": "", "big.html": "x" * 3000, "grows.html": "y" * 100, "old.pdf": "%PDF", "late.html": "z"}
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    os.chmod(site / "book/a.pdf", 0o640)
    os.utime(site / "index.html", (1.6e9, 1.6e9))
    os.utime(site / "old.pdf", (1.6e8, 1.6e8))  # 1975: dated 1980-01-01 in the zip, as zipfile clamps it
    os.utime(site / "late.html", (7.3e9, 7.3e9))  # 2201: dated 2107-12-31
    monkeypatch.setattr(sitezip, "_WHOLE", 2000)  # big.html streamed by zipfile; grows.html grows past it once listed
    listed = signatures_among(site, list(files))
    (site / "grows.html").write_text("y" * 2500)
    whole = []
    original = sitezip._write_entry
    monkeypatch.setattr(sitezip, "_write_entry", lambda archive, path, *a: whole.append(path.name) or original(archive, path, *a))
    assert site_zip(site, tmp_path / "zip.json", first=listed, listed=lambda: listed)
    assert sorted(whole) == sorted(["index.html", "a.pdf", "é ü.html", "empty.json", "grows.html", "old.pdf", "late.html"])
    expected = tmp_path / "expected.zip"
    with zipfile.ZipFile(expected, "w", compresslevel=sitezip._LEVEL, strict_timestamps=False) as archive:
        for name in files:
            method = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
            archive.write(site / name, f"proceedings-site/{name}", compress_type=method)
    assert (site / SITE_ZIP).read_bytes() == expected.read_bytes()
    with zipfile.ZipFile(site / SITE_ZIP) as archive:
        assert archive.getinfo("proceedings-site/old.pdf").date_time == (1980, 1, 1, 0, 0, 0)
        assert archive.getinfo("proceedings-site/late.html").date_time == (2107, 12, 31, 23, 59, 58)  # in 2-second steps


def test_late_files_are_zipped_once_ready(tmp_path):
    """The zip takes the other files while the search index is written, then the index; a build
    that changed no file keeps the zip it has."""
    site = tmp_path / "html"
    (site / "book").mkdir(parents=True)
    image = os.urandom(20_000)  # more than the writer's buffer holds: on disk once zipped
    (site / "book/a.png").write_bytes(image)
    (site / "pagefind").mkdir()
    (site / "pagefind/old.pf_meta").write_text("old index")
    manifest = tmp_path / "zip.json"

    def reindex():
        # The other files are in the zip being written before the index is done.
        temporary = next(site.glob(f".{SITE_ZIP}.*.tmp"))
        assert temporary.stat().st_size > len(image)
        (site / "pagefind/old.pf_meta").unlink()
        (site / "pagefind/new.pf_meta").write_text("new index")

    assert site_zip(site, manifest, ("pagefind/",), reindex)
    assert _contents(site / SITE_ZIP) == {"proceedings-site/book/a.png": image, "proceedings-site/pagefind/new.pf_meta": b"new index"}
    assert set(json.loads(manifest.read_text())) == {"book/a.png", "pagefind/new.pf_meta"}
    written = (site / SITE_ZIP).stat().st_mtime_ns
    assert not site_zip(site, manifest, ("pagefind/",), lambda: None)
    assert (site / SITE_ZIP).stat().st_mtime_ns == written and not list(site.glob(f".{SITE_ZIP}.*"))


def test_an_unchanged_site_writes_no_zip_and_a_failed_index_keeps_the_last_one(tmp_path, monkeypatch):
    site = tmp_path / "html"
    (site / "pagefind").mkdir(parents=True)
    (site / "index.html").write_text("home")
    (site / "pagefind/x.pf_meta").write_text("index")
    manifest = tmp_path / "zip.json"
    assert site_zip(site, manifest, ("pagefind/",))
    zipped, listed = (site / SITE_ZIP).read_bytes(), manifest.read_text()
    with monkeypatch.context() as patched:
        patched.setattr(sitezip, "replacing", lambda *args: pytest.fail("a zip was written"))
        assert not site_zip(site, manifest, ("pagefind/",))

    def failed_index():
        raise RuntimeError("Pagefind failed")
    (site / "index.html").write_text("home, changed")
    with pytest.raises(RuntimeError):
        site_zip(site, manifest, ("pagefind/",), failed_index)
    assert (site / SITE_ZIP).read_bytes() == zipped and manifest.read_text() == listed
    assert sorted(path.name for path in site.iterdir()) == ["index.html", "pagefind", SITE_ZIP]


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_unchanged_entries_are_copied_in_runs_with_or_without_the_kernel_s_copy(tmp_path, monkeypatch, kernel_copy):
    site = tmp_path / "html"
    site.mkdir()
    for number in range(20):
        (site / f"p{number:02d}.html").write_text(f"page {number} " * 300)
    manifest = tmp_path / "zip.json"
    assert site_zip(site, manifest)
    (site / "p10.html").write_text("changed")
    (site / "p15.html").unlink()
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    copied = []
    copy_bytes = sitezip._copy_bytes
    monkeypatch.setattr(sitezip, "_copy_bytes", lambda *args: copied.append(args[2:]) or copy_bytes(*args))
    assert site_zip(site, manifest)
    assert len(copied) == 3  # p00-p09, p11-p14, p16-p19: each run in one piece
    rebuilt = _contents(site / SITE_ZIP)
    (site / SITE_ZIP).unlink()
    assert site_zip(site, tmp_path / "fresh.json")
    assert rebuilt == _contents(site / SITE_ZIP) and rebuilt["proceedings-site/p10.html"] == b"changed"


def test_files_made_first_are_zipped_while_the_rest_is_written_when_one_changed(tmp_path):
    """The files beside the pages (the PDFs: most of the zip) are zipped while Sphinx still writes the
    pages, when one of them changed; else the zip waits for the pages, and is kept if nothing changed."""
    site = tmp_path / "html"
    (site / "book").mkdir(parents=True)
    (site / "book/a.pdf").write_bytes(b"%PDF-1.4 first" * 1000)
    (site / "book/a.html").write_text("page a")
    manifest = tmp_path / "zip.json"
    assert site_zip(site, manifest, first=signatures_among(site, ["book/a.pdf"]))
    seen = []

    def sphinx_writes():
        temporary = list(site.glob(f".{SITE_ZIP}.*.tmp"))
        seen.append(bool(temporary) and temporary[0].stat().st_size > 14_000)  # the PDF is in already
        (site / "book/b.html").write_text("page b")
        return ()

    (site / "book/a.pdf").write_bytes(b"%PDF-1.4 replaced" * 1000)
    assert site_zip(site, manifest, first=signatures_among(site, ["book/a.pdf"]), written=sphinx_writes)
    assert seen == [True]
    assert _contents(site / SITE_ZIP) == {"proceedings-site/book/a.pdf": b"%PDF-1.4 replaced" * 1000,
                                          "proceedings-site/book/a.html": b"page a", "proceedings-site/book/b.html": b"page b"}
    assert set(json.loads(manifest.read_text())) == {"book/a.pdf", "book/a.html", "book/b.html"}
    seen.clear()
    assert not site_zip(site, manifest, first=signatures_among(site, ["book/a.pdf"]),
                        written=lambda: seen.append(list(site.glob(".*.tmp"))) or ())
    assert seen == [[]]  # unchanged: nothing written before the pages were, nor after
    (site / "book/a.html").write_text("page a, edited")
    assert site_zip(site, manifest, first=signatures_among(site, ["book/a.pdf"]))
    assert _contents(site / SITE_ZIP)["proceedings-site/book/a.html"] == b"page a, edited"


def test_pages_are_zipped_as_they_are_written_and_zipped_anew_if_written_again(tmp_path, monkeypatch):
    """The pages Sphinx has written whole are zipped while it writes the others (on the core it leaves
    idle); a page written again after that makes the zip anew, never a zip with its old text."""
    site = tmp_path / "html"
    (site / "book").mkdir(parents=True)
    (site / "book/a.pdf").write_bytes(b"%PDF-1.4")
    manifest = tmp_path / "zip.json"
    zipped_by_then, archives = [], []
    add = sitezip._add_entries

    def recorded(archive, *rest):
        archives.append(archive)
        add(archive, *rest)
    monkeypatch.setattr(sitezip, "_add_entries", recorded)

    def sphinx_writes(rewrite: bool):
        for name in ("p1", "p2", "p3"):
            (site / f"book/{name}.html").write_text(f"page {name} " * 100)
            yield [f"book/{name}.html"]
            zipped_by_then.append(len(archives[-1].filelist))
        if rewrite:
            (site / "book/p1.html").write_text("page p1, written again")
        (site / "index.html").write_text("root")

    assert site_zip(site, manifest, first=signatures_among(site, ["book/a.pdf"]), written=lambda: sphinx_writes(False))
    assert zipped_by_then == [2, 3, 4], "the PDF, then each page as soon as it was written"
    assert _contents(site / SITE_ZIP) == {
        "proceedings-site/book/a.pdf": b"%PDF-1.4", "proceedings-site/index.html": b"root",
        **{f"proceedings-site/book/{name}.html": f"page {name} ".encode() * 100 for name in ("p1", "p2", "p3")}}
    (site / "book/a.pdf").write_bytes(b"%PDF-1.5")
    assert site_zip(site, manifest, first=signatures_among(site, ["book/a.pdf"]), written=lambda: sphinx_writes(True))
    contents = _contents(site / SITE_ZIP)
    assert contents["proceedings-site/book/p1.html"] == b"page p1, written again"
    assert contents["proceedings-site/book/a.pdf"] == b"%PDF-1.5" and len(contents) == 5
    assert set(json.loads(manifest.read_text())) == {name.removeprefix("proceedings-site/") for name in contents}
    assert not site_zip(site, manifest), "the manifest holds the pages as zipped"



@pytest.mark.filterwarnings("ignore:Duplicate name")  # the file asked for twice, as the test wants
def test_an_entry_moved_from_the_old_zip_is_not_moved_again(tmp_path):
    """The old zip's entry records are moved into the new zip, their offsets changed: a file asked
    for again (in a later batch) is written from the site, never moved a second time with an offset
    that is no longer the old zip's."""
    html = tmp_path / "html"
    html.mkdir()
    for name in "abc":
        (html / f"{name}.html").write_text(name * 1000)
    signatures = sitezip.site_files(html)
    with zipfile.ZipFile(html / SITE_ZIP, "w") as old:
        for name in signatures:
            old.write(html / name, f"proceedings-site/{name}", compress_type=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(tmp_path / "new.zip", "w") as archive, zipfile.ZipFile(html / SITE_ZIP) as old_zip:
        previous = sitezip._Previous(old_zip, sitezip._spans(old_zip), signatures)
        sitezip._add_entries(archive, previous, html, {name: signatures[name] for name in ("b.html", "c.html")})
        sitezip._add_entries(archive, previous, html, {"c.html": signatures["c.html"]})
    with zipfile.ZipFile(tmp_path / "new.zip") as made:
        assert made.testzip() is None
        assert [(info.filename, made.read(info)) for info in made.infolist()] == [
            ("proceedings-site/b.html", b"b" * 1000), ("proceedings-site/c.html", b"c" * 1000),
            ("proceedings-site/c.html", b"c" * 1000)]
