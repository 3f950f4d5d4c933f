"""PDF facts: read with pypdf, cached by content hash, unreadable files as diagnostics."""

from __future__ import annotations

import json
import shutil

import pytest

from proceedings.inputs import pdf_reader
from proceedings.inputs.pdf import PdfCache, pdf_facts
from proceedings.outputs.samples import sample_pdf


def test_generated_pdf_facts(tmp_path):
    path = tmp_path / "a.pdf"
    sample_pdf(path, "Operator Learning", ["Jürgen Müller", "Ana Gonçalves"], "An abstract.", pages=5, phrase="zanzibar quokka")
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts([path], cache)[path]
    assert facts.error is None and facts.has_text
    assert facts.pages == 5
    assert facts.size == path.stat().st_size
    words = " ".join(cache.text(facts.sha256).split())
    assert "zanzibar quokka" in words and "Operator Learning" in words


def test_cache_means_no_second_parse(tmp_path, monkeypatch):
    paths = []
    for name in ("a", "b"):
        paths.append(tmp_path / f"{name}.pdf")
        sample_pdf(paths[-1], f"Paper {name}", ["X"], "Abstract.", pages=2)
    shutil.copy(paths[0], tmp_path / "same-content.pdf")
    paths.append(tmp_path / "same-content.pdf")
    parsed = []
    original = pdf_reader.read_pdf
    monkeypatch.setattr(pdf_reader, "read_pdf", lambda path, *rest: parsed.append(path) or original(path, *rest))
    cache = PdfCache(tmp_path / "cache")
    first = pdf_facts(paths, cache, workers=1)
    cache.put_all(first.values())
    assert len(parsed) == 2, "identical content is parsed once"
    stored = PdfCache(tmp_path / "cache")  # the next build's
    second = pdf_facts(paths, stored, workers=1)
    assert len(parsed) == 2, "unchanged PDFs are never parsed twice"
    assert first == second and not stored.texts
    assert all(stored.text(facts.sha256) == cache.text(facts.sha256) and "Paper" in stored.text(facts.sha256)
               for facts in first.values())
    # The facts of every PDF in one file, which holds no text: a build reads it whole, a text where a page is made.
    assert [file.name for file in (tmp_path / "cache").glob("*.json")] == ["facts.v11.json"]
    assert "Paper" not in (tmp_path / "cache" / "facts.v11.json").read_text("utf-8")
    sample_pdf(paths[1], "Paper b, revised", ["X"], "Abstract.", pages=3)
    third = pdf_facts(paths, cache, workers=1)
    assert len(parsed) == 3 and third[paths[1]].pages == 3


def test_a_pdf_read_now_is_hashed_now(tmp_path):
    """A digest the caller knows finds cached facts; a PDF not in the cache is read, and hashed from
    what it holds now: replaced since the caller hashed it, its facts go under its new digest."""
    path = tmp_path / "a.pdf"
    sample_pdf(path, "Paper", ["X"], "Abstract.", pages=2)
    cache = PdfCache(tmp_path / "cache")
    stale = "0" * 64
    facts = pdf_facts([path], cache, workers=1, digests={path: stale})[path]
    assert facts.sha256 != stale and facts.pages == 2
    cache.put_all([facts])
    assert pdf_facts([path], cache, workers=1, digests={path: facts.sha256})[path] == facts


def test_check_mode_writes_no_cache(tmp_path):
    path = tmp_path / "a.pdf"
    sample_pdf(path, "T", ["X"], "A.", pages=1)
    pdf_facts([path], PdfCache(tmp_path / "cache"))
    assert not (tmp_path / "cache").exists()


def test_parallel_equals_serial(tmp_path):
    paths = []
    for index in range(4):
        paths.append(tmp_path / f"{index}.pdf")
        sample_pdf(paths[-1], f"Paper {index}", ["X"], "Abstract.", pages=2)
    serial, parallel = PdfCache(tmp_path / "c1"), PdfCache(tmp_path / "c2")
    assert pdf_facts(paths, serial, workers=1) == pdf_facts(paths, parallel, workers=2)
    assert serial.texts == parallel.texts and len(serial.texts) == 4


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"<!DOCTYPE html><html>404</html>", "not a PDF"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "the PDF ends without its end-of-file mark (%%EOF); was a download"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog\n%%EOF\n", "; ask the authors for the file again (a PDF printed anew"),
])
def test_broken_files_give_errors(tmp_path, content, message):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    facts = pdf_facts([path], PdfCache(tmp_path / "cache"))[path]
    assert facts.error and message in facts.error


