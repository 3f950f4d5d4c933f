"""The offline zip of the site, remade from the previous one."""

from __future__ import annotations

import os
import zipfile

from proceedings.site import sitezip
from proceedings.site.sitezip import SITE_ZIP, site_zip


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
    original = zipfile.ZipFile.write
    monkeypatch.setattr(zipfile.ZipFile, "write", lambda self, path, *a, **k: written.append(path.name) or original(self, path, *a, **k))
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
