"""The search index in shards: which bundle indexes which page, and re-indexing only what changed.
The search page merging the shards in a browser is tested in test_browser.py."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import threading
import time

from proceedings.site import search
from proceedings.site.search import (
    BALLAST_REVISION,
    PRIMARY,
    RECENT,
    SHARDS,
    SiteIndex,
    bundles,
    index_site,
    shard_count,
    shard_starts,
)


def _page(site, path, words):
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    (site / path).write_text(f"<html lang='en'><body><main data-pagefind-body><h1>{words}</h1>"
                             f"<p>{words} in a paragraph.</p></main></body></html>", "utf-8")


def _site(tmp_path, papers: int):
    site = tmp_path / "html"
    _page(site, "book/welcome.html", "welcome")
    _page(site, "book/papers/index.html", "papers")
    pages = set()
    for number in range(papers):
        _page(site, f"book/papers/p{number}.html", f"paper{number} topic")
        pages.add(f"book/papers/p{number}.html")
    return site, pages


def test_a_small_site_has_one_bundle(tmp_path):
    site, papers = _site(tmp_path, 5)
    assert bundles(site, papers) == {PRIMARY: sorted(["book/welcome.html", "book/papers/index.html", *papers])}


def test_papers_past_the_shard_size_are_sharded_apart_from_the_other_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    site, papers = _site(tmp_path, 8)
    grouped = bundles(site, papers)
    assert grouped[PRIMARY] == ["book/papers/index.html", "book/welcome.html"]
    assert set(grouped) == {PRIMARY, f"{SHARDS}/0", f"{SHARDS}/1", f"{SHARDS}/2"}
    assert sorted(page for name, pages in grouped.items() if name != PRIMARY for page in pages) == sorted(papers)
    assert bundles(site, papers) == grouped  # the same pages, the same shards


def test_the_shard_count_holds_while_shards_stay_within_half_and_twice_their_size(monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 250)
    assert [shard_count(n) for n in (0, 250, 251, 1000, 1001, 5000)] == [0, 1, 2, 4, 5, 8]
    assert shard_count(1001, before=4) == 4  # one more paper: no new shards
    assert shard_count(499, before=4) == 2  # fewer than half full
    assert shard_count(2001, before=4) == 8  # more than twice full
    assert shard_count(100, before=0) == 1  # not sharded before, and too few now


def test_only_bundles_with_changed_pages_are_indexed_again(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    site, papers = _site(tmp_path, 8)
    state = tmp_path / "work" / "search.json"
    everything = bundles(site, papers)
    assert index_site(site, papers, state) == dict.fromkeys(everything, True)
    assert json.loads((site / PRIMARY / "merge.json").read_text()) == {"shards": [f"../{SHARDS}/{n}/" for n in range(3)],
                                                                       "superseded": []}
    for name in everything:
        assert (site / name / "pagefind-entry.json").is_file()
    assert index_site(site, papers, state) == {}
    # Rewritten with the same content (Sphinx rewrites the root page in every build): not indexed again.
    (site / "book/welcome.html").write_bytes((site / "book/welcome.html").read_bytes())
    os.utime(site / "book/welcome.html", ns=(1, 1))
    assert index_site(site, papers, state) == {}
    # Another Pagefind setting: every bundle again.
    monkeypatch.setattr(search, "_EXCLUDE", search._EXCLUDE + ", nav")
    assert index_site(site, papers, state) == dict.fromkeys(everything, True)

    _page(site, "book/papers/p5.html", "paper5 revised")
    shard = next(name for name, pages in everything.items() if name != PRIMARY and "book/papers/p5.html" in pages)
    stray = site / shard / "stray.pf_fragment"
    stray.write_text("from an earlier run")
    assert index_site(site, papers, state) == {shard: True}
    assert not stray.exists()  # the bundle is written afresh, without the files of earlier runs
    assert not (state.parent / "search-staging").exists()  # the hard-linked staging folders are gone

    for number in range(3, 8):
        (site / f"book/papers/p{number}.html").unlink()
        papers.discard(f"book/papers/p{number}.html")
    assert index_site(site, papers, state) == {PRIMARY: True}
    assert not (site / SHARDS).exists()
    assert json.loads((site / PRIMARY / "merge.json").read_text()) == {"shards": [], "superseded": []}


def _files(folder):
    return {str(file.relative_to(folder)): file.read_bytes() for file in sorted(folder.rglob("*")) if file.is_file()}


def test_a_bundle_made_again_beside_its_last_files_equals_one_made_afresh_and_changes_none_of_them(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    site, papers = _site(tmp_path, 8)
    state = tmp_path / "work" / "search.json"
    index_site(site, papers, state)
    shard = next(name for name, pages in bundles(site, papers).items() if "book/papers/p5.html" in pages)
    published = tmp_path / "published"  # as a snapshot holds the bundle: hard links to its files
    shutil.copytree(site / shard, published, copy_function=os.link)
    last = _files(published)

    _page(site, "book/papers/p5.html", "paper5 revised with other words")
    assert index_site(site, papers, state) == {shard: True}
    assert _files(published) == last  # no file of the published bundle was written in place
    kept = [name for name in _files(site / shard) if (published / name).exists()
            and (site / shard / name).stat().st_ino == (published / name).stat().st_ino]
    assert any(name.startswith("fragment/") for name in kept)  # the unchanged pages' files were not written again
    assert "pagefind-entry.json" not in kept
    # Pagefind's program, written anew the same, is the file it was: not zipped nor published again.
    assert {"pagefind.js", "pagefind-ui.js", "wasm.en.pagefind"} <= set(kept)

    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(PRIMARY, SHARDS))
    index_site(fresh, papers, tmp_path / "fresh-work" / "search.json")
    assert _files(site / shard) == _files(fresh / shard)  # the same files, none of the earlier run's left


def test_a_shard_whose_run_failed_beside_sphinx_is_indexed_again_at_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    site, papers = _site(tmp_path, 8)
    state = tmp_path / "work" / "search.json"
    index_site(site, papers, state)
    _page(site, "book/papers/p0.html", "paper0 revised")
    shard = next(name for name, pages in bundles(site, papers).items() if "book/papers/p0.html" in pages)
    runs: list[str] = []
    index_bundle = search._index_bundle

    def failing_once(*args, **options):
        runs.append(args[3].relative_to(site).as_posix())
        if len(runs) == 1:
            raise OSError("a page went away as Pagefind read it")
        return index_bundle(*args, **options)

    monkeypatch.setattr(search, "_index_bundle", failing_once)
    index = SiteIndex(site, papers, state)
    done = threading.Event()
    follower = threading.Thread(target=index.follow, args=(lambda: "book/z", done, 0.01))
    follower.start()
    while not runs and follower.is_alive():
        time.sleep(0.01)
    done.set()
    follower.join()
    assert index.finish() == {shard: True}
    assert runs == [shard, shard]


def test_a_bundle_whose_index_cannot_be_read_loses_no_file(tmp_path):
    bundle = tmp_path / "bundle"
    (bundle / "fragment").mkdir(parents=True)
    (bundle / "fragment" / "en_1234567.pf_fragment").write_bytes(b"a page")
    (bundle / "pagefind.en_abc.pf_meta").write_bytes(b"not gzip")
    for entry in ("not json", "[]", '{"languages": []}', '{"languages": {"en": {}}}',
                  '{"languages": {"en": {"hash": "en_abc"}}}', '{"languages": {"en": {"hash": "en_gone"}}}'):
        (bundle / "pagefind-entry.json").write_text(entry)
        assert search._unnamed_hashed_files(bundle) == [], entry
    (bundle / "pagefind.en_abc.pf_meta").write_bytes(gzip.compress(b"pagefind_dcd ... en_7654321 ..."))
    (bundle / "pagefind-entry.json").write_text('{"languages": {"en": {"hash": "en_abc"}}}')
    assert search._unnamed_hashed_files(bundle) == [bundle / "fragment" / "en_1234567.pf_fragment"]


def test_a_failed_run_marks_nothing_current(tmp_path, monkeypatch):
    site, papers = _site(tmp_path, 2)
    state = tmp_path / "work" / "search.json"
    monkeypatch.setattr(search, "_pagefind", lambda: shutil.which("false"))  # Pagefind fails
    assert index_site(site, papers, state) == {PRIMARY: False}
    assert not state.exists()
    monkeypatch.undo()
    assert index_site(site, papers, state) == {PRIMARY: True}


def test_shards_are_runs_in_the_order_sphinx_writes_and_keep_their_runs_when_a_paper_is_added(monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    papers = [f"book/papers/p{number}.html" for number in range(9)]
    starts = shard_starts(papers, [])
    assert starts == ["book/papers/p3", "book/papers/p6"]
    grouped = search._shards(papers + ["book/papers/p1-b.html"], starts)
    # In Sphinx's order, by document: "p1" before "p1-b", though "p1-b.html" sorts before "p1.html".
    assert grouped[f"{SHARDS}/0"] == ["book/papers/p0.html", "book/papers/p1.html", "book/papers/p1-b.html",
                                       "book/papers/p2.html"]
    # One paper more: the same runs, so only the shard it joins changes.
    assert shard_starts(papers + ["book/papers/p1-b.html"], starts) == starts
    # Twelve papers more, all in the first run: it would hold five times its share, so the runs are cut again.
    crowded = papers + [f"book/papers/p0{number}.html" for number in range(12)]
    assert shard_starts(crowded, starts) != starts and len(shard_starts(crowded, starts)) == 6


def test_shards_sphinx_has_written_are_indexed_while_it_writes_and_checked_again_at_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    site, papers = _site(tmp_path, 9)
    state = tmp_path / "work" / "search.json"
    runs = []

    def index_bundle(site, pages, staging, output, reuse, ballast=()):  # Pagefind's run, noted
        runs.append((output.relative_to(site).as_posix(), threading.current_thread().name))
        output.mkdir(parents=True, exist_ok=True)
        (output / "pagefind-entry.json").write_text("{}")
        return True

    monkeypatch.setattr(search, "_index_bundle", index_bundle)
    index = SiteIndex(site, papers, state)
    done = threading.Event()
    written = iter(["book/papers/p1", "book/papers/p4", "book/papers/p7"])

    def sphinx_writing():  # Sphinx writes p1, then p4, then p7: then ends
        page = next(written, None)
        if page is None:
            done.set()
        return page

    follower = threading.Thread(target=index.follow, args=(sphinx_writing, done, 0), name="follower")
    follower.start()
    follower.join()
    # Begun p4: the first run (p0-p2) is written; begun p7: the second (p3-p5). Not the third.
    assert runs == [(f"{SHARDS}/0", "follower"), (f"{SHARDS}/1", "follower")]
    _page(site, "book/papers/p4.html", "rewritten after it was indexed")  # as a parallel Sphinx might
    assert index.finish() == dict.fromkeys([PRIMARY, f"{SHARDS}/0", f"{SHARDS}/1", f"{SHARDS}/2"], True)
    assert sorted(name for name, _ in runs[2:]) == [PRIMARY, f"{SHARDS}/1", f"{SHARDS}/2"]  # shard 0 not again
    assert index_site(site, papers, state) == {}  # and all recorded as current


def test_the_other_pages_are_indexed_beside_the_last_shard_followed_and_the_shards_after_it(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    site, papers = _site(tmp_path, 9)
    runs: list[str] = []
    shard_begun, primary_begun = threading.Event(), threading.Event()
    beside: list[bool] = []

    def index_bundle(site, pages, staging, output, reuse, ballast=()):  # Pagefind's run, noted
        name = output.relative_to(site).as_posix()
        runs.append(name)
        if name == PRIMARY:
            primary_begun.set()
        elif not shard_begun.is_set():  # the shard followed, still being indexed when Sphinx ends
            shard_begun.set()
            beside.append(primary_begun.wait(10))
        output.mkdir(parents=True, exist_ok=True)
        (output / "pagefind-entry.json").write_text("{}")
        return True

    monkeypatch.setattr(search, "_index_bundle", index_bundle)
    index = SiteIndex(site, papers, tmp_path / "work" / "search.json")
    done = threading.Event()
    follower = threading.Thread(target=index.follow, args=(lambda: "book/papers/p4", done, 0))
    follower.start()
    assert shard_begun.wait(10)

    def followed():
        done.set()
        follower.join()
    assert index.finish(followed) == dict.fromkeys([PRIMARY, f"{SHARDS}/0", f"{SHARDS}/1", f"{SHARDS}/2"], True)
    assert beside == [True]
    assert runs[:2] == [f"{SHARDS}/0", PRIMARY] and sorted(runs[2:]) == [f"{SHARDS}/1", f"{SHARDS}/2"]


def _revised(site, number: int, words: str, revision: str, around: str = "") -> None:
    """A paper page that carries its search revision, as the extension writes it; ``around`` stands for
    what the revision does not cover (the links to the pages beside it)."""
    (site / "book/papers").mkdir(parents=True, exist_ok=True)
    (site / f"book/papers/p{number:02}.html").write_text(
        f"<html lang='en'><body><nav>{around}</nav><main data-pagefind-body><h1>{words}</h1><p>{words} in a paragraph.</p>"
        f'<span data-pagefind-filter="revision:{revision}"></span></main></body></html>', "utf-8")


def _revised_site(tmp_path, monkeypatch):
    """A site of 40 paper pages carrying their revisions, in two shards of 20; its state file; its papers."""
    monkeypatch.setattr(search, "SHARD_SIZE", 20)
    site, state = tmp_path / "html", tmp_path / "work" / "search.json"
    _page(site, "book/welcome.html", "welcome")
    for number in range(40):
        _revised(site, number, f"paper{number} topic", f"{number:010x}")
    return site, state, {f"book/papers/p{number:02}.html" for number in range(40)}


def _merged(site) -> dict:
    return json.loads((site / PRIMARY / "merge.json").read_text())


def test_a_few_changed_paper_pages_are_indexed_apart_and_their_entries_in_the_shard_superseded(tmp_path, monkeypatch):
    site, state, papers = _revised_site(tmp_path, monkeypatch)
    first, second = f"{SHARDS}/0", f"{SHARDS}/1"
    assert index_site(site, papers, state) == {PRIMARY: True, first: True, second: True}
    shard_files = _files(site / first)

    _revised(site, 5, "paper5 revised", "5" * 10)
    assert index_site(site, papers, state) == {RECENT: True}
    assert _merged(site) == {"shards": [f"../{first}/", f"../{second}/", f"../{RECENT}/"],
                             "superseded": [f"{5:010x}", BALLAST_REVISION]}
    assert _files(site / first) == shard_files  # the shard is not indexed again
    fragments = [json.loads(gzip.decompress(data)[12:]) for name, data in _files(site / RECENT).items()
                 if name.startswith("fragment/")]
    revisions = {fragment["url"].rsplit("/", 1)[1]: fragment["filters"]["revision"] for fragment in fragments}
    assert revisions.pop("p05.html") == ["5" * 10] and "paper5 revised" in json.dumps(fragments)
    # The ballast: other pages, their entries superseded, spread over the shards.
    assert len(revisions) == search.BALLAST
    assert set(map(tuple, revisions.values())) == {(BALLAST_REVISION,)} and {"p00.html", "p38.html"} <= set(revisions)
    # Written again with the same revision (its links changed): nothing to index.
    _revised(site, 6, "paper6 topic", f"{6:010x}", around="a link to a new paper")
    assert index_site(site, papers, state) == {}
    _revised(site, 5, "paper5 revised again", "6" * 10)
    _revised(site, 7, "paper7 revised", "7" * 10)
    assert index_site(site, papers, state) == {RECENT: True}
    assert _merged(site)["superseded"] == [f"{5:010x}", f"{7:010x}", BALLAST_REVISION]  # the shard's, not the last bundle's

    # A third page of the shard (more than a tenth of it): the shard is indexed again, and nothing apart.
    _revised(site, 8, "paper8 revised", "8" * 10)
    assert index_site(site, papers, state) == {first: True}
    assert _merged(site) == {"shards": [f"../{first}/", f"../{second}/"], "superseded": []}
    assert not (site / RECENT).exists()

    # A paper removed, one added to a shard's run, one changed back to what its shard holds.
    (site / "book/papers/p30.html").unlink()
    papers.discard("book/papers/p30.html")
    _revised(site, 35, "paper35 revised", "9" * 10)
    assert index_site(site, papers, state) == {RECENT: True}
    assert _merged(site)["superseded"] == [f"{30:010x}", f"{35:010x}", BALLAST_REVISION]
    _revised(site, 35, "paper35 topic", f"{35:010x}")
    (site / "book/papers/p305.html").write_bytes((site / "book/papers/p35.html").read_bytes().replace(
        f"{35:010x}".encode(), b"a" * 10))
    papers.add("book/papers/p305.html")
    assert index_site(site, papers, state) == {RECENT: True}
    assert _merged(site)["superseded"] == [f"{30:010x}", BALLAST_REVISION]
    assert json.loads(state.read_text())["bundles"][RECENT]["book/papers/p305.html"] == "revision:" + "a" * 10


def test_a_page_whose_old_revision_another_page_now_has_is_indexed_with_its_shard(tmp_path, monkeypatch):
    """The search page leaves out a superseded revision wherever it is: a page holding it again (one
    moved into another shard's run, or a copy) would be left out too."""
    site, state, papers = _revised_site(tmp_path, monkeypatch)
    index_site(site, papers, state)
    _revised(site, 5, "paper5 revised", "5" * 10)
    _revised(site, 36, "paper5 topic", f"{5:010x}")
    assert index_site(site, papers, state) == {f"{SHARDS}/0": True, RECENT: True}
    assert _merged(site)["superseded"] == [f"{36:010x}", BALLAST_REVISION]
