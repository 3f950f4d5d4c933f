"""The generated pages: a paper's page made again only when what it is made from changed."""

from __future__ import annotations

import json
import shutil
import zoneinfo
from dataclasses import replace
from pathlib import Path

import pytest

from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.model.volume import Proceedings
from proceedings.outputs.citation import Citations
from proceedings.pages import book
from proceedings.pages.book import listing_pages, listings_key, paper_files, paper_keys, write_pages

from conftest import REPO, tree_state


@pytest.fixture(scope="module")
def volume() -> Proceedings:
    loaded, _ = load(Project(REPO))
    assert loaded is not None
    return loaded


def _pages(volume: Proceedings) -> dict[str, str]:
    pages = [*listing_pages(volume, 400), *paper_files(Citations(volume))]
    return {path: make() for path, make in pages}


def _with(volume: Proceedings, index: int, **changes) -> Proceedings:
    papers = list(volume.papers)
    papers[index] = replace(papers[index], **changes)
    return replace(volume, papers=tuple(papers))


@pytest.mark.parametrize("field", ["abstract", "tldr"])
def test_what_a_key_leaves_out_of_the_other_papers_no_other_page_shows(volume, field):
    """The keys rest on this: a paper's abstract and TL;DR are on its own page only. Changed on
    each paper in turn, every other page (the other papers' and the listings) is the same, and only
    that paper's key changed."""
    before_pages, before_keys = _pages(volume), paper_keys(Citations(volume), 400)
    listings = listings_key(Citations(volume), 400)
    for index, paper in enumerate(volume.papers):
        changed = _with(volume, index, **{field: "A changed text with $x^2$ in it."})
        pages, keys = _pages(changed), paper_keys(Citations(changed), 400)
        own = {f"papers/{paper.id}.md"}
        assert {path for path in pages if pages[path] != before_pages[path]} == own, paper.id
        assert {id_ for id_ in keys if keys[id_] != before_keys[id_]} == {paper.id}
        assert listings_key(Citations(changed), 400) == listings


def test_what_other_pages_show_changes_every_key(volume):
    keys = paper_keys(Citations(volume), 400)
    first = volume.papers[0]
    renamed = _with(volume, 0, title=first.title + " (revised)")
    assert all(paper_keys(Citations(renamed), 400)[id_] != key for id_, key in keys.items())
    assert all(paper_keys(Citations(volume), 401)[id_] != key for id_, key in keys.items())  # the index pages' limit


def _project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(REPO / "papers", root / "papers")
    (root / "book").mkdir()
    return Project(root)


def test_written_pages_are_those_a_fresh_build_writes_after_any_change(volume, tmp_path, monkeypatch):
    """Each change (an abstract, a title, a removed or hand-edited page file, a lost key file)
    leaves the book exactly as writing every page afresh does, and only the pages it reaches are
    made: the others are not even made to compare. The listing pages (indexes, tracks, program,
    talks) are made as one, when anything of the volume but an abstract or TL;DR changed, or one of
    them is not as written."""
    project, fresh = _project(tmp_path), _project(tmp_path / "fresh")
    made: list[str] = []
    original, authors = book.paper_page, book.authors_pages
    monkeypatch.setattr(book, "paper_page", lambda citations, paper: made.append(paper.id) or original(citations, paper))
    monkeypatch.setattr(book, "authors_pages", lambda *args: made.append("listings") or authors(*args))
    first, second = volume.papers[0], volume.papers[1]

    def written(current: Proceedings) -> list[str]:
        made.clear()
        write_pages(project, Citations(current))
        made_now = sorted(made)
        shutil.rmtree(fresh.book)
        fresh.book.mkdir()
        fresh.page_keys.unlink(missing_ok=True)
        write_pages(fresh, Citations(current))
        assert tree_state(project.book) == tree_state(fresh.book)
        return made_now

    everything = sorted(["listings", *(paper.id for paper in volume.papers)])
    assert written(volume) == everything
    assert written(volume) == []
    edited = _with(volume, 1, abstract=second.abstract + " Corrected.", tldr="A new TL;DR.")
    assert written(edited) == [second.id]
    retitled = _with(edited, 0, title=first.title + " (revised)")
    assert written(retitled) == everything  # the title is in other pages' metadata, indexes and keys
    (project.book / "papers" / f"{second.id}.md").unlink()
    assert written(retitled) == [second.id]
    (project.book / "papers" / f"{second.id}.txt").write_text("edited by hand", "utf-8")
    assert written(retitled) == []  # the text file alone is written again, from the PDF's text
    page = project.book / "papers" / f"{first.id}.md"
    page.write_text(page.read_text("utf-8").replace("Abstract", "Summary"), "utf-8")  # a hand edit of a generated page
    assert written(retitled) == [first.id]
    (project.book / "people" / "committee.md").unlink()
    assert written(retitled) == ["listings"]
    committee = project.book / "people" / "committee.md"
    committee.write_text("# Our committee\n\nWritten by hand.\n", "utf-8")  # a page of the organizer's in its place
    write_pages(project, Citations(retitled))
    project.page_keys.unlink()  # the listings made again while it is there
    write_pages(project, Citations(retitled))
    assert "by hand" in committee.read_text("utf-8")
    committee.unlink()
    assert written(retitled) == ["listings"] and committee.is_file()
    project.page_keys.unlink()
    assert written(retitled) == everything


def test_a_new_time_zone_database_makes_the_pages_naming_a_slot_again(volume, tmp_path):
    """A page names its paper's slots with their offsets from UTC, which come from the time zone
    database (the system's, or the tzdata package's), not from the papers."""
    zone = volume.workshop.timezone
    source = next(Path(folder) / "Asia" / "Tokyo" for folder in zoneinfo.TZPATH if (Path(folder) / "Asia" / "Tokyo").is_file())
    (tmp_path / zone).parent.mkdir(parents=True)
    shutil.copy(source, tmp_path / zone)  # the venue's zone with Tokyo's rules
    keys = paper_keys(Citations(volume), 400)
    try:
        zoneinfo.reset_tzpath([str(tmp_path)])
        zoneinfo.ZoneInfo.clear_cache()
        assert all(paper_keys(Citations(volume), 400)[id_] != key for id_, key in keys.items())
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()
    assert paper_keys(Citations(volume), 400) == keys


def test_the_references_of_pages_not_made_again_stay_in_their_cache(volume, tmp_path):
    """Kept pages ask for no reference, yet theirs stay cached: the next change that reaches every
    page (a title) would otherwise format them all again (10 ms each)."""
    project = _project(tmp_path)
    for _ in range(2):
        citations = Citations(volume, project.references)
        write_pages(project, citations)
        citations.save()
        cached = json.loads(project.references.read_text("utf-8"))
        assert len(cached) == len(volume.cited_papers) > 0
