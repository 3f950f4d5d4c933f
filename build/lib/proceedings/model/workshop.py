"""The workshop volume described by ``papers/workshop.yml``: identity, place, time, people, tracks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..records.diagnostics import Diagnostics
from ..records.fields import Fields
from ..records.sources import Located
from .people import Person, read_people

WORKSHOP_FIELDS = (
    "id", "title", "short_title", "booktitle", "venue", "year", "date", "location", "room", "timezone", "url",
    "website", "archival", "license", "editors", "organizers", "area_chairs", "program_committee", "tracks",
    "doi", "publisher", "zenodo_community",
)
_CREATIVE_COMMONS_URL = re.compile(
    r"https?://creativecommons\.org/(?:licenses/([a-z-]+)|publicdomain/(zero))/(\d\.\d)(?:/.*)?", re.IGNORECASE)
_COMMUNITY = re.compile(r"[A-Za-z0-9_-]{1,100}")
TRACK_FIELDS = ("id", "title", "description", "max_pages", "max_size_mb")


@dataclass(frozen=True)
class Track:
    """A track of the workshop (e.g. full papers, tiny papers)."""

    id: str
    """URL-safe identifier that papers name in their ``track`` field."""
    title: str
    """Heading shown on the track's listing page."""
    description: str | None = None
    """A sentence or two shown under the heading."""
    max_pages: int | None = None
    """Most pages a paper's PDF may have in this track."""
    max_size_mb: float | None = None
    """Largest a paper's PDF may be in this track, in megabytes."""

    def pdf_problem(self, pages: int, size: int) -> str | None:
        """Why a PDF of ``pages`` pages and ``size`` bytes breaks this track's limits, if it does."""
        if self.max_pages is not None and pages > self.max_pages:
            return f"has {pages} pages; the {self.title} track allows at most {self.max_pages}"
        if self.max_size_mb is not None and size > self.max_size_mb * 1_000_000:
            return f"is {size / 1_000_000:.1f} MB; the {self.title} track allows at most {self.max_size_mb:g} MB"
        return None


# "CC BY 4.0", "CC-BY-NC-SA-4.0", "CC0 1.0": the licence's kind and version.
_CREATIVE_COMMONS = re.compile(r"CC[ -]?(0|BY(?:[ -](?:NC|SA|ND))*)(?:[ -](\d\.\d))?", re.IGNORECASE)


@dataclass(frozen=True)
class Workshop:
    """The workshop as ``workshop.yml`` describes it: everything a citation and the volume's first
    pages need to know."""

    id: str
    """Short URL-safe identifier, e.g. ``fm4science-2026``."""
    title: str
    """Full title of the workshop."""
    booktitle: str
    """The title used as ``booktitle`` in citations."""
    venue: str
    """The hosting conference, e.g. 'ICLR 2026'."""
    date: dt.date
    """Day of the workshop."""
    location: str
    """City and country, used as the citation's ``address``."""
    timezone: str
    """IANA zone of the venue, e.g. ``America/Sao_Paulo``."""
    url: str
    """Public base URL of the archive; page URLs in citations start with it."""
    archival: bool
    """Whether the papers count as archival publications."""
    tracks: tuple[Track, ...]
    """The tracks, in the order they are listed."""
    short_title: str | None = None
    """A short name such as 'FM4Science (ICLR 2026)'."""
    room: str | None = None
    """Room at the venue."""
    website: str | None = None
    """The workshop's own website."""
    license: str | None = None
    """License of the published papers, e.g. 'CC BY 4.0'."""
    editors: tuple[Person, ...] = ()
    """Editors of the volume, named in citations."""
    organizers: tuple[Person, ...] = ()
    """Organizing committee."""
    area_chairs: tuple[Person, ...] = ()
    """Area chairs."""
    program_committee: tuple[Person, ...] = ()
    """Reviewers, as listed by the organizers (duplicates and all)."""
    doi: str | None = None
    """The volume's own DOI, bare, if it has one."""
    publisher: str | None = None
    """Who publishes the volume (DataCite's publisher); the workshop's organizers when unset."""
    zenodo_community: str | None = None
    """The Zenodo community the papers are deposited into (its identifier, as in its URL)."""

    @property
    def year(self) -> int:
        """Year of publication."""
        return self.date.year

    @property
    def license_url(self) -> str | None:
        """The licence's URL: as given when it is one, else a Creative Commons licence's by its
        name ('CC BY 4.0', 'CC-BY-NC-SA-4.0', 'CC0 1.0'); None for another licence."""
        text = (self.license or "").strip()
        if text.startswith(("https://", "http://")):
            return text
        if match := _CREATIVE_COMMONS.fullmatch(text):
            kind, version = match.group(1).lower().replace(" ", "-"), match.group(2)
            if kind == "0":
                return f"https://creativecommons.org/publicdomain/zero/{version or '1.0'}/"
            return f"https://creativecommons.org/licenses/{kind}/{version or '4.0'}/"
        return None

    @property
    def creative_commons(self) -> tuple[str, str] | None:
        """The licence as a Creative Commons kind and version (``("by-nc", "4.0")``, ``("zero", "1.0")``
        for CC0), from its URL; None for any other licence."""
        match = _CREATIVE_COMMONS_URL.fullmatch(self.license_url or "")
        if not match:
            return None
        return (match.group(1) or match.group(2)).lower(), match.group(3)

    @property
    def fixed_timestamp(self) -> dt.datetime:
        """Midnight UTC on the workshop's day: the time generated files record, so that the same
        inputs give the same bytes however often they are built."""
        return dt.datetime.combine(self.date, dt.time(0), dt.UTC)

    @property
    def base_url(self) -> str:
        """The public URL, ending with one slash."""
        return self.url.rstrip("/") + "/"

    def track(self, track_id: str) -> Track | None:
        """The track with this id, if any."""
        return track_among(self.tracks, track_id)


