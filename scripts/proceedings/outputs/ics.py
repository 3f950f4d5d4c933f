"""The program as an iCalendar file (``program.ics``) that calendar apps import."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from ..model.locations import PROGRAM_DOCNAME
from ..model.volume import Proceedings
from ..util.latex import plain
from ..util.software import software_digest


def program_ics(volume: Proceedings) -> bytes:
    """One event per slot, in the venue's zone (with its VTIMEZONE), linking to the program page; a
    session's event lists its papers."""
    import icalendar  # here: a build makes the calendar beside Sphinx, and paid the import before its first line

    workshop = volume.workshop
    page = volume.page_url(PROGRAM_DOCNAME)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//proceedings//program//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", workshop.short_title or workshop.title)
    calendar.add("x-wr-timezone", workshop.timezone)
    location = ", ".join(part for part in (workshop.room and f"Room {workshop.room}", workshop.location) if part)
    for slot in volume.program:
        event = icalendar.Event()
        event.add("uid", f"{workshop.id}-{slot.start:%H%M}@{urlsplit(workshop.base_url).hostname}")
        event.add("dtstamp", workshop.fixed_timestamp)
        event.add("dtstart", slot.start_at(workshop.date, workshop.timezone))
        event.add("dtend", slot.end_at(workshop.date, workshop.timezone))
        talk = volume.talk(slot.talk) if slot.talk else None
        event.add("summary", f"{slot.title}: {plain(talk.title)}" if talk else slot.title)
        description = _description(volume, talk.speaker_names if talk else slot.speaker, slot.papers)
        if description:
            event.add("description", description)
        event.add("location", location)
        event.add("url", f"{page}#{slot.anchor}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def program_digest(volume: Proceedings) -> str:
    """A digest of all that :func:`program_ics` reads: the workshop, the program, its talks and the
    papers it presents, and the software, which writes the calendar (icalendar). A build that keeps
    the calendar by it neither imports icalendar nor compiles its patterns: a twentieth of a second
    of every build, for a file that changes when the program does."""
    talks = [volume.talk(slot.talk) for slot in volume.program if slot.talk]
    papers = [volume.paper(paper_id) for slot in volume.program for paper_id in slot.papers]
    read = [software_digest(), volume.workshop, volume.program, talks, papers]
    return hashlib.sha256(repr(read).encode()).hexdigest()


def _description(volume: Proceedings, speaker: str | None, paper_ids: tuple[str, ...]) -> str:
    """The speaker, then each paper presented with its authors and its page."""
    lines = [f"Speaker: {speaker}"] if speaker else []
    for paper_id in paper_ids:
        paper = volume.paper(paper_id)
        if paper and paper.cited:
            authors = ", ".join(author.name for author in paper.authors)
            lines.append(f"- {plain(paper.title)} ({authors}) {volume.url(paper)}")
    return "\n".join(lines)
