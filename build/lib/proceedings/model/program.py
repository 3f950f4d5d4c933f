"""The workshop's schedule, as listed in ``papers/program.yml``: slots in venue time."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ..records.fields import Fields

SLOT_FIELDS = ("start", "end", "kind", "title", "speaker", "talk", "papers")
SLOT_KINDS = ("opening", "invited", "contributed", "poster", "break", "panel", "closing")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Slot:
    """One slot of the program."""

    start: dt.time
    """Start, in venue time."""
    end: dt.time
    """End, in venue time."""
    kind: str
    """One of opening, invited, contributed, poster, break, panel, closing."""
    title: str
    """What happens, e.g. 'Invited Talk I' or 'Poster session'."""
    speaker: str | None = None
    """Who speaks, when the slot has no talk page."""
    talk: str | None = None
    """Id of the talk or panel given in this slot."""
    papers: tuple[str, ...] = ()
    """Ids of the papers presented in this slot."""
    line: int = 0
    """Line of ``program.yml`` the slot starts on, for diagnostics about it."""

    def start_at(self, date: dt.date, zone: str) -> dt.datetime:
        """The start as an aware datetime."""
        return dt.datetime.combine(date, self.start, ZoneInfo(zone))

    def end_at(self, date: dt.date, zone: str) -> dt.datetime:
        """The end as an aware datetime."""
        return dt.datetime.combine(date, self.end, ZoneInfo(zone))

    @property
    def anchor(self) -> str:
        """The slot's label on the program page, e.g. ``proceedings-slot-0900``."""
        return f"proceedings-slot-{self.start:%H%M}"


def _read_time(fields: Fields, name: str) -> dt.time | None:
    value = fields.data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 9:00 as the sexagesimal number 540.
        value = f"{value // 60}:{value % 60:02d}"
    if value is None:
        fields.error(name, "required field is missing")
        return None
    match = _TIME.match(str(value).strip())
    if not match:
        # A new-user trial wrote '9:00 BRT' and '4:00 PM': say what the time is read in.
        fields.error(name, f"expected a time of day as HH:MM (00:00 to 23:59), got {value!r}; times are in the "
                           "venue's zone (workshop.yml's timezone), written without a zone, AM or PM")
        return None
    return dt.time(int(match.group(1)), int(match.group(2)))


def read_slot(fields: Fields) -> Slot | None:
    """One slot; None (with diagnostics) when it is unusable."""
    start, end = _read_time(fields, "start"), _read_time(fields, "end")
    kind = fields.choice("kind", SLOT_KINDS)
    title = fields.text("title", required=True)
    # Read before a wrong end is reported: every problem of the slot at once.
    optional: dict[str, Any] = dict(speaker=fields.text("speaker"), talk=fields.text("talk"), papers=fields.text_list("papers"))
    if start and end and end <= start:
        fields.error("end", f"ends at {end:%H:%M}, not after its start {start:%H:%M}")
        return None
    if not (start and end and kind and title):
        return None
    if kind == "break" and optional["papers"]:
        fields.warning("papers", "a break presents no papers: is it a poster session (kind: poster)?")
    return Slot(start, end, kind, title, **optional, line=fields.line)


def overlaps(slots: list[Slot]) -> list[tuple[Slot, Slot]]:
    """Each slot that starts before the slot before it (in order of start) ends, with that slot."""
    ordered = sorted(slots, key=lambda slot: (slot.start, slot.end))
    return [(slot, previous) for previous, slot in zip(ordered, ordered[1:], strict=False) if slot.start < previous.end]