def track_among(tracks: tuple[Track, ...], track_id: str) -> Track | None:
    """The track of ``tracks`` with this id, if any."""
    return next((track for track in tracks if track.id == track_id), None)


def read_workshop(data: object, file: str, diags: Diagnostics) -> tuple[Workshop | None, tuple[Track, ...] | None]:
    """The workshop from the parsed ``workshop.yml``, None (with diagnostics) when it is unusable; and
    its tracks, unless one it lists was left out (see :func:`_read_tracks`): the papers' tracks are
    checked against them even when another field is wrong (a mistyped date hid every paper's
    unknown track)."""
    if not isinstance(data, Located):
        diags.error(file, 1, None, "expected a record with fields such as id, title, date, tracks")
        return None, None
    fields = Fields(data, file, "workshop", WORKSHOP_FIELDS, diags)
    tracks, every_track = _read_tracks(fields)
    values: dict[str, Any] = dict(
        id=fields.slug("id", required=True),
        title=fields.text("title", required=True),
        booktitle=fields.text("booktitle", required=True),
        venue=fields.text("venue", required=True),
        date=fields.date("date", required=True),
        location=fields.text("location", required=True),
        timezone=_read_timezone(fields),
        url=fields.url("url", required=True),
        archival=fields.boolean("archival", default=False),
        tracks=tracks,
    )
    fields.integer("year")
    if values["date"] and (year := data.get("year")) is not None and str(year) != str(values["date"].year):
        fields.error("year", f"year {year} differs from the year of date {values['date']}")
    optional: dict[str, Any] = dict(
        short_title=fields.text("short_title"),
        room=fields.text("room"),
        website=fields.url("website"),
        license=fields.text("license"),
        editors=read_people(fields, "editors"),
        organizers=read_people(fields, "organizers"),
        area_chairs=read_people(fields, "area_chairs"),
        program_committee=read_people(fields, "program_committee"),
        doi=fields.doi("doi"),
        publisher=fields.text("publisher"),
        zenodo_community=_read_community(fields),
    )
    usable_tracks = tracks if every_track else None
    if any(value is None for value in values.values()):
        return None, usable_tracks
    return Workshop(**values, **optional), usable_tracks


def _read_community(fields: Fields) -> str | None:
    community = fields.text("zenodo_community")
    if community is not None and not _COMMUNITY.fullmatch(community):
        fields.error("zenodo_community", f"expected a Zenodo community's identifier (letters, digits, - and _, as in "
                                         f"https://zenodo.org/communities/<identifier>), got {community!r}")
        return None
    return community


def _read_timezone(fields: Fields) -> str | None:
    zone = fields.text("timezone", required=True)
    if zone is None:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        fields.error("timezone", f"{zone!r} is not an IANA time zone such as 'America/Sao_Paulo'")
        return None
    return zone


def _read_megabytes(fields: Fields) -> float | None:
    value = fields.data.get("max_size_mb")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        fields.error("max_size_mb", f"expected a positive number of megabytes, got {value!r}")
        return None
    return float(value)


def _read_tracks(fields: Fields) -> tuple[tuple[Track, ...] | None, bool]:
    """The tracks (None if none could be read), and whether each record listed is one of them (a
    track left out for a missing id or title, or listed twice, would make each of its papers' track
    unknown: one mistake, one error)."""
    tracks: list[Track] = []
    for label, data in fields.records("tracks", required=True):
        track_fields = fields.sub(label, data, TRACK_FIELDS)
        tid, title = track_fields.slug("id", required=True), track_fields.text("title", required=True)
        if tid and any(t.id == tid for t in tracks):
            track_fields.error("id", f"track {tid!r} is listed twice")
        elif tid and title:
            tracks.append(Track(tid, title, track_fields.text("description", multiline=True),
                                track_fields.integer("max_pages"), _read_megabytes(track_fields)))
    if not tracks and "tracks" in fields.data:
        fields.error("tracks", "list at least one track, each with an id and a title")
    listed = fields.data.get("tracks")
    return tuple(tracks) or None, isinstance(listed, list) and len(tracks) == len(listed) > 0
