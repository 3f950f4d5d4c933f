"""Every generated page of the book, written under ``book/`` only where it changed.

A paper's page is made again only when what it is made from changed: what its citations are made
from (:attr:`~proceedings.outputs.citation.Citations.made_from`: its paper, and the rest of the
volume but the other papers' abstracts and TL;DRs, which no page but their own shows, as a test
checks by changing each and comparing every other page), the index pages' limit and the slots'
times as the time zone database gives them. Its key is kept with the size and time of the page
written from it (``page-keys.json``); a page whose file is not as written (edited, removed) is
made again. After one edited abstract at 1,000 papers, making the thousand pages and reading them
back to compare took most of a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from ..model.locations import GENERATED_DIRS, GENERATED_MARKER, Project
from ..outputs.citation import Citations
from ..util.files import foreign_files, read_json, remove_others, signature_if_file, write_if_changed
from ..util.progress import progress
from .generated import INDEX_PAGE_LIMIT
from .index_pages import authors_pages, keywords_pages
from .listings import committee_page, papers_index, slot_span, track_page
from .papers import paper_page, paper_text
from .program import downloads_list, event_line, program_page, speakers_list, talk_page

Page = tuple[str, Callable[[], str]]
"""A generated page: its path relative to ``book/`` and what makes its MyST text."""


def generated_pages(citations: Citations, limit: int = INDEX_PAGE_LIMIT) -> Iterator[Page]:
    """Every generated page, made only when asked, one at a time (a thousand papers make a hundred
    megabytes of pages); ``limit`` is the index pages' limit."""
    volume = citations.volume
    yield "papers/index.md", partial(papers_index, volume, limit)
    yield "people/committee.md", partial(committee_page, volume)
    yield from _made(authors_pages(volume, limit))
    yield from _made(keywords_pages(volume, limit))
    yield "program/index.md", partial(program_page, volume)
    yield "program/speakers.txt", partial(speakers_list, volume)
    yield "program/event.txt", partial(event_line, volume)
    yield "program/downloads.txt", partial(downloads_list, volume)
    for track in volume.workshop.tracks:
        yield f"tracks/{track.id}.md", partial(track_page, volume, track)
    for paper in progress(volume.papers, len(volume.papers), "paper pages"):
        yield f"papers/{paper.id}.md", partial(paper_page, citations, paper)
        if text := paper_text(volume, paper):
            yield f"papers/{paper.id}.txt", partial(str, text)
    for talk in volume.talks:
        yield f"talks/{talk.id}.md", partial(talk_page, volume, talk)


def _made(pages: dict[str, str]) -> Iterator[Page]:
    return ((path, partial(str, text)) for path, text in pages.items())


def paper_keys(citations: Citations, limit: int) -> dict[str, str]:
    """The key of each paper's page, by paper id: a digest of what it is made from."""
    volume = citations.volume
    # The times of the slots a page names come with their offsets from the time zone database.
    context = f"{limit}\n{[slot_span(volume, slot) for slot in volume.program]}"
    return {paper.id: hashlib.sha256(f"{citations.made_from[paper.id]}\n{context}\n{bool(paper_text(volume, paper))}"
                                     .encode()).hexdigest()
            for paper in volume.papers}


class _PageKeys:
    """What each paper's page was last written from: its key, the size and time of the file
    written, and the key of the APA reference it shows (kept in the cache of texts while the page
    is)."""

    def __init__(self, path: Path, book: Path):
        self.path = path
        self.book = book
        self.last: dict[str, list] = read_json(path, {})
        self.current: dict[str, list] = {}
        # Until it is saved, a page written in this build must not pass for one made from its old key.
        path.unlink(missing_ok=True)

    def held(self, page: str, key: str) -> list | None:
        """The record of ``page`` if its file is as it was written from ``key``, else None."""
        signature = signature_if_file(self.book / page)
        record = self.last.get(page)
        if signature is None or not isinstance(record, list) or len(record) != 4 or record[:3] != [key, *signature]:
            return None
        self.current[page] = record
        return record

    def wrote(self, page: str, key: str, reference: str) -> None:
        """``page`` now holds what ``key`` makes, with the APA reference of key ``reference``."""
        signature = signature_if_file(self.book / page)
        if signature is not None:
            self.current[page] = [key, *signature, reference]

    def save(self) -> None:
        write_if_changed(self.path, json.dumps(self.current, sort_keys=True))


def write_pages(project: Project, citations: Citations, limit: int = INDEX_PAGE_LIMIT) -> int:
    """Write the generated MyST pages under ``book/``, removing those no longer generated; the
    number of files that changed. A page someone wrote by hand in those folders (``check`` reports
    it) is neither replaced nor removed, nor is a text file beside it."""
    hand_written = {path for name in GENERATED_DIRS for path in foreign_files(project.book / name, GENERATED_MARKER)}
    volume = citations.volume
    keys = _PageKeys(project.page_keys, project.book)
    paper_pages = paper_keys(citations, limit)
    papers = {f"papers/{paper.id}.md": paper for paper in volume.papers}
    kept = {path: record for path, paper in papers.items() if (record := keys.held(path, paper_pages[paper.id]))}
    citations.keep_apa(record[3] for record in kept.values())
    # The references of the pages to make, in parallel when there are many (a new volume's).
    references = citations.format_all([paper for path, paper in papers.items() if paper.cited and path not in kept])
    written, pages = 0, set()
    for path, make in generated_pages(citations, limit):
        target = project.book / path
        pages.add(target)
        if target.with_suffix(".md") in hand_written or path in kept:
            continue
        written += write_if_changed(target, make())
        if paper := papers.get(path):
            keys.wrote(path, paper_pages[paper.id], references.get(paper.id, ""))
    keys.save()
    # A paper's text file goes with its page, or with its PDF's text; other text files are not ours.
    texts = {page.with_suffix(".txt") for page in (project.book / "papers").glob("*.md") if page not in hand_written}
    for name in GENERATED_DIRS:
        remove_others(project.book / name, pages | hand_written, "*.md")
    for orphan in texts - pages:
        orphan.unlink(missing_ok=True)
    return written
