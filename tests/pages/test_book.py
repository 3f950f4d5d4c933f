"""The generated pages: a paper's page made again only when what it is made from changed."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from dataclasses import replace
from pathlib import Path

import pytest

from proceedings.inputs.loader import load
from proceedings.inputs.pdf import PdfCache
from proceedings.model.locations import Project
from proceedings.model.paper import Notice
from proceedings.model.volume import Proceedings
from proceedings.outputs.citation import FORMATS, Citations
from proceedings.pages import book
from proceedings.pages.book import listing_pages, listings_key, paper_files, paper_keys, write_pages
from proceedings.util.textstore import read_texts

from conftest import REPO, tree_state

# The shipped archive's PDF facts, and the texts of those read anew by the fixture's load.
PDFS = PdfCache(Project(REPO).pdf_facts)


@pytest.fixture(scope="module")
def volume() -> Proceedings:
    loaded, _ = load(Project(REPO), pdf_cache=PDFS)
    assert loaded is not None
    return loaded


def _pages(volume: Proceedings) -> dict[str, str]:
    pages = [*listing_pages(volume, 400), *paper_files(Citations(volume), PDFS.text)]
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


def _paper_texts(volume: Proceedings) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Each paper's page and text file by path, and each of its citation records by paper id and kind."""
    citations = Citations(volume)
    pages = {path: make() for path, make in paper_files(citations, PDFS.text)}
    records = {(paper.id, f.ext): f.write(citations, [paper]) for paper in volume.cited_papers for f in FORMATS}
    records |= {(paper.id, "datacite"): str(citations.paper_datacite(paper)) for paper in volume.papers}
    return pages, records


def _changes(volume: Proceedings) -> dict[str, Proceedings]:
    """The volume changed in each way another paper's page or citations can show."""
    papers = volume.papers
    first, second = papers[0], papers[1]
    twin = replace(first, id="example-twin", doi=None)
    # A paper listed first names an author or keyword as another paper does, written otherwise:
    # the index shows it as first written, and the other paper's search filters with it.
    other = replace(twin, id="example-other", title="A Different Study", authors=second.authors[:1], keywords=(), pdf=None)
    author = replace(second.authors[0], name=second.authors[0].name.upper(), orcid=None)
    program = volume.program
    return {
        "retitled": _with(volume, 0, title=first.title + " (revised)"),
        "a key taken": _with(volume, 1, authors=first.authors, title=first.title),
        "added first": replace(volume, papers=(twin, *papers)),  # it takes the key the first had
        "added last": replace(volume, papers=(*papers, twin)),
        "removed": replace(volume, papers=papers[1:]),
        "withdrawn": _with(volume, 0, withdrawn=Notice(dt.date(2026, 5, 1), "Withdrawn by the authors.")),
        "more pages": replace(volume, pdfs={**volume.pdfs, first.pdf: replace(volume.pdfs[first.pdf], pages=99)}),
        "other slides": replace(volume, pdfs={**volume.pdfs, first.slides: replace(volume.pdfs[first.slides], size=9_999_999)}),
        "author written otherwise": replace(volume, papers=(replace(other, authors=(author,)), *papers)),
        "keyword written otherwise": replace(volume, papers=(replace(other, keywords=(first.keywords[0].upper(),)), *papers)),
        "no volume PDF": replace(volume, volume_pdf=False),
        "slot moved": replace(volume, program=(replace(program[0], papers=(second.id,)), *program[1:])),
        "recording gone": replace(volume, recordings=volume.recordings[1:]),
    }


def test_no_page_or_citation_record_keeps_its_key_when_its_text_changes(volume):
    """The keys hold what each paper's page and records show of the rest of the volume, and no
    more: after each change of :func:`_changes`, every page and record whose text changed has a new
    key, and an added paper changes no other paper's key (every page was made again before)."""
    pages, records = _paper_texts(volume)
    keys, made_from = paper_keys(Citations(volume), 400), Citations(volume).made_from
    for name, changed in _changes(volume).items():
        now_pages, now_records = _paper_texts(changed)
        now_keys, now_made_from = paper_keys(Citations(changed), 400), Citations(changed).made_from
        rekeyed = {id_ for id_, key in now_keys.items() if keys.get(id_) != key}
        assert {path.split("/")[1].rpartition(".")[0] for path, text in now_pages.items()
                if pages.get(path) != text} <= rekeyed, name
        assert {id_ for (id_, _), text in now_records.items() if records.get((id_, _)) != text} <= {id_ for id_, key in now_made_from.items() if made_from.get(id_) != key}, name
        assert rekeyed, name
    added = _changes(volume)["added last"]
    assert {id_ for id_, key in paper_keys(Citations(added), 400).items() if keys.get(id_) != key} == {"example-twin"}
    assert all(paper_keys(Citations(volume), 401)[id_] != key for id_, key in keys.items())  # the index pages' limit


def _project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(REPO / "papers", root / "papers")
    (root / "book").mkdir()
    return Project(root)


def test_written_pages_are_those_a_fresh_build_writes_after_any_change(volume, tmp_path, monkeypatch):
    """Each change (an abstract, a title, the volume's title, a removed or hand-edited page file, a lost key file)
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
        write_pages(project, Citations(current), PDFS.text)
        made_now = sorted(made)
        shutil.rmtree(fresh.book)
        fresh.book.mkdir()
        fresh.page_keys.unlink(missing_ok=True)
        write_pages(fresh, Citations(current), PDFS.text)
        assert tree_state(project.book) == tree_state(fresh.book)
        return made_now

    everything = sorted(["listings", *(paper.id for paper in volume.papers)])
    assert written(volume) == everything
    assert written(volume) == []
    edited = _with(volume, 1, abstract=second.abstract + " Corrected.", tldr="A new TL;DR.")
    assert written(edited) == [second.id]
    retitled = _with(edited, 0, title=first.title + " (revised)")
    assert written(retitled) == sorted([first.id, "listings"])  # the title is in the indexes, not in other papers' pages
    renamed = replace(retitled, workshop=replace(retitled.workshop, booktitle="Proceedings of Another Workshop"))
    assert written(renamed) == everything  # every citation names the proceedings
    retitled = renamed
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
    write_pages(project, Citations(retitled), PDFS.text)
    project.page_keys.unlink()  # the listings made again while it is there
    write_pages(project, Citations(retitled), PDFS.text)
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
        write_pages(project, citations, PDFS.text)
        citations.save()
        assert len(read_texts(project.references)) == len(volume.cited_papers) > 0
