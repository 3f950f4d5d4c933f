"""Importing accepted papers from an OpenReview API v2 export into ``papers/accepted.yml``.

The export is the JSON list of notes that ``openreview-py`` returns (``client.get_all_notes(...)``,
each ``note.to_json()``). Re-importing merges: a field the organizer changed in ``accepted.yml``
since the last import (remembered in ``papers/.openreview-import.json``) is kept.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model.workshop import Workshop
from ..util.files import replacing
from ..util.text import one_line

IMPORTED_FIELDS = ("title", "authors", "abstract", "keywords", "tldr", "track", "session", "openreview", "pdf")
_SKIPPED = (("withdrawn", "withdrawn"), ("desk_rejected", "desk-rejected"), ("desk rejected", "desk-rejected"),
            ("rejected", "rejected"), ("submitted to", "rejected"))


@dataclass
class ImportReport:
    """What an import did, for the organizer."""

    added: list[str] = field(default_factory=list)
    """Ids of papers new in ``accepted.yml``."""
    updated: list[str] = field(default_factory=list)
    """'id: field' for each field the export changed."""
    kept: list[str] = field(default_factory=list)
    """'id: field' for each hand edit kept although the export differs."""
    skipped: list[str] = field(default_factory=list)
    """'forum: title (why)' for notes that are not accepted papers."""
    without_pdf: list[str] = field(default_factory=list)
    """Ids of papers whose PDF was not found in the PDF folder."""

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = [f"{len(self.added)} added, {len(self.updated)} field(s) updated, {len(self.kept)} hand edit(s) kept, "
               f"{len(self.skipped)} note(s) skipped, {len(self.without_pdf)} paper(s) without a PDF"]
        for label, items in (("added", self.added), ("updated", self.updated), ("kept (edited by hand)", self.kept),
                             ("skipped", self.skipped), ("no PDF found", self.without_pdf)):
            out += [f"  {label}: {item}" for item in items]
        return out


def read_export(path: Path) -> list[dict]:
    """The notes of an export file: a JSON list of notes, or an object holding them under ``notes``
    (or a single note); raises OSError or ValueError when it cannot be read."""
    notes = json.loads(path.read_text("utf-8"))
    if isinstance(notes, dict):
        notes = notes.get("notes", [notes])
    if not isinstance(notes, list):
        raise ValueError("expected a JSON list of notes")
    return notes


def _value(note: dict, name: str):
    """A content field's value (API v2 wraps each in {"value": ...})."""
    entry = note.get("content", {}).get(name)
    return entry.get("value") if isinstance(entry, dict) else entry


def _authors(note: dict) -> list[dict]:
    """Authors from either form OpenReview uses: parallel ``authors``/``authorids`` lists, or
    objects with ``fullname``, ``username`` and ``institutions``."""
    names = _value(note, "authors") or []
    people = []
    for name in names:
        if isinstance(name, dict):
            person = {"name": name.get("fullname") or name.get("name") or name.get("username", "")}
            institutions = [i.get("name") if isinstance(i, dict) else i for i in name.get("institutions") or []]
            if institutions and institutions[0]:
                person["affiliation"] = institutions[0]
        else:
            person = {"name": str(name)}
        people.append(person)
    return people


def skip_reason(note: dict) -> str | None:
    """Why a note is not an accepted paper (withdrawn, desk-rejected, rejected), if it is not."""
    venue = f"{_value(note, 'venue') or ''} {_value(note, 'venueid') or ''}".lower()
    for marker, reason in _SKIPPED:
        if marker in venue:
            return reason
    return None


def _track(note: dict, workshop: Workshop) -> str:
    """The track whose id or title appears in the venue string ('... Tiny Paper'), else the first."""
    venue = (_value(note, "venue") or "").lower()
    for track in workshop.tracks[1:]:
        if track.id in venue or track.title.lower().rstrip("s") in venue:
            return track.id
    return workshop.tracks[0].id


def _session(note: dict) -> str | None:
    venue = (_value(note, "venue") or "").lower()
    return "Oral" if "oral" in venue else "Poster" if "poster" in venue else None


