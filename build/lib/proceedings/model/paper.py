"""Accepted papers, as listed in ``papers/accepted.yml`` or ``papers/accepted.csv``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.fields import Fields
from ..records.sources import Located
from ..util.doi import doi_url
from .people import Person, read_people
from .workshop import Track, track_among

PAPER_FIELDS = (
    "id", "title", "authors", "abstract", "keywords", "track", "session", "pdf", "slides", "poster",
    "openreview", "code", "award", "tldr", "bibkey", "pdf_password", "revisions", "erratum", "withdrawn",
    "retracted", "doi",
)
PAPER_REQUIRED = ("id", "title", "authors", "abstract", "track")
PAPER_COLUMN_HINTS = {
    "uid": "Mini-Conf's UID is an OpenReview forum id: name the column 'openreview', "
           "and give each paper an 'id' of its own, in lowercase",
}
"""What to write instead of a column other exports have, by its name in lowercase."""
NOTICE_FIELDS = ("date", "note", "reason", "pdf")


@dataclass(frozen=True)
class Notice:
    """A dated correction of a published paper: a revision, an erratum, a withdrawal or retraction."""

    date: dt.date
    """When it happened."""
    text: str
    """What changed (a revision's or erratum's note) or why (a withdrawal's or retraction's reason)."""
    pdf: str | None = None
    """The PDF of that version or of the erratum, relative to ``papers/``."""


_OPENREVIEW_ID = re.compile(r"^(?:https://openreview\.net/(?:forum|pdf)\?id=)?([A-Za-z0-9_-]+)$")
_BIBKEY = re.compile(r"^[a-z][a-z0-9-]*$")
# A notice as one text: its date, a colon, its words.
_NOTICE_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})\s*:\s*(.+)", re.DOTALL)


@dataclass(frozen=True)
class Paper:
    """One accepted paper and the files that belong to it."""

    id: str
    """Stable, unique, URL-safe identifier; the paper's page and files are named after it."""
    title: str
    """Title as the authors wrote it; may contain inline ``$math$``."""
    authors: tuple[Person, ...]
    """Authors in byline order."""
    abstract: str
    """Abstract; paragraphs separated by blank lines, may contain inline ``$math$``."""
    track: str
    """Id of the workshop track the paper was accepted to."""
    keywords: tuple[str, ...] = ()
    """Keywords, as the authors gave them."""
    session: str | None = None
    """Name of the session the paper is presented in."""
    pdf: str | None = None
    """Path of the camera-ready PDF, relative to ``papers/``."""
    slides: str | None = None
    """Path of the slides PDF, relative to ``papers/``."""
    poster: str | None = None
    """Path of the poster PDF, relative to ``papers/``."""
    openreview: str | None = None
    """OpenReview forum id."""
    code: str | None = None
    """URL of the paper's code."""
    award: str | None = None
    """Award received, e.g. 'Best Paper'."""
    tldr: str | None = None
    """One-sentence summary."""
    bibkey: str | None = None
    """Citation key fixed by the organizer, overriding the generated one."""
    pdf_password: str | None = None
    """Password that opens an encrypted PDF (used to read it, never published)."""
    revisions: tuple[Notice, ...] = ()
    """Earlier versions, oldest first; ``pdf`` is the newest."""
    erratum: Notice | None = None
    """A published correction."""
    withdrawn: Notice | None = None
    """Withdrawal by the authors: the page stays, marked, but the paper is no longer cited, and its
    files are taken down (:attr:`taken_down`)."""
    retracted: Notice | None = None
    """Retraction by the organizers: as a withdrawal, but its files stay readable under the notice."""
    doi: str | None = None
    """The paper's DOI, bare (``10.5281/zenodo.123``); a withdrawn or retracted paper keeps it."""

    @property
    def removal(self) -> Notice | None:
        """The withdrawal or retraction, if the paper has one."""
        return self.retracted or self.withdrawn

    @property
    def removal_label(self) -> str | None:
        """'Retracted' or 'Withdrawn', when the paper is."""
        if self.removal is None:
            return None
        return "Retracted" if self.retracted else "Withdrawn"

    @property
    def taken_down(self) -> bool:
        """Whether the paper's files are no longer published: a withdrawal takes down its PDFs (its
        own, its versions', its erratum's, its slides and poster) and its recording, as publishers
        withdraw an article; a retraction leaves them readable under the notice, as COPE's
        retraction guidelines ask, so that readers can see what was retracted."""
        return self.withdrawn is not None and self.retracted is None

    @property
    def cited(self) -> bool:
        """Whether the paper is in the volume: citations, the volume PDF, the indexes."""
        return self.removal is None

    @property
    def doi_url(self) -> str | None:
        """The paper's DOI as a link (``https://doi.org/...``)."""
        return doi_url(self.doi) if self.doi else None

    @property
    def openreview_url(self) -> str | None:
        """The paper's OpenReview forum page."""
        return f"https://openreview.net/forum?id={self.openreview}" if self.openreview else None


