"""Every generated page of the book, written under ``book/`` only where it changed."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.locations import GENERATED_DIRS, GENERATED_MARKER, Project
from ..outputs.citation import Citations
from ..util.files import foreign_files, remove_others, write_if_changed
from ..util.progress import progress
from .generated import INDEX_PAGE_LIMIT
from .index_pages import authors_pages, keywords_pages
from .listings import committee_page, papers_index, track_page
from .papers import paper_page, paper_text
from .program import downloads_list, event_line, program_page, speakers_list, talk_page


def generated_pages(citations: Citations, limit: int = INDEX_PAGE_LIMIT) -> Iterator[tuple[str, str]]:
    """Every generated page: its path relative to ``book/`` and its MyST text, one at a time (a
    thousand papers make a hundred megabytes of pages); ``limit`` is the index pages' limit."""
    volume = citations.volume
    yield "papers/index.md", papers_index(volume, limit)
    yield "people/committee.md", committee_page(volume)
    yield from authors_pages(volume, limit).items()
    yield from keywords_pages(volume, limit).items()
    yield "program/index.md", program_page(volume)
    yield "program/speakers.txt", speakers_list(volume)
    yield "program/event.txt", event_line(volume)
    yield "program/downloads.txt", downloads_list(volume)
    for track in volume.workshop.tracks:
        yield f"tracks/{track.id}.md", track_page(volume, track)
    for paper in progress(volume.papers, len(volume.papers), "paper pages"):
        yield f"papers/{paper.id}.md", paper_page(citations, paper)
        if text := paper_text(volume, paper):
            yield f"papers/{paper.id}.txt", text
    for talk in volume.talks:
        yield f"talks/{talk.id}.md", talk_page(volume, talk)


def write_pages(project: Project, citations: Citations, limit: int = INDEX_PAGE_LIMIT) -> int:
    """Write the generated MyST pages under ``book/``, removing those no longer generated; the
    number of files that changed. A page someone wrote by hand in those folders (``check`` reports
    it) is neither replaced nor removed, nor is a text file beside it."""
    hand_written = {path for name in GENERATED_DIRS for path in foreign_files(project.book / name, GENERATED_MARKER)}
    written, pages = 0, set()
    for path, text in generated_pages(citations, limit):
        target = project.book / path
        pages.add(target)
        if target.with_suffix(".md") not in hand_written:
            written += write_if_changed(target, text)
    # A paper's text file goes with its page, or with its PDF's text; other text files are not ours.
    texts = {page.with_suffix(".txt") for page in (project.book / "papers").glob("*.md") if page not in hand_written}
    for name in GENERATED_DIRS:
        remove_others(project.book / name, pages | hand_written, "*.md")
    for orphan in texts - pages:
        orphan.unlink(missing_ok=True)
    return written