def paper_record(note: dict, workshop: Workshop) -> dict:
    """The ``accepted.yml`` record of one accepted note (without its PDF, which is placed apart)."""
    record = {
        "id": _paper_id(note),
        "title": one_line(str(_value(note, "title") or "")),
        "authors": _authors(note),
        "abstract": str(_value(note, "abstract") or "").strip(),
        "keywords": list(_value(note, "keywords") or []),
        "tldr": _value(note, "TLDR") or _value(note, "TL;DR") or _value(note, "tldr"),
        "track": _track(note, workshop),
        "session": _session(note),
        "openreview": note.get("forum") or note.get("id"),
    }
    return {name: value for name, value in record.items() if value not in (None, "", [])}


def _paper_id(note: dict) -> str:
    """``paper<number>``, or without a number the forum id made URL-safe (forum ids hold capitals and ``_``)."""
    if note.get("number") is not None:
        return f"paper{note['number']}"
    return re.sub(r"[^a-z0-9]+", "-", str(note["forum"]).lower()).strip("-") or "paper"


def find_pdf(note: dict, folder: Path | None) -> Path | None:
    """The note's PDF in ``folder``, named by forum id or submission number."""
    if folder is None:
        return None
    number = note.get("number")
    for stem in (note.get("forum"), note.get("id"), str(number) if number is not None else None,
                 f"paper{number}" if number is not None else None, f"Paper{number}" if number is not None else None):
        if stem and (folder / f"{stem}.pdf").is_file():
            return folder / f"{stem}.pdf"
    return None


def merge(current: list[dict], previous: dict[str, dict], imported: list[dict], report: ImportReport) -> list[dict]:
    """The new accepted list: imported records, keeping fields edited by hand since ``previous``."""
    by_forum = {record.get("openreview"): record for record in current if record.get("openreview")}
    merged = []
    for new in imported:
        forum = new["openreview"]
        old = by_forum.pop(forum, None)
        if old is None:
            merged.append(new)
            report.added.append(new["id"])
            continue
        record, last = dict(old), previous.get(forum)
        for name in IMPORTED_FIELDS:
            if new.get(name) == old.get(name):
                continue
            # Without a memory of the last import, whatever is there may be a hand edit: keep it.
            if old.get(name) is None or (last is not None and old.get(name) == last.get(name)):
                record[name] = new.get(name)
                report.updated.append(f"{old['id']}: {name}")
            else:
                report.kept.append(f"{old['id']}: {name}")
        merged.append({name: value for name, value in record.items() if value is not None})
    # Papers the organizer added by hand (no OpenReview id) stay, at the end.
    merged += [record for record in current if not record.get("openreview")]
    return merged


def import_notes(notes: list[dict], papers_dir: Path, workshop: Workshop, pdfs: Path | None) -> ImportReport:
    """Write ``papers/accepted.yml`` from the notes, merging with what is there; the report."""
    report = ImportReport()
    imported = []
    for note in notes:
        title = _value(note, "title") or note.get("id")
        if reason := skip_reason(note):
            report.skipped.append(f"{note.get('forum') or note.get('id')}: {title} ({reason})")
            continue
        source = find_pdf(note, pdfs)
        record = paper_record(note, workshop)
        if source is None:
            report.without_pdf.append(record["id"])
        else:
            record["pdf"] = _place_pdf(source, papers_dir, record["id"])
        imported.append(record)
    accepted, memory = papers_dir / "accepted.yml", papers_dir / ".openreview-import.json"
    current = yaml.safe_load(accepted.read_text("utf-8")) if accepted.is_file() else []
    previous = json.loads(memory.read_text("utf-8")) if memory.is_file() else {}
    merged = merge(current or [], previous, imported, report)
    with replacing(accepted) as temporary:
        temporary.write_text("# Imported from OpenReview by `proceedings import-openreview`; hand edits are kept on "
                             "re-import.\n" + yaml.safe_dump(merged, allow_unicode=True, sort_keys=False, width=100), "utf-8")
    with replacing(memory) as temporary:
        temporary.write_text(json.dumps({record["openreview"]: record for record in imported}, ensure_ascii=False,
                                        indent=1), "utf-8")
    return report


def _place_pdf(source: Path, papers_dir: Path, paper_id: str) -> str:
    """The PDF's path relative to ``papers/``, copied into ``papers/pdf/`` when it lies elsewhere."""
    if source.resolve().is_relative_to(papers_dir.resolve()):
        return source.resolve().relative_to(papers_dir.resolve()).as_posix()
    target = papers_dir / "pdf" / f"{paper_id}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return f"pdf/{paper_id}.pdf"