def test_corpus_page_counts_match_files_json(shared_data, tmp_path):
    corpus = shared_data / "pdf-corpus"
    described = json.loads((corpus / "files.json").read_text("utf-8"))["data"]
    present = [(corpus / item["path"].replace("/", "__"), item) for item in described]
    present = [(path, item) for path, item in present if path.is_file()]
    assert len(present) >= 25
    facts = pdf_facts([path for path, _ in present], PdfCache(tmp_path / "cache"))
    unreadable = set()
    for path, item in present:
        found = facts[path]
        if item.get("encrypted"):
            assert found.error and "encrypted" in found.error, path.name
        elif found.error:
            # A damaged page tree that pypdf refuses is reported as a diagnostic, not a crash.
            assert found.error.startswith("pypdf cannot read it:"), (path.name, found.error)
            unreadable.add(path.name)
        else:
            assert found.pages == item["pages"], path.name
    # The one file of the corpus whose page tree pypdf cannot walk; every other page count matches.
    assert unreadable <= {"017-unreadable-meta-data__unreadablemetadata.pdf"}


def test_a_pdf_cut_short_that_pypdf_reads_whole_is_an_error(shared_data, tmp_path):
    # Nine tenths of a compressed LaTeX paper: pypdf read its 117 pages, and the build published it.
    whole = (shared_data / "pdf-corpus" / "009-pdflatex-geotopo__GeoTopo-komprimiert.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[:len(whole) * 9 // 10])
    assert len(pdf_reader.PdfReader(cut).pages) == 117
    facts = pdf_facts([cut], PdfCache(tmp_path / "cache"))[cut]
    assert facts.error == "the PDF ends without its end-of-file mark (%%EOF); was a download or a copy cut short?"
    assert pdf_reader.unreadable(cut) == facts.error


def test_corpus_text_of_a_latex_paper(shared_data, tmp_path):
    path = shared_data / "pdf-corpus" / "004-pdflatex-4-pages__pdflatex-4-pages.pdf"
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts([path], cache)[path]
    assert facts.pages == 4 and len(cache.text(facts.sha256)) > 100



def test_corpus_text_joins_hyphenated_words_and_unfolds_ligatures(shared_data, tmp_path):
    """pdfium's text: a word LaTeX hyphenated at a line end is whole, and ligature glyphs are letters,
    so search finds "adipiscing" and "filled" as typed."""
    path = shared_data / "pdf-corpus" / "026-latex-multicolumn__multicolumn.pdf"
    cache = PdfCache(tmp_path / "cache")
    words = set(cache.text(pdf_facts([path], cache)[path].sha256).split())
    assert {"adipiscing", "filled"} <= words
    assert not {"adip-", "ﬁlled"} & words


def test_the_pdf_workers_start_as_the_threads_running_allow(tmp_path, monkeypatch):
    # Under serve, a fork copied locks the preview's threads held; the pool asks how to start them.
    import multiprocessing

    from proceedings.util import processes

    asked = []
    monkeypatch.setattr(processes, "worker_context",
                        lambda: asked.append(1) or multiprocessing.get_context("forkserver"))
    paths = []
    for name in ("one", "two"):
        paths.append(tmp_path / f"{name}.pdf")
        sample_pdf(paths[-1], f"Paper {name}", ["X"], "Abstract.", pages=2)
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts(paths, cache, workers=2)
    assert asked == [1] and all(f"Paper {name}" in " ".join(cache.text(facts[path].sha256).split())
                                for name, path in zip(("one", "two"), paths, strict=True))


def test_a_text_file_gone_emptied_or_cut_has_its_pdf_read_again_once(tmp_path, monkeypatch):
    paths = []
    for name in ("a", "b", "c"):
        paths.append(tmp_path / f"{name}.pdf")
        sample_pdf(paths[-1], f"Paper {name}", ["X"], "Abstract.", pages=2)
    parsed = []
    original = pdf_reader.read_pdf
    monkeypatch.setattr(pdf_reader, "read_pdf", lambda path, *rest: parsed.append(path.name) or original(path, *rest))
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts(paths, cache, workers=1)
    cache.put_all(facts.values())
    texts = {path: tmp_path / "cache" / f"{facts[path].sha256}.v11.txt" for path in paths}
    texts[paths[0]].unlink()
    texts[paths[1]].write_text("", "utf-8")  # a machine that lost its power before the text reached the disk
    texts[paths[2]].write_bytes(texts[paths[2]].read_bytes()[:20])  # a trial's truncate -s
    for _ in range(2):  # as two builds do
        cache = PdfCache(tmp_path / "cache")
        again = pdf_facts(paths, cache, workers=1)
        cache.put_all(again.values())
        assert again == facts
    assert sorted(parsed) == ["a.pdf", "a.pdf", "b.pdf", "b.pdf", "c.pdf", "c.pdf"]  # read again by the first build only
    assert all(f"Paper {path.stem}" in PdfCache(tmp_path / "cache").text(facts[path].sha256) for path in paths)


def test_a_text_changed_by_hand_is_an_error_naming_its_file_not_another_text(tmp_path):
    path = tmp_path / "a.pdf"
    sample_pdf(path, "Paper", ["X"], "Abstract.", pages=2)
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts([path], cache, workers=1)[path]
    cache.put_all([facts])
    text = tmp_path / "cache" / f"{facts.sha256}.v11.txt"
    text.write_bytes(b"z" * text.stat().st_size)  # as long as the PDF's text: the size alone cannot tell
    cache = PdfCache(tmp_path / "cache")
    assert pdf_facts([path], cache, workers=1)[path] == facts
    with pytest.raises(OSError) as raised:
        cache.text(facts.sha256)
    assert raised.value.filename == str(text) and "another text" in raised.value.strerror


@pytest.mark.parametrize("damage", [
    {"pages": "many"}, {"pages": -3}, {"pages": None}, {"size": "big"}, {"error": 7}, {"sha256": "0" * 64},
    {"has_text": False}, {"extra": 1},
    # Values of the right kind, which pages and citations would show: a trial's "pages": 2 for a 4-page PDF.
    {"pages": 5}, {"pages": 0}, {"size": 999},
])
def test_an_entry_damaged_by_hand_has_its_pdf_read_again(tmp_path, damage):
    path = tmp_path / "a.pdf"
    sample_pdf(path, "Paper", ["X"], "Abstract.", pages=2)
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts([path], cache, workers=1)[path]
    cache.put_all([facts])
    stored = tmp_path / "cache" / "facts.v11.json"
    written = json.loads(stored.read_text("utf-8"))
    written["entries"][facts.sha256]["facts"] |= damage
    stored.write_text(json.dumps(written), "utf-8")
    cache = PdfCache(tmp_path / "cache")
    assert cache.get(facts.sha256) is None
    assert pdf_facts([path], cache, workers=1)[path] == facts
    cache.put_all([facts])
    assert PdfCache(tmp_path / "cache").get(facts.sha256) == facts  # stored again as it was


def test_an_entry_damaged_by_hand_leaves_the_others_of_its_file_used(tmp_path):
    # The file's digest no longer holds: each entry's own is checked.
    paths = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for number, path in enumerate(paths):
        sample_pdf(path, f"Paper {number}", ["X"], "Abstract.", pages=2 + number)
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts(paths, cache, workers=1)
    cache.put_all(facts.values())
    stored = tmp_path / "cache" / "facts.v11.json"
    written = json.loads(stored.read_text("utf-8"))
    written["entries"][facts[paths[0]].sha256]["facts"]["pages"] = 9
    stored.write_text(json.dumps(written, indent=1), "utf-8")
    cache = PdfCache(tmp_path / "cache")
    assert cache.get(facts[paths[0]].sha256) is None and cache.get(facts[paths[1]].sha256) == facts[paths[1]]


def test_the_cache_keeps_the_entries_of_the_pdfs_it_is_given_and_of_its_version(tmp_path):
    path = tmp_path / "a.pdf"
    sample_pdf(path, "Paper", ["X"], "Abstract.", pages=2)
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / f"{'0' * 64}.v8.json").write_text("{}", "utf-8")  # the cache of an earlier version
    cache = PdfCache(folder)
    first = pdf_facts([path], cache, workers=1)[path]
    cache.put_all([first])
    sample_pdf(path, "Paper, revised", ["X"], "Abstract.", pages=3)
    cache = PdfCache(folder)
    revised = pdf_facts([path], cache, workers=1)[path]
    cache.put_all([revised])
    assert {file.name for file in folder.iterdir()} == {"facts.v11.json", f"{revised.sha256}.v11.txt"}
    assert list(json.loads((folder / "facts.v11.json").read_text("utf-8"))["entries"]) == [revised.sha256]
