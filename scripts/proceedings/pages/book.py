"""Every generated page of the book, written under ``book/`` only where it changed.

A paper's page (and the text of its PDF beside it) is made again only when what it is made from
changed: what its citations are made from (:attr:`~proceedings.outputs.citation.Citations.made_from`:
the paper, the workshop, its citation key and pages in the volume), the program, and what the page
shows of the rest of the volume (its recording, its authors' and keywords' index entries, its
files' facts), the index pages' limit and the slots' times as the time zone database gives them;
a test changes the volume in every way a page can show and checks that no page whose text changed
kept its key. The other pages (indexes, tracks, program, talks: :func:`listing_pages`) are made
again, all together, when the volume but its papers' abstracts and TL;DRs changed, or the limit or
the slots' times. Each key is kept with the size and time of the page written from it
(``page-keys.json``); a page whose file is not as written (edited, removed) is made again. After
one edited abstract at 1,000 papers, making the thousand pages and reading them back to compare
took most of a second, and the listings 0.15 s; after an added paper, every page was made again
(its citations were keyed by the whole volume but the abstracts), 2 s of CPU with the citation
files beside them."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..model.locations import GENERATED_DIRS, GENERATED_MARKER, MATERIALS, Project
from ..model.paper import Paper
from ..model.volume import Proceedings
from ..outputs.citation import Citations
from ..records.diagnostics import Diagnostics
from ..util import myst
from ..util.files import file_names, foreign_files, read_json, remove_others, signature_if_file, write_if_changed
from ..util.progress import progress
from ..util.software import software_digest
from .generated import INDEX_PAGE_LIMIT
from .index_pages import authors_pages, keywords_pages
from .listings import committee_page, papers_index, slot_span, track_page
from .papers import paper_page, with_text
from .program import downloads_list, event_line, program_page, speakers_list, talk_page

Page = tuple[str, Callable[[], str]]
"""A generated page: its path relative to ``book/`` and what makes its MyST text."""


def listing_pages(volume: Proceedings, limit: int = INDEX_PAGE_LIMIT) -> Iterator[Page]:
    """The generated pages but the papers' own: indexes, listings, the program and the talks."""
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
    for talk in volume.talks:
        yield f"talks/{talk.id}.md", partial(talk_page, volume, talk)


def paper_files(citations: Citations, pdf_text: Callable[[str], str]) -> Iterator[Page]:
    """Each paper's page, and the text of its PDF beside it, which ``pdf_text`` gives by the PDF's
    hash (read only for a file made anew)."""
    volume = citations.volume
    for paper in progress(volume.papers, len(volume.papers), "paper pages"):
        yield f"papers/{paper.id}.md", partial(paper_page, citations, paper)
        if facts := with_text(volume, paper):
            yield f"papers/{paper.id}.txt", partial(pdf_text, facts.sha256)


def _made(pages: dict[str, str]) -> Iterator[Page]:
    return ((path, partial(str, text)) for path, text in pages.items())


def paper_keys(citations: Citations, limit: int) -> dict[str, str]:
    """The key of each paper's page and text file, by paper id: a digest of what they are made from."""
    volume = citations.volume
    shared = f"{_shared_key(citations, limit)}\n{volume.program!r}"
    return {paper.id: hashlib.sha256(f"{citations.made_from[paper.id]}\n{shared}\n{_shown_on_page(volume, paper)!r}"
                                     .encode()).hexdigest()
            for paper in volume.papers}


def _shown_on_page(volume: Proceedings, paper: Paper) -> tuple:
    """What a paper's page shows of the volume besides its citations and the program: its
    recording, the entries of its authors and keywords in the indexes (label and name), and the
    facts of its files (the text file's is the PDF's, which the facts' hash names)."""
    authors = [(indexed.anchor, indexed.person.name) if (indexed := volume.author_entry(author)) else None
               for author in paper.authors]
    keywords = [entry[:2] if (entry := volume.keyword_entry(keyword)) else None for keyword in paper.keywords]
    files = [volume.facts(getattr(paper, material.field, None)) for material in MATERIALS]
    return volume.recording(paper.id), authors, keywords, files


def listings_key(citations: Citations, limit: int) -> str:
    """The key of the pages but the papers' own (:func:`listing_pages`): a digest of what they are
    made from, the volume but its papers' abstracts and TL;DRs, and the software."""
    volume = citations.volume
    others = replace(volume, papers=tuple(replace(paper, abstract="", tldr=None) for paper in volume.papers))
    made_from = f"{software_digest()}\n{others!r}\n{_shared_key(citations, limit)}"
    return hashlib.sha256(made_from.encode()).hexdigest()


def _shared_key(citations: Citations, limit: int) -> str:
    # The times of the slots a page names come with their offsets from the time zone database.
    volume = citations.volume
    return f"{limit}\n{[slot_span(volume, slot) for slot in volume.program]}"


def _checksum(text: bytes) -> int:
    # To tell a page changed by hand from one only touched: not a digest to trust against anyone.
    return zlib.crc32(text)


