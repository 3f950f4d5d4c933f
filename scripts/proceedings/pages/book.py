"""Every generated page of the book, written under ``book/`` only where it changed.

A paper's page is made again only when what it is made from changed: its paper, and the rest of
the volume but the other papers' abstracts and TL;DRs, which no page but their own shows (a test
changes each and compares every other page). The key of that, with the code's and the libraries'
versions, is kept with the size and time of the page written from it (``page-keys.json``); a page
whose file is not as written (edited, removed) is made again. After one edited abstract at 1,000
papers, making the thousand pages and reading them back to compare took most of a second.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache, partial
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from ..model.locations import GENERATED_DIRS, GENERATED_MARKER, Project
from ..model.paper import Paper
from ..model.volume import Proceedings
from ..outputs.citation import Citations
from ..util.files import foreign_files, read_json, remove_others, signature_if_file, write_if_changed
from ..util.progress import progress
from .generated import INDEX_PAGE_LIMIT
from .index_pages import authors_pages, keywords_pages
from .listings import committee_page, papers_index, track_page
from .papers import paper_page, paper_text
from .program import downloads_list, event_line, program_page, speakers_list, talk_page

Page = tuple[str, str | None, Callable[[], str]]
"""A generated page: its path relative to ``book/``, its key (None: made in every build) and what
makes its MyST text."""


def generated_pages(citations: Citations, limit: int = INDEX_PAGE_LIMIT,
                    keys: dict[str, str] | None = None) -> Iterator[Page]:
    """Every generated page, one at a time (a thousand papers make a hundred megabytes of pages);
    ``limit`` is the index pages' limit, ``keys`` the paper pages' (:func:`paper_keys`)."""
    volume = citations.volume
    keys = paper_keys(volume, limit) if keys is None else keys
    yield "papers/index.md", None, partial(papers_index, volume, limit)
    yield "people/committee.md", None, partial(committee_page, volume)
    yield from _made(authors_pages(volume, limit))
    yield from _made(keywords_pages(volume, limit))
    yield "program/index.md", None, partial(program_page, volume)
    yield "program/speakers.txt", None, partial(speakers_list, volume)
    yield "program/event.txt", None, partial(event_line, volume)
    yield "program/downloads.txt", None, partial(downloads_list, volume)
    for track in volume.workshop.tracks:
        yield f"tracks/{track.id}.md", None, partial(track_page, volume, track)
    for paper in progress(volume.papers, len(volume.papers), "paper pages"):
        yield f"papers/{paper.id}.md", keys[paper.id], partial(paper_page, citations, paper)
        if text := paper_text(volume, paper):
            yield f"papers/{paper.id}.txt", None, partial(str, text)
    for talk in volume.talks:
        yield f"talks/{talk.id}.md", None, partial(talk_page, volume, talk)


def _made(pages: dict[str, str]) -> Iterator[Page]:
    return ((path, None, partial(str, text)) for path, text in pages.items())


def paper_keys(volume: Proceedings, limit: int) -> dict[str, str]:
    """The key of each paper's page, by paper id: a digest of what it is made from."""
    others = replace(volume.without_pdf_texts(), papers=tuple(_own_parts_left_out(paper) for paper in volume.papers))
    context = hashlib.sha256(f"{_software()}\n{limit}\n{others!r}".encode()).hexdigest()
    return {paper.id: hashlib.sha256(f"{context}\n{paper!r}\n{bool(paper_text(volume, paper))}".encode()).hexdigest()
            for paper in volume.papers}


def _own_parts_left_out(paper: Paper) -> Paper:
    """The paper as the other papers' pages may see it: without what only its own page shows."""
    return replace(paper, abstract="", tldr=None)


@cache
def _software() -> str:
    """The pages' code (the whole package's) and the versions of Python and of the libraries."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        requirements = metadata.requires("workshop-proceedings-archive") or []
    except metadata.PackageNotFoundError:  # run from a checkout without being installed
        requirements = []
    for name in sorted(Requirement(text).name for text in requirements if Requirement(text).marker is None):
        try:
            digest.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()


class _PageKeys:
    """The key each page was last written from, with the size and time of the file then."""

    def __init__(self, path: Path, book: Path):
        self.path = path
        self.book = book
        self.last: dict[str, list] = read_json(path, {})
        self.current: dict[str, list] = {}
        # Until it is saved, a page written in this build must not pass for one made from its old key.
        path.unlink(missing_ok=True)

    def holds(self, page: str, key: str) -> bool:
        """Whether ``page`` is as it was written from ``key``."""
        signature = signature_if_file(self.book / page)
        if signature is None or self.last.get(page) != [key, *signature]:
            return False
        self.current[page] = self.last[page]
        return True

    def wrote(self, page: str, key: str) -> None:
        """``page`` now holds what ``key`` makes."""
        signature = signature_if_file(self.book / page)
        if signature is not None:
            self.current[page] = [key, *signature]

    def save(self) -> None:
        write_if_changed(self.path, json.dumps(self.current, sort_keys=True))


def write_pages(project: Project, citations: Citations, limit: int = INDEX_PAGE_LIMIT) -> int:
    """Write the generated MyST pages under ``book/``, removing those no longer generated; the
    number of files that changed. A page someone wrote by hand in those folders (``check`` reports
    it) is neither replaced nor removed, nor is a text file beside it."""
    hand_written = {path for name in GENERATED_DIRS for path in foreign_files(project.book / name, GENERATED_MARKER)}
    keys = _PageKeys(project.page_keys, project.book)
    paper_pages = paper_keys(citations.volume, limit)
    # The references of the pages to make, in parallel when there are many (a new volume's).
    citations.format_all([paper for paper in citations.volume.cited_papers
                          if not keys.holds(f"papers/{paper.id}.md", paper_pages[paper.id])])
    written, pages = 0, set()
    for path, key, make in generated_pages(citations, limit, paper_pages):
        target = project.book / path
        pages.add(target)
        if target.with_suffix(".md") in hand_written or (key and keys.holds(path, key)):
            continue
        written += write_if_changed(target, make())
        if key:
            keys.wrote(path, key)
    keys.save()
    # A paper's text file goes with its page, or with its PDF's text; other text files are not ours.
    texts = {page.with_suffix(".txt") for page in (project.book / "papers").glob("*.md") if page not in hand_written}
    for name in GENERATED_DIRS:
        remove_others(project.book / name, pages | hand_written, "*.md")
    for orphan in texts - pages:
        orphan.unlink(missing_ok=True)
    return written
