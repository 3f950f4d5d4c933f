"""The generated program page, a page per invited talk or panel, and the speakers list for the home page."""

from __future__ import annotations

import datetime as dt

from ..model.people import Person
from ..model.program import Slot
from ..model.talk import Talk
from ..model.volume import Proceedings
from ..util import myst
from ..util.latex import plain
from .generated import NOT_SEARCHED, generated_page
from .listings import paper_item, presented_in, slot_span, time_span, zone_label, zone_name
from .materials import material_links, preview_images, recording_block, recording_link, unpublished_materials


def _speaker(person: Person) -> str:
    name = myst.link(person.name, person.url) if person.url else myst.text(person.name)
    return name + (f", {myst.text(person.affiliation)}" if person.affiliation else "")


def program_page(volume: Proceedings) -> str:
    """Every slot in venue time, with its talk, its papers and their materials."""
    workshop = volume.workshop
    intro = (f"{workshop.date:%A %-d %B %Y}" + (f", room {myst.text(workshop.room)}" if workshop.room else "")
             + f", {myst.text(workshop.location)}. Times are {myst.role('venuezone', zone_label(volume))}. "
             f"{myst.role('zoneswitch', workshop.timezone)}")
    calendar = f"Add the program to your calendar: {myst.role('asset', 'program.ics <../../program.ics>')}."
    blocks = [intro, calendar] if volume.program else ["The program has not been published yet."]
    for slot in volume.program:
        blocks += [f"({slot.anchor})=", f"## {slot_span(volume, slot)} {myst.text(slot.title)}", _slot_body(volume, slot)]
    return generated_page({**NOT_SEARCHED, "og:description": _program_description(volume)}, "Program", *blocks)


def _program_description(volume: Proceedings) -> str:
    """What link previews and search engines show of the program page. Made from its text, it lost
    every time (they are the reader's script's elements): "Times are. ... – Opening Remarks:"."""
    workshop = volume.workshop
    when = f"{workshop.date:%A %-d %B %Y}, {workshop.location}"
    if not volume.program:
        return f"The program of {workshop.title}, {when}: not published yet."
    hours = f"{min(slot.start for slot in volume.program):%H:%M}–{max(slot.end for slot in volume.program):%H:%M}"
    titles = "; ".join(slot.title for slot in volume.program)
    return f"The program of {workshop.title}, {when}, {hours} {zone_label(volume)}: {titles}"[:300]


def _slot_body(volume: Proceedings, slot: Slot) -> str:
    lines = []
    if slot.talk and (talk := volume.talk(slot.talk)):
        extra = [*material_links(volume, talk, "../talks/"), recording_link(volume.recording(talk.id), "../talks/")]
        lines.append(f"[{myst.text(talk.title)}](../talks/{talk.id}.md): "
                     + "; ".join(_speaker(person) for person in talk.speakers)
                     + "".join(f" · {item}" for item in extra if item))
    elif slot.speaker:
        lines.append(myst.text(slot.speaker))
    papers = [paper for pid in slot.papers if (paper := volume.paper(pid))]
    items = [paper_item(paper, "../papers/", (*material_links(volume, paper, "../papers/"),
                                               recording_link(volume.recording(paper.id), "../papers/")))
             for paper in papers]
    return "\n\n".join(lines + ["\n".join(items)] if items else lines)


def talk_page(volume: Proceedings, talk: Talk) -> str:
    """An invited talk or panel: speakers, time, materials, recording, abstract and bio."""
    label = "Panel" if talk.kind == "panel" else "Invited talk"
    who = "\n".join(f"- {_speaker(person)}" for person in talk.speakers)
    links = material_links(volume, talk)
    return generated_page(
        {"orphan": True, "og:title": talk.title, "og:type": "article",
         "og:description": f"{label} by {talk.speaker_names}",
         "proceedings": {"title": plain(talk.title),
                         "search": {"filters": {"type": [label], "author": [p.name for p in talk.speakers]},
                                    "meta": {"title": plain(talk.title), "authors": talk.speaker_names}}}},
        myst.text(talk.title),
        f"**{label}** by", who,
        presented_in(volume, talk.id),
        "**Materials:** " + " · ".join(links) if links else "",
        unpublished_materials(talk, volume.recording(talk.id)),
        preview_images(talk),
        recording_block(volume.recording(talk.id)),
        "## Abstract" if talk.abstract else "", myst.paragraphs(talk.abstract or ""),
        "## About the speaker" if talk.bio else "", myst.paragraphs(talk.bio or "", math=False),
    )


def speakers_list(volume: Proceedings) -> str:
    """The invited speakers as a list, included by the home page (links are relative to ``book/``)."""
    if not volume.talks:
        return "The invited speakers will be announced.\n"
    lines = [f"- {'; '.join(_speaker(p) for p in talk.speakers)}: [{myst.text(talk.title)}](talks/{talk.id}.md)"
             for talk in volume.talks]
    return "\n".join(lines) + "\n"


def event_line(volume: Proceedings) -> str:
    """When and where, from ``workshop.yml`` and the program, for the home page to include (so that
    it agrees with them): the hosting conference, the day and hours in the venue's time, the place."""
    workshop = volume.workshop
    when = myst.text(f"{workshop.date:%A %-d %B %Y}")
    if volume.program:
        # As roles, which the reader's script shows in their zone when they chose it (a new-user trial
        # found the home page alone on the venue's clock).
        start = volume.program[0].start_at(workshop.date, workshop.timezone)
        end = max(slot.end_at(workshop.date, workshop.timezone) for slot in volume.program)
        # Not in brackets: the reader's script names their zone in brackets ("your time (Asia/Tokyo)").
        clock = myst.role("venuezone", f"{zone_name(volume)} ({_gmt(start)})")
        when += f", {time_span(start, end, workshop.timezone)} {clock}"
    where = ", ".join(part for part in (workshop.room and f"room {workshop.room}", workshop.location) if part)
    return " · ".join([myst.text(workshop.venue), when, myst.text(where)]) + "\n"


def _gmt(moment: dt.datetime) -> str:
    """The moment's offset from UTC as people write it: 'GMT−3', 'GMT+5:30', 'GMT'."""
    offset = moment.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return "GMT"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{'+' if minutes > 0 else '−'}{hours}" + (f":{rest:02d}" if rest else "")


def downloads_list(volume: Proceedings) -> str:
    """The whole volume's downloads, for the home page to include (links are relative to ``book/``):
    the volume PDF when it is made, and the site for reading offline."""
    lines = ["- The whole volume in one PDF, with page numbers, bookmarks and an author index: "
             + myst.role("asset", "proceedings.pdf <../proceedings.pdf>")] if volume.volume_pdf and volume.bound_papers else []
    lines.append("- The whole site for reading offline: " + myst.role("asset", "proceedings-site.zip <../proceedings-site.zip>"))
    return "\n".join(lines) + "\n"