class _PageKeys:
    """What each generated page was last written from: its key, the size and time of the file
    written, for a paper's page the key of the APA reference it shows (kept in the cache of texts
    while the page is), and the checksum of what was written (:func:`pages_changed_by_hand`); and
    which pages the listings' key made (:func:`listing_pages`)."""

    _LISTINGS = ""  # no page's path

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
        if signature is None or not isinstance(record, list) or len(record) != 5 or record[:3] != [key, *signature]:
            return None
        self.current[page] = record
        return record

    def wrote(self, page: str, key: str, text: str, reference: str = "") -> None:
        """``page`` now holds ``text``, what ``key`` makes, with the APA reference of key ``reference``."""
        signature = signature_if_file(self.book / page)
        if signature is not None:
            self.current[page] = [key, *signature, reference, _checksum(text.encode())]

    def listings(self, key: str, hand_written: Callable[[str], bool]) -> list[str] | None:
        """The listing pages made from ``key``, if every one of them is as written from it or
        ``hand_written`` (as when they were made); else None."""
        record = self.last.get(self._LISTINGS)
        if not (isinstance(record, list) and len(record) == 2 and record[0] == key and isinstance(record[1], list)):
            return None
        if not all(hand_written(page) or self.held(page, key) for page in record[1]):
            return None
        self.current[self._LISTINGS] = record
        return record[1]

    def listed(self, key: str, pages: list[str]) -> None:
        """The listing pages ``pages`` are now made from ``key`` (those not written by hand, written)."""
        self.current[self._LISTINGS] = [key, pages]

    def save(self) -> None:
        write_if_changed(self.path, json.dumps(self.current, sort_keys=True))


def pages_changed_by_hand(project: Project) -> Diagnostics:
    """An error for each generated page changed since the build wrote it: the next build would
    write it again from ``papers/``, and the change would be lost (a new-user trial's, under
    `serve`). A page only touched, or copied with the project, holds what was written. A page's seal
    (:func:`~proceedings.util.myst.seal_holds`) tells without the build's record (``rm -rf
    _build``, a page copied from another); the record tells for the PDFs' texts, and spares reading
    the pages as it wrote them."""
    diags = Diagnostics()
    records = read_json(project.page_keys, {})
    for folder in GENERATED_DIRS:
        for name in file_names(project.book / folder):
            page = f"{folder}/{name}"
            record = records.get(page)
            record = record if isinstance(record, list) and len(record) == 5 else None
            path = project.book / page
            if record and signature_if_file(path) == record[1:3]:
                continue
            text = path.read_bytes()
            sealed = myst.seal_holds(text) if name.endswith(".md") else None
            if sealed is False or (sealed is None and record and _checksum(text) != record[4] and
                                   (name.endswith(".txt") or GENERATED_MARKER.encode() in text[:1000])):
                diags.error(project.relative(path), None, None,
                            "changed by hand since the build wrote it; the build writes this page from papers/, so "
                            "make the change there instead, then delete this file to have it written again")
    return diags


def write_pages(project: Project, citations: Citations, pdf_text: Callable[[str], str],
                limit: int = INDEX_PAGE_LIMIT) -> int:
    """Write the generated MyST pages under ``book/`` (the PDFs' texts, by hash, from ``pdf_text``),
    removing those no longer generated; the number of files that changed. A page someone wrote by
    hand in those folders (``check`` reports it) is neither replaced nor removed, nor is a text file
    beside it."""
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

    def by_hand(path: str) -> bool:
        return (project.book / path).with_suffix(".md") in hand_written

    def put(path: str, make: Callable[[], str]) -> str | None:
        """Write the page unless someone wrote it by hand; what it holds, if it is ours."""
        nonlocal written
        pages.add(project.book / path)
        if by_hand(path):
            return None
        written += write_if_changed(project.book / path, text := make())
        return text

    listing = listings_key(citations, limit)
    if (listed := keys.listings(listing, by_hand)) is not None:
        pages.update(project.book / path for path in listed)  # none of them changed
    else:
        listed = []
        for path, make in listing_pages(volume, limit):
            listed.append(path)
            if (text := put(path, make)) is not None:
                keys.wrote(path, listing, text)
        keys.listed(listing, listed)
    for path, make in paper_files(citations, pdf_text):
        paper = papers[path.rpartition(".")[0] + ".md"]
        key = paper_pages[paper.id]
        if path in kept or (path.endswith(".txt") and keys.held(path, key)):
            pages.add(project.book / path)
        elif (text := put(path, make)) is not None:
            keys.wrote(path, key, text, references.get(paper.id, "") if path in papers else "")
    keys.save()
    # A paper's text file goes with its page, or with its PDF's text; other text files are not ours.
    texts = {page.with_suffix(".txt") for page in (project.book / "papers").glob("*.md") if page not in hand_written}
    for name in GENERATED_DIRS:
        remove_others(project.book / name, pages | hand_written, "*.md")
    for orphan in texts - pages:
        orphan.unlink(missing_ok=True)
    return written