def read_paper(fields: Fields, tracks: tuple[Track, ...] | None, papers_dir: Path) -> Paper | None:
    """The paper in one record of the accepted list; None (with diagnostics) when it is unusable. Its
    track is checked against ``tracks``, when they are known."""
    pid = fields.slug("id", required=True)
    track = fields.text("track", required=True)
    if track and tracks is not None and not track_among(tracks, track):
        known = ", ".join(t.id for t in tracks)
        fields.error("track", f"unknown track {track!r}; workshop.yml defines: {known}")
        track = None  # a paper must be listed under a track, so with --keep-going it is left out
    values: dict[str, Any] = dict(
        id=pid,
        title=fields.text("title", required=True, math=True),
        authors=read_people(fields, "authors", required=True),
        abstract=fields.text("abstract", required=True, multiline=True, math=True),
        track=track,
    )
    pdf = fields.path("pdf", papers_dir)
    optional: dict[str, Any] = dict(
        keywords=fields.text_list("keywords"),
        session=fields.text("session"),
        pdf=pdf,
        slides=fields.path("slides", papers_dir),
        poster=fields.path("poster", papers_dir),
        openreview=_read_openreview(fields),
        code=fields.url("code"),
        award=fields.text("award"),
        tldr=fields.text("tldr", multiline=True, math=True),
        bibkey=_read_bibkey(fields),
        pdf_password=fields.text("pdf_password"),
        revisions=_read_revisions(fields, papers_dir, pdf),
        erratum=_read_nested_notice(fields, "erratum", "note", papers_dir),
        withdrawn=_read_nested_notice(fields, "withdrawn", "reason", papers_dir),
        retracted=_read_nested_notice(fields, "retracted", "reason", papers_dir),
        doi=fields.doi("doi"),
    )
    if any(not value for value in values.values()):
        return None
    # A withdrawal or retraction that cannot be read: with --keep-going the paper is left out rather
    # than published as one in good standing (a new-user trial).
    if any(fields.data.get(name) is not None and optional[name] is None for name in ("withdrawn", "retracted")):
        return None
    return Paper(**values, **optional)


def _read_revisions(fields: Fields, papers_dir: Path, pdf: str | None) -> tuple[Notice, ...]:
    """The paper's earlier versions, oldest first, each with a PDF of its own: the page numbers them
    in this order (one listed out of order showed a wrong history), and a revision that names the
    current ``pdf`` or another revision's PDF is an error."""
    revisions: list[Notice] = []
    lines: dict[str, int] = {pdf: fields.data.line_of("pdf")} if pdf else {}
    for label, data in fields.records("revisions"):
        revision_fields = fields.sub(label, data, NOTICE_FIELDS)
        notice = _read_notice(revision_fields, "note", papers_dir, True)
        if notice is None:
            continue
        if revisions and notice.date < revisions[-1].date:
            revision_fields.error("date", f"{notice.date} is before the date of the revision listed above it "
                                          f"({revisions[-1].date}): list the revisions oldest first")
        if notice.pdf in lines:
            whose = "the paper's own PDF (pdf: line" if notice.pdf == pdf else "also that of an earlier revision (line"
            revision_fields.error("pdf", f"papers/{notice.pdf} is {whose} {lines[notice.pdf]}): each revision "
                                         "keeps the PDF of its own version")
        lines.setdefault(str(notice.pdf), data.line_of("pdf"))
        revisions.append(notice)
    return tuple(revisions)


def _read_nested_notice(fields: Fields, name: str, text: str, papers_dir: Path) -> Notice | None:
    """The notice in the field ``name``: a record with a date and its ``text`` field, or one text
    ``YYYY-MM-DD: words``, as a CSV cell can hold it."""
    data = fields.data.get(name)
    if data is None:
        return None
    if isinstance(data, str) and (match := _NOTICE_TEXT.fullmatch(data.strip())):
        data = Located(date=match.group(1), **{text: match.group(2)})
        data.line, data.key_lines = fields.data.line_of(name), {}
    if not isinstance(data, Located):
        fields.error(name, f"expected a record with date and {text}, or a text 'YYYY-MM-DD: {text}', got {data!r}")
        return None
    return _read_notice(fields.sub(f"{fields.where}.{name}", data, NOTICE_FIELDS), text, papers_dir, False)


def _read_notice(fields: Fields, text: str, papers_dir: Path, needs_pdf: bool) -> Notice | None:
    """A notice with a date, its ``text`` field (note or reason) and optionally a PDF."""
    day, words = fields.date("date", required=True), fields.text(text, required=True, multiline=True)
    pdf = fields.path("pdf", papers_dir) if needs_pdf or "pdf" in fields.data else None
    if needs_pdf and pdf is None and "pdf" not in fields.data:
        fields.error("pdf", "required field is missing: each revision keeps its PDF")
    return Notice(day, words, pdf) if day and words and (pdf or not needs_pdf) else None


def openreview_forum(text: str) -> str | None:
    """The forum id that an ``openreview`` field gives, as an id or as its forum's URL; None when it
    is neither."""
    match = _OPENREVIEW_ID.match(text)
    return match.group(1) if match else None


def _read_openreview(fields: Fields) -> str | None:
    text = fields.text("openreview")
    if text is None:
        return None
    forum = openreview_forum(text)
    if forum is None:
        fields.error("openreview", f"expected an OpenReview forum id or https://openreview.net/forum?id=... URL, got {text!r}")
    return forum


def _read_bibkey(fields: Fields) -> str | None:
    key = fields.text("bibkey")
    if key is not None and not _BIBKEY.match(key):
        fields.error("bibkey", f"{key!r} must be lower-case ASCII letters, digits and hyphens, starting with a letter")
        return None
    return key
