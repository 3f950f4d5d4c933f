"""The listings: the papers index, a page per track, the committee; and the lines that list papers and
say where they are presented, which the other pages share."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from ..model.indexes import listed_name
from ..model.paper import Paper
from ..model.program import Slot
from ..model.volume import Proceedings
from ..model.workshop import Track
from ..outputs.citation import FORMATS
from ..util import myst
from ..util.text import plural
from .generated import INDEX_PAGE_LIMIT, NOT_SEARCHED, generated_page


def paper_item(paper: Paper, prefix: str, extra: tuple[str, ...] = ()) -> str:
    """A list item linking a paper (``prefix`` leads to ``book/papers/``), with its authors."""
    names = ", ".join(myst.text(author.name) for author in paper.authors)
    after = [f"**{myst.text(paper.award)}**"] if paper.award else []
    if paper.removal:
        after.append(f"**{paper.removal_label}**")
    details = " · ".join([names, *after, *(e for e in extra if e)])
    return f"- [{myst.rich_text(paper.title)}]({prefix}{paper.id}.md)  \n  {details}"


def presented_in(volume: Proceedings, item_id: str) -> str:
    """Where and when a paper or talk is presented, linked to the program, its times in the zone the
    reader chose on the program page."""
    slots = volume.slots_of(item_id)
    if not slots:
        return ""
    links = [f"{myst.ref(slot.title, slot.anchor)}, {slot_span(volume, slot)}" for slot in slots]
    return f"**Presented:** {' · '.join(links)}; {myst.role('venuezone', zone_label(volume))}"


def slot_span(volume: Proceedings, slot: Slot) -> str:
    """The slot's start and end times as roles the reader's script can show in their own zone."""
    workshop = volume.workshop
    return time_span(slot.start_at(workshop.date, workshop.timezone), slot.end_at(workshop.date, workshop.timezone),
                     workshop.timezone)


def time_span(start: dt.datetime, end: dt.datetime, zone: str) -> str:
    """Two times in the venue's ``zone``, as roles the reader's script can show in their own zone."""
    return f"{myst.role('venuetime', f'{start.isoformat()} {zone}')}–{myst.role('venuetime', f'{end.isoformat()} {zone}')}"


def zone_name(volume: Proceedings) -> str:
    """Whose clock the program's times are on, e.g. 'Rio de Janeiro time'."""
    return f"{volume.workshop.location.split(',')[0]} time"


def zone_label(volume: Proceedings) -> str:
    """The zone's name and identifier, e.g. 'Rio de Janeiro time (America/Sao_Paulo)'."""
    return f"{zone_name(volume)} ({volume.workshop.timezone})"


def _listing(papers: list[Paper], prefix: str) -> str:
    return "\n".join(paper_item(paper, prefix) for paper in papers)


def _counted(papers: Sequence[Paper], noun: str) -> str:
    """How many of ``papers`` are in the volume, and how many were withdrawn or retracted, which
    their pages still list: '12 accepted papers (and 1 withdrawn)'."""
    removed = Counter(paper.removal_label.lower() for paper in papers if paper.removal_label)
    counted = plural(len(papers) - removed.total(), noun)
    return f"{counted} (and {' and '.join(f'{n} {label}' for label, n in sorted(removed.items()))})" if removed else counted


def track_page(volume: Proceedings, track: Track) -> str:
    """The listing of one track's papers."""
    papers = volume.papers_in(track)
    return generated_page(NOT_SEARCHED, myst.text(track.title), myst.text(track.description or ""),
                          f"{_counted(papers, 'paper')}.", _listing(papers, "../papers/"))


def papers_index(volume: Proceedings, limit: int = INDEX_PAGE_LIMIT) -> str:
    """Every paper of the volume, grouped by track (past ``limit`` papers, the tracks only), with the
    whole volume's citations."""
    downloads = ", ".join(myst.role("asset", f"{f.label} <../../proceedings.{f.ext}>") for f in FORMATS)
    blocks = [f"{_counted(volume.papers, 'accepted paper')}. Cite them all: {downloads}."]
    if volume.page_ranges:
        blocks.append(f"The whole volume in one PDF: {myst.role('asset', 'proceedings.pdf <../../proceedings.pdf>')}.")
    if len(volume.papers) <= limit:
        for track in volume.workshop.tracks:
            blocks += [f"## {myst.text(track.title)}", _listing(volume.papers_in(track), "")]
    else:  # the track pages list the papers; this page would repeat them all
        blocks += [f"- [{myst.text(track.title)}](../tracks/{track.id}.md): {_counted(volume.papers_in(track), 'paper')}"
                   for track in volume.workshop.tracks]
    return generated_page(NOT_SEARCHED, "Papers", *blocks)


def committee_page(volume: Proceedings) -> str:
    """Organizers, area chairs and program committee, as listed in ``workshop.yml``."""
    blocks = []
    for heading, people in volume.committees:
        blocks += [f"## {heading}", "\n".join(f"- {listed_name(group, myst.text)}" for group in people)]
    return generated_page({}, "Organizers and committee", *blocks)



