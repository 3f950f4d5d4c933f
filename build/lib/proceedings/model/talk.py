"""Invited talks and panels, as listed in ``papers/talks.yml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.fields import Fields
from .people import Person, read_one_person, read_people

TALK_FIELDS = ("id", "kind", "title", "speaker", "speakers", "abstract", "bio", "slides")
TALK_KINDS = ("invited", "panel")


@dataclass(frozen=True)
class Talk:
    """An invited talk or a panel, with its own page."""

    id: str
    """Stable, unique, URL-safe identifier; the page is ``book/talks/<id>.html``."""
    title: str
    """Title of the talk or panel."""
    speakers: tuple[Person, ...]
    """The speaker, or the panelists."""
    kind: str = "invited"
    """``invited`` or ``panel``."""
    abstract: str | None = None
    """Abstract, in the speaker's words."""
    bio: str | None = None
    """Speaker's biography."""
    slides: str | None = None
    """Path of the slides PDF, relative to ``papers/``."""

    @property
    def speaker_names(self) -> str:
        """The speakers' names, comma-separated."""
        return ", ".join(person.name for person in self.speakers)


def read_talk(fields: Fields, papers_dir: Path) -> Talk | None:
    """The talk in one record of ``talks.yml``; None (with diagnostics) when it is unusable."""
    tid = fields.slug("id", required=True)
    speaker = read_one_person(fields, "speaker")
    speakers = (speaker,) if speaker else read_people(fields, "speakers")
    if not speakers and "speaker" not in fields.data:
        fields.error("speaker", "required field is missing (or give `speakers` for a panel)")
    values: dict[str, Any] = dict(id=tid, title=fields.text("title", required=True, math=True), speakers=speakers)
    optional: dict[str, Any] = dict(
        kind=fields.choice("kind", TALK_KINDS, default="invited"),
        abstract=fields.text("abstract", multiline=True, math=True),
        bio=fields.text("bio", multiline=True),
        slides=fields.path("slides", papers_dir),
    )
    if any(not value for value in values.values()) or optional["kind"] is None:
        return None
    return Talk(**values, **optional)
