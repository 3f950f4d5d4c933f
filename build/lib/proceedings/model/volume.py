"""The whole proceedings volume: the one model every output is derived from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from .indexes import (
    IndexedPerson,
    author_index,
    keyword_groups,
    keyword_index,
    keyword_key,
    merged_people,
)
from .keys import citation_keys
from .locations import paper_docname
from .paper import Paper
from .pdf_facts import PdfFacts
from .people import Person
from .program import Slot
from .recording import Recording
from .talk import Talk
from .workshop import Track, Workshop


@dataclass(frozen=True)
class Proceedings:
    """The workshop, its accepted papers and the facts read from their PDFs."""

    workshop: Workshop
    """The volume's metadata."""
    papers: tuple[Paper, ...]
    """Accepted papers in the order the organizer listed them."""
    pdfs: dict[str, PdfFacts] = field(default_factory=dict)
    """Facts of every referenced PDF, by its path relative to ``papers/``."""
    talks: tuple[Talk, ...] = ()
    """Invited talks and panels."""
    program: tuple[Slot, ...] = ()
    """The schedule's slots, in time order."""
    recordings: tuple[Recording, ...] = ()
    """Recordings, published or not."""
    volume_pdf: bool = True
    """Whether the volume PDF is made, which numbers the papers as its pages."""

    @cached_property
    def keys(self) -> dict[str, str]:
        """Citation key of each paper, by paper id."""
        return citation_keys(self.cited_papers, self.workshop.year)

    @cached_property
    def cited_papers(self) -> tuple[Paper, ...]:
        """The papers of the volume proper: all but the withdrawn and retracted ones."""
        return tuple(paper for paper in self.papers if paper.cited)

    @cached_property
    def authors(self) -> list[IndexedPerson]:
        """The author index: every author and speaker once, sorted by family name."""
        return author_index(self.cited_papers, self.talks)

    @cached_property
    def keywords(self) -> list[tuple[str, str, list[str]]]:
        """The keyword index: (keyword as first written, anchor, paper ids), sorted."""
        return keyword_index(self.cited_papers, self._keyword_groups)

    @cached_property
    def _keyword_groups(self) -> dict[str, str]:
        # Of every paper's keywords, withdrawn ones too: a withdrawn paper's page links its keywords
        # to the entries of the groups they belong to.
        return keyword_groups(keyword for paper in self.papers for keyword in paper.keywords)

    @cached_property
    def _author_entries(self) -> dict[Person, IndexedPerson]:
        return {member: entry for entry in self.authors for member in entry.members}

    def author_entry(self, person: Person) -> IndexedPerson | None:
        """The person's entry in the author index (none for authors only of withdrawn papers)."""
        return self._author_entries.get(person)

    @cached_property
    def _keyword_entries(self) -> dict[str, tuple[str, str, list[str]]]:
        entries = {self._keyword_groups[keyword_key(entry[0])]: entry for entry in self.keywords}
        return {key: entries[group] for key, group in self._keyword_groups.items() if group in entries}

    def keyword_entry(self, keyword: str) -> tuple[str, str, list[str]] | None:
        """The keyword's entry in the keyword index (none for keywords only of withdrawn papers)."""
        return self._keyword_entries.get(keyword_key(keyword))

    def keyword_anchor(self, keyword: str) -> str | None:
        """The label of the keyword's entry in the keyword index."""
        entry = self.keyword_entry(keyword)
        return entry[1] if entry else None

    @cached_property
    def bound_papers(self) -> list[Paper]:
        """The papers of the volume PDF: those with a PDF, in program order, then in listing order."""
        first_slot: dict[str, dt.time] = {}
        for slot in self.program:
            for paper_id in slot.papers:
                first_slot.setdefault(paper_id, slot.start)
        with_pdf = [paper for paper in self.cited_papers if paper.pdf]
        order = {paper.id: index for index, paper in enumerate(with_pdf)}
        return sorted(with_pdf, key=lambda p: (p.id not in first_slot, first_slot.get(p.id, dt.time()), order[p.id]))

    @cached_property
    def page_ranges(self) -> dict[str, tuple[int, int]]:
        """First and last page of each paper in the volume PDF (none when it is not made)."""
        ranges, page = {}, 1
        for paper in self.bound_papers if self.volume_pdf else []:
            pages = facts.pages if (facts := self.facts(paper.pdf)) else 0
            ranges[paper.id] = (page, page + pages - 1)
            page += pages
        return ranges

    @cached_property
    def author_pages(self) -> list[tuple[str, list[int]]]:
        """The volume PDF's author index: each author of its papers, named as the author index names
        them, with the first pages of their papers, ascending."""
        ranges = self.page_ranges
        return [(entry.person.name, pages) for entry in self.authors
                if (pages := sorted(ranges[paper_id][0] for paper_id in entry.papers if paper_id in ranges))]

    @cached_property
    def committees(self) -> list[tuple[str, list[list[Person]]]]:
        """Organizers, area chairs and program committee, as headed lists of people, each person
        once with every record that names them (a reviewer listed twice is one reviewer)."""
        workshop = self.workshop
        groups = (("Organizers", workshop.organizers), ("Area chairs", workshop.area_chairs),
                  ("Program committee", workshop.program_committee))
        return [(heading, merged_people(people)) for heading, people in groups if people]

    def paper(self, paper_id: str) -> Paper | None:
        """The paper with this id, if any."""
        return self.papers_by_id.get(paper_id)

    def talk(self, talk_id: str) -> Talk | None:
        """The talk with this id, if any."""
        return self.talks_by_id.get(talk_id)

    @cached_property
    def papers_by_id(self) -> dict[str, Paper]:
        """Every paper, by id."""
        return {paper.id: paper for paper in self.papers}

    @cached_property
    def talks_by_id(self) -> dict[str, Talk]:
        """Every talk and panel, by id."""
        return {talk.id: talk for talk in self.talks}

    def track_of(self, paper: Paper) -> Track:
        """The track the paper was accepted to (every paper's track is one of the workshop's)."""
        return self._tracks_by_id[paper.track]

    @cached_property
    def _tracks_by_id(self) -> dict[str, Track]:
        return {track.id: track for track in self.workshop.tracks}

    def recording(self, item_id: str) -> Recording | None:
        """The published recording of a paper or talk, if any (the first, if several); none of a
        paper taken down."""
        return self._recordings_by_item.get(item_id)

    @cached_property
    def _recordings_by_item(self) -> dict[str, Recording]:
        taken_down = {paper.id for paper in self.papers if paper.taken_down}
        return {recording.item: recording for recording in reversed(self.recordings)
                if recording.published and recording.item not in taken_down}

    def slots_of(self, item_id: str) -> list[Slot]:
        """The program slots in which a paper or talk is presented."""
        return list(self._slots_by_item.get(item_id, ()))

    @cached_property
    def _slots_by_item(self) -> dict[str, list[Slot]]:
        slots: dict[str, list[Slot]] = {}
        for slot in self.program:
            for item_id in dict.fromkeys([*([slot.talk] if slot.talk else []), *slot.papers]):
                slots.setdefault(item_id, []).append(slot)
        return slots

    def papers_in(self, track: Track) -> list[Paper]:
        """The papers of one track, in listing order."""
        return [paper for paper in self.papers if paper.track == track.id]

    def page_url(self, docname: str) -> str:
        """The public URL of a page of the book."""
        return f"{self.workshop.base_url}{docname}.html"

    def url(self, paper: Paper) -> str:
        """The public URL of the paper's page."""
        return self.page_url(paper_docname(paper.id))

    def pdf_url(self, paper: Paper) -> str:
        """The public URL of the paper's PDF (when it has one), in the same folder as its page."""
        return f"{self.workshop.base_url}{paper_docname(paper.id)}.pdf"

    def preview_url(self, paper: Paper) -> str:
        """The public URL of the first-page preview of the paper's PDF (when it has one)."""
        return f"{self.workshop.base_url}{paper_docname(paper.id)}.png"

    def facts(self, path: str | None) -> PdfFacts | None:
        """Facts of the PDF at ``path`` (relative to ``papers/``), if it is one."""
        return self.pdfs.get(path) if path else None
