"""Importing accepted papers from an OpenReview API v2 export into ``papers/accepted.yml``.

The export is the JSON list of notes that ``openreview-py`` returns (``client.get_all_notes(...)``,
each ``note.to_json()``). Re-importing merges and never deletes: a field the organizer changed or
deleted in ``accepted.yml`` since the last import (remembered in ``papers/.openreview-import.json``)
is kept, and so is a PDF they replaced, every paper added by hand, and every paper the export no longer lists; a
paper they deleted is not added again;
a paper the export now shows withdrawn or rejected is marked ``withdrawn``, keeping its page.
``accepted.yml`` is rewritten with ruamel.yaml, which keeps the organizer's comments.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from ..model.paper import PAPER_REQUIRED, openreview_forum
from ..model.workshop import Workshop
from ..records.fields import MAX_ID_LENGTH
from ..records.sources import DUPLICATE_KEY, record_list, yaml_syntax_error
from ..util.files import file_hash, replacing, write_if_changed
from ..util.text import one_line

IMPORTED_FIELDS = ("title", "authors", "abstract", "keywords", "tldr", "track", "session", "openreview", "pdf")
_SKIPPED = (("withdrawn", "withdrawn"), ("desk_rejected", "desk-rejected"), ("desk rejected", "desk-rejected"),
            ("rejected", "rejected"), ("submitted to", "rejected"), ("submission", "not decided yet: still a submission"))
_UNDECIDED = _SKIPPED[-1][1]


class ImportRefused(Exception):
    """The import would leave the project worse off; nothing was written. The message says why."""


@dataclass
class ImportReport:
    """What an import did, for the organizer."""

    added: list[str] = field(default_factory=list)
    """Ids of papers new in ``accepted.yml``."""
    updated: list[str] = field(default_factory=list)
    """'id: field' for each field the export changed."""
    kept: list[str] = field(default_factory=list)
    """'id: field' for each hand edit kept although the export differs."""
    kept_filled: list[str] = field(default_factory=list)
    """'id: field' for each required field the export left empty, kept as ``accepted.yml`` has it."""
    skipped: dict[str, str] = field(default_factory=dict)
    """'title (why)' by forum, for notes that are not accepted papers, but those this import marks
    withdrawn (listed as ``withdrawn``)."""
    without_pdf: list[str] = field(default_factory=list)
    """Ids of papers whose PDF was not found in the PDF folder."""
    not_pdfs: list[str] = field(default_factory=list)
    """'id: file: why' for downloads that are no PDF the build can read (empty, a web page, cut short), not taken."""
    withdrawn: list[str] = field(default_factory=list)
    """'id (why)' for imported papers the export now shows withdrawn or rejected, now marked withdrawn."""
    not_in_export: list[str] = field(default_factory=list)
    """Ids of papers in ``accepted.yml`` that the export does not list (added by hand, or imported
    before), kept as they are."""
    kept_pdfs: list[str] = field(default_factory=list)
    """'id: path' for PDFs the organizer replaced in ``papers/``, kept instead of the export's."""
    other_downloads: list[str] = field(default_factory=list)
    """'id: file taken, not others' for papers with other, different downloads in the PDF folder
    (under the submission number beside the forum id): which is right, the organizer says."""
    placed_beside: list[str] = field(default_factory=list)
    """'id: copy (beside file)' for export PDFs copied beside a file in ``papers/pdf/`` that the import
    did not place (the organizer's, or another paper's), which stays as it is."""
    incomplete: list[str] = field(default_factory=list)
    """'id: no field' for papers of the export that lack a field the build requires (the export
    left it empty), which the organizer must fill in."""
    removed_by_hand: list[str] = field(default_factory=list)
    """'forum: title' for papers an earlier import added that the organizer has since deleted from
    ``accepted.yml``: not added again (unless asked), as a deleted record is a hand edit too."""
    accepted_again: list[str] = field(default_factory=list)
    """Ids of papers marked withdrawn or retracted in ``accepted.yml`` that the export accepts: the
    mark stays until the organizer removes it."""
    written: bool = False
    """Whether ``accepted.yml`` changed (an import of an unchanged export leaves it as it was)."""

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = [f"{len(self.added)} added, {len(self.updated)} field(s) updated, {len(self.kept)} hand edit(s) kept, "
               f"{len(self.skipped)} note(s) skipped, {len(self.without_pdf) + len(self.not_pdfs)} PDF(s) not found or not taken"]
        for label, items in (("added", self.added), ("updated", self.updated), ("kept (edited by hand)", self.kept),
                             ("kept (the export left it empty)", self.kept_filled),
                             ("kept (PDF replaced by hand)", self.kept_pdfs),
                             ("PDF copied beside a file the import did not place (the record names the copy; "
                              "delete the one you do not want)", self.placed_beside),
                             ("marked withdrawn (the export no longer accepts it)", self.withdrawn),
                             ("kept (not in the export; delete it by hand if it should go, and where program.yml "
                              "and recordings.yml name it)", self.not_in_export),
                             ("not added again (deleted from accepted.yml by hand since an import; --add-removed "
                              "adds it)", self.removed_by_hand),
                             ("still marked withdrawn or retracted, though the export accepts it (delete the mark by "
                              "hand if it should go)", self.accepted_again),
                             ("incomplete (the build needs it: write it in papers/accepted.yml)", self.incomplete),
                             ("skipped", [f"{forum}: {why}" for forum, why in self.skipped.items()]),
                             ("no PDF found", self.without_pdf),
                             ("PDF not taken (download it again)", self.not_pdfs),
                             ("other downloads of the paper, different (keep the one you want in the folder)",
                              self.other_downloads)):
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
    """Why a note is not an accepted paper (withdrawn, desk-rejected, rejected, or still a submission
    without a decision), if it is not; or why it cannot be imported (a forum id that OpenReview does
    not give, which `check` would refuse in ``openreview:``)."""
    venue = f"{_value(note, 'venue') or ''} {_value(note, 'venueid') or ''}".lower()
    for marker, reason in _SKIPPED:
        if marker in venue:
            return reason
    if openreview_forum(_forum(note)) is None:
        return "its forum id is none that OpenReview gives: letters, digits, - and _"
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
        "openreview": _forum(note),
    }
    return {name: value for name, value in record.items() if value not in (None, "", [])}


def _paper_id(note: dict) -> str:
    """``paper<number>``, or without a number the forum id, made URL-safe either way (forum ids hold
    capitals and ``_``; an export's fields are never trusted to be a plain name, and the id names files)."""
    raw = f"paper{note['number']}" if note.get("number") is not None else _forum(note)
    # Short enough that an id with a forum id added (when two papers would share one) is still valid.
    return re.sub(r"[^a-z0-9]+", "-", raw.lower())[:MAX_ID_LENGTH // 2 - 1].strip("-") or "paper"


def _forum(note: dict) -> str:
    """The note's forum id, which names the paper on OpenReview (its own id when it has none)."""
    return str(note.get("forum") or note.get("id") or "")


def find_pdfs(note: dict, folder: Path | None) -> list[Path]:
    """The note's PDFs in ``folder``, named by forum id or submission number (``.pdf`` or ``.PDF``),
    the forum id's first."""
    if folder is None:
        return []
    number = note.get("number")
    stems = (note.get("forum"), note.get("id"), str(number) if number is not None else None,
             f"paper{number}" if number is not None else None, f"Paper{number}" if number is not None else None)
    # Only a plain file name: a stem such as "../../etc/x" must not reach outside the folder.
    names = dict.fromkeys(f"{stem}{suffix}" for stem in stems if stem and _PLAIN_STEM.fullmatch(str(stem))
                          for suffix in (".pdf", ".PDF"))
    return [folder / name for name in names if (folder / name).is_file()]


_PLAIN_STEM = re.compile(r"[A-Za-z0-9_-]+")


def merge(current: list[dict], forums: list[tuple[dict, str]], previous: dict[str, dict], imported: list[dict],
          removed: dict[str, str], report: ImportReport) -> list[tuple[dict, str]]:
    """Bring the accepted list ``current`` (its records with their ``forums``, see :func:`_with_forums`)
    up to the export, in place (so that the comments around its records stay): each record updated
    where the organizer did not edit the field since ``previous``;
    imported papers that the export now shows as ``removed`` (forum: why) marked withdrawn, unless
    they are only undecided (imported with submissions before, and not this time); new papers
    appended. Nothing is deleted. The records with their forums, the new ones too."""
    imported_by_forum = {record["openreview"]: record for record in imported}
    marked_before = {forum for forum, last in previous.items() if isinstance(last, dict) and last.get("withdrawn")}
    for old, forum in forums:
        marked = bool(old.get("withdrawn") or old.get("retracted"))
        if forum in imported_by_forum:
            _update(old, imported_by_forum.pop(forum), previous.get(forum), report)
            if marked:
                report.accepted_again.append(str(old.get("id")))
        elif forum in removed and forum in previous and not marked and removed[forum] != _UNDECIDED:
            _mark_withdrawn(old, previous[forum], removed[forum], forum in marked_before, report)
            report.skipped.pop(forum, None)  # two records may name one forum
        elif not marked and forum not in removed:
            report.not_in_export.append(str(old.get("id")))
        if forum in report.skipped:  # the export names it by its forum, the organizer by its id
            report.skipped[forum] += f"; {old.get('id')} in accepted.yml"
    for new in imported_by_forum.values():
        current.append(new)
        report.added.append(new["id"])
    return [*forums, *((new, forum) for forum, new in imported_by_forum.items())]


def _mark_withdrawn(old: dict, last: dict, why: str, marked_before: bool, report: ImportReport) -> None:
    """Mark ``old`` withdrawn, as the export shows it (``why``), and say so in its memory ``last``;
    unless an earlier import ``marked_before`` it and the organizer has since deleted the mark: they
    know better than OpenReview's status (the mark came back at every import)."""
    if marked_before:
        report.kept.append(f"{old.get('id')}: withdrawn (deleted by hand; the export still shows it {why})")
        return
    old["withdrawn"] = last["withdrawn"] = {"date": dt.date.today().isoformat(), "reason": f"{why} on OpenReview"}
    report.withdrawn.append(f"{old.get('id')} ({why})")


def _update(old: dict, new: dict, last: dict | None, report: ImportReport) -> None:
    """Bring ``old`` (in place, so that its comments stay) up to the export's ``new``, keeping fields
    edited by hand since the ``last`` import. A paper whose PDF this import did not find keeps the
    one it has: the export's PDFs are downloads beside it, and none offered is no reason to unlink one."""
    for name in IMPORTED_FIELDS:
        if new.get(name) == old.get(name) or (name == "pdf" and "pdf" not in new):
            continue
        if name in PAPER_REQUIRED and new.get(name) is None and old.get(name):
            # An export left without it (an empty field, hidden authors) is no reason to delete it.
            report.kept_filled.append(f"{old['id']}: {name}")
            continue
        if not _edited_by_hand(old, last, name):
            if new.get(name) is None:
                old.pop(name, None)
            else:
                old[name] = new[name]
            report.updated.append(f"{old['id']}: {name}")
        elif last is not None and new.get(name) != last.get(name):
            report.kept.append(f"{old['id']}: {name} (the export changed it too: its new value is set aside)")
        else:
            report.kept.append(f"{old['id']}: {name}")


def _edited_by_hand(old: dict, last: dict | None, name: str) -> bool:
    """Whether the organizer set the field ``name`` of ``old`` since the ``last`` import: changed it,
    or deleted it (an author who asked for a keyword or the PDF to go), unless the build requires it
    (deleting one takes the export's value again). Without a memory of the last import, whatever is
    there may be a hand edit, and nothing there is none."""
    if name in PAPER_REQUIRED and not old.get(name):
        return False
    if last is None:
        return old.get(name) is not None
    return old.get(name) != last.get(name)


def import_notes(notes: list[dict], papers_dir: Path, workshop: Workshop, pdfs: Path | None,
                 undecided: bool = False, add_removed: bool = False) -> ImportReport:
    """Merge the accepted notes into ``papers/accepted.yml`` (and their PDFs into ``papers/pdf/``);
    the report. ``undecided``: notes still submissions count as accepted. A paper an earlier import
    added and the organizer deleted since is left out, unless ``add_removed``. Raises
    :class:`ImportRefused`, writing nothing, when the export holds no accepted paper or the project
    lists its papers in ``accepted.csv``."""
    accepted, memory = papers_dir / "accepted.yml", papers_dir / ".openreview-import.json"
    if (papers_dir / "accepted.csv").is_file() and not accepted.is_file():
        raise ImportRefused("this project lists its papers in papers/accepted.csv, and the import writes "
                            "papers/accepted.yml: check would refuse the two. Move accepted.csv out of papers/ (its "
                            "papers can be added to accepted.yml by hand, or imported too), then import again.")
    report, removed, chosen = ImportReport(), dict[str, str](), []
    for note in notes:
        reason = skip_reason(note)
        if reason is None or (undecided and reason == _UNDECIDED):
            chosen.append(note)
        else:
            report.skipped[_forum(note)] = f"{_value(note, 'title') or note.get('id')} ({reason})"
            removed[_forum(note)] = reason
    if not chosen:
        reasons = "; ".join(f"{count} {reason}" for reason, count in Counter(removed.values()).items())
        hint = "; --include-submissions imports submissions without a decision" if _UNDECIDED in removed.values() else ""
        raise ImportRefused(f"the export holds no accepted paper among its {len(notes)} note(s) ({reasons}{hint}); "
                            "papers/accepted.yml is left as it was")
    if pdfs is not None and not pdfs.is_dir():
        raise ImportRefused(f"--pdfs {pdfs}: no such folder")
    previous = json.loads(memory.read_text("utf-8")) if memory.is_file() else {}
    yaml = YAML()
    yaml.width, yaml.preserve_quotes = 100, True
    document = _accepted_document(yaml, accepted) if accepted.is_file() else None
    current = _record_list(document)
    forums = _with_forums(current, previous)
    if document is not None and not add_removed:
        chosen = _without_removed_by_hand(chosen, forums, previous, report)
    placed = [_imported_record(note, workshop, pdfs, papers_dir, previous, forums, report) for note in chosen]
    imported = _as_read_back(yaml, [record for record, _ in placed])
    merged = merge(current, forums, previous, imported, removed, report)
    report.incomplete = _incomplete(merged, {record["openreview"] for record in imported})
    text = _IMPORTED_HEADER + _dumped(yaml, imported) if document is None else _dumped(yaml, document)
    # A file saved with Windows line ends keeps them: rewritten with others, each line would change.
    if document is not None and b"\r\n" in accepted.read_bytes():
        text = text.replace("\n", "\r\n")
    report.written = write_if_changed(accepted, text)
    # Papers not in this export keep what the last import that had them remembers.
    memory_records = previous | {record["openreview"]: _remembered(record, sha, previous.get(record["openreview"]))
                                 for record, (_, sha) in zip(imported, placed, strict=True)}
    write_if_changed(memory, json.dumps(memory_records, ensure_ascii=False, indent=1))
    return report


def _with_forums(current: list, previous: dict[str, dict]) -> list[tuple[dict, str]]:
    """Each paper record of ``current`` with the forum it is of: its ``openreview`` field, written as
    an id or as the forum's URL; or, where the organizer deleted that field, the forum whose paper
    the last import (``previous``) gave its id. A record of no forum has an empty one. (Compared as
    written, a record given the URL, or without the field, was taken for deleted by hand, and
    ``--add-removed`` added the paper twice.)"""
    by_id = {str(remembered.get("id")): forum for forum, remembered in previous.items() if isinstance(remembered, dict)}
    return [(record, openreview_forum(str(record["openreview"])) or "" if record.get("openreview")
             else by_id.get(str(record.get("id")), "")) for record in current if isinstance(record, dict)]


def _without_removed_by_hand(chosen: list[dict], current: list[tuple[dict, str]], previous: dict[str, dict],
                             report: ImportReport) -> list[dict]:
    """The ``chosen`` notes but those an earlier import added (``previous`` remembers them) that are
    no longer among the ``current`` records (with their forums): the organizer deleted them (each is
    reported)."""
    listed = {forum for _, forum in current}
    deleted = {_forum(note) for note in chosen if _forum(note) in previous and _forum(note) not in listed}
    report.removed_by_hand += [f"{_forum(note)}: {one_line(str(_value(note, 'title') or ''))}" for note in chosen
                               if _forum(note) in deleted]
    return [note for note in chosen if _forum(note) not in deleted]


def _incomplete(records: list[tuple[dict, str]], forums: set[str]) -> list[str]:
    """'id: no field' for each of ``records`` (with their forums) from the export (of ``forums``)
    that lacks a required field."""
    return [f"{record.get('id')}: no {name}" for record, forum in records if forum in forums
            for name in PAPER_REQUIRED if not record.get(name)]


def _accepted_document(yaml: YAML, accepted: Path) -> object:
    """``accepted.yml`` as ruamel.yaml reads it (with its comments); raises :class:`ImportRefused`,
    naming the line, when it cannot be read."""
    try:
        text = accepted.read_text("utf-8")
    except UnicodeDecodeError as error:
        line = accepted.read_bytes()[:error.start].count(b"\n") + 1
        raise ImportRefused(f"papers/{accepted.name}:{line}: is not UTF-8 (byte 0x{error.object[error.start]:02x}); "
                            "save it as UTF-8, then import again") from error
    try:
        return yaml.load(text)
    except DuplicateKeyError as error:
        # As `check` says it: no syntax error, but a key the record gives twice.
        key = re.match(r'found duplicate key "(.*)" with value', str(error.problem))
        raise ImportRefused(f"papers/{accepted.name}:{error.problem_mark.line + 1}: {key.group(1) + ': ' if key else ''}"
                            f"{DUPLICATE_KEY}; fix it (`proceedings check` shows every error), then import again") from error
    except YAMLError as error:
        where, message = accepted.name, str(error)
        if getattr(error, "problem_mark", None):
            at, message = yaml_syntax_error(error, text)
            where += f":{at}"
        raise ImportRefused(f"papers/{where}: cannot be read ({message}); "
                            "fix it (`proceedings check` shows every error), then import again") from error


def _remembered(record: dict, sha256: str | None, last: dict | None) -> dict:
    """What the next import compares ``record`` with: the record, and the hash of the PDF this import
    placed; without one, the PDF the last import placed (still the paper's)."""
    if sha256 is None and last and last.get("pdf_sha256"):
        return {**record, "pdf": last.get("pdf"), "pdf_sha256": last["pdf_sha256"]}
    return {**record, "pdf_sha256": sha256}


_IMPORTED_HEADER = "# Imported from OpenReview by `proceedings import-openreview`; hand edits are kept on re-import.\n"


def _dumped(yaml: YAML, document: object) -> str:
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _as_read_back(yaml: YAML, records: list[dict]) -> list[dict]:
    """``records`` as ``accepted.yml`` will give them back once written: what the next import compares
    with the file to find hand edits. A text with a run of spaces, a tab or a line break is written
    as a literal block, which keeps every character (folded at the width, a run of spaces at a line's
    end was lost, and every later import took the paper for edited by hand)."""
    return _record_list(yaml.load(_dumped(yaml, [_exactly_written(record) for record in records])))


def _exactly_written(value):
    """``value`` with every text that folding would change marked to be written as a literal block,
    and every text that the loader (PyYAML, YAML 1.1) would read as something else (yes, No, on,
    1:20: true, false, true, 80) quoted; ruamel.yaml writes YAML 1.2, where those are texts."""
    if isinstance(value, dict):
        return {name: _exactly_written(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_exactly_written(item) for item in value]
    if not isinstance(value, str):
        return value
    if _FOLDING_CHANGES.search(value) and not _NOT_IN_A_LITERAL.search(value) and not value.startswith("\t"):
        return LiteralScalarString(value)  # (libyaml refuses a literal block whose first line starts with a tab)
    if _YAML_1_1.resolve(yaml.ScalarNode, value, (True, False)) != _TEXT:
        return DoubleQuotedScalarString(value)
    return value


_FOLDING_CHANGES = re.compile(r"\s\s|[^\S ]")
_YAML_1_1, _TEXT = yaml.resolver.Resolver(), "tag:yaml.org,2002:str"
# What a literal block cannot hold as it is (other line breaks, what YAML escapes): such a text is
# left to the writer, which quotes it with escapes.
_NOT_IN_A_LITERAL = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _record_list(document: object) -> list:
    """The list of records in a loaded ``accepted.yml``, where the loader finds it; a new list when
    there is no file."""
    document = record_list(document)
    if document is None:
        return []
    if not isinstance(document, list):
        raise ImportRefused("papers/accepted.yml does not hold a list of papers; fix it (proceedings check says how), "
                            "then import again")
    return document


def _others(current: list[tuple[dict, str]], note: dict) -> set[str]:
    """The ids and PDF paths of the papers in ``accepted.yml`` (with their forums) other than the
    note's own, which the note's record must not take."""
    return {str(record.get(name)) for record, forum in current if forum != _forum(note)
            for name in ("id", "pdf") if record.get(name)}


def _own(current: list[tuple[dict, str]], note: dict) -> dict | None:
    """The note's paper in ``accepted.yml`` (its records with their forums), if it is there."""
    return next((record for record, forum in current if forum == _forum(note)), None)


def _imported_record(note: dict, workshop: Workshop, pdfs: Path | None, papers_dir: Path, previous: dict[str, dict],
                     current: list[tuple[dict, str]], report: ImportReport) -> tuple[dict, str | None]:
    """The record of one accepted note, with its PDF placed in ``papers/pdf/`` (unless the organizer
    replaced the one placed before, or named another PDF or none), and the hash of that PDF, for the
    next import to compare. An id or PDF path that another paper of ``current`` (the records of
    ``accepted.yml`` with their forums) has is not taken: the forum id is added to it. The report
    names the paper by its id in ``accepted.yml``."""
    record, own = paper_record(note, workshop), _own(current, note)
    others, last = _others(current, note), previous.get(record["openreview"])
    if record["id"] in others:
        record["id"] = f"{record['id']}-{_paper_id({'forum': record['openreview']})}"
    named = str(own["id"]) if own and own.get("id") else record["id"]
    found = find_pdfs(note, pdfs)
    if not found:
        report.without_pdf.append(named)
        return record, None
    source, *others_found = found
    taken = file_hash(source) if others_found else None
    if different := [path.name for path in others_found if file_hash(path) != taken]:
        report.other_downloads.append(f"{named}: {source.name} taken, not {', '.join(different)}")
    if own is not None and _edited_by_hand(own, last, "pdf"):
        # Not copied into papers/: a PDF renamed or removed by hand came back at every import. The
        # merge reports the field kept, or here, once, with the export's new PDF.
        if file_hash(source) != (last or {}).get("pdf_sha256"):
            report.kept.append(f"{named}: pdf (the export's PDF changed too: {source.name} is not copied)")
        elif last and last.get("pdf"):
            record["pdf"] = last["pdf"]
        return record, None
    # Here, not at the top: every command imports this module, and pypdf takes a tenth of a second.
    from .pdf_reader import unreadable

    if why := unreadable(source):
        report.not_pdfs.append(f"{named}: {source.name}: {why}")
        return record, None
    record["pdf"], sha256 = _place_pdf(source, papers_dir, record["id"], named, last, others, report)
    return record, sha256


def _place_pdf(source: Path, papers_dir: Path, paper_id: str, named: str, last: dict | None, others: set[str],
               report: ImportReport) -> tuple[str, str]:
    """The PDF's path relative to ``papers/`` and the hash of the file the import placed there, for
    the next import to compare: ``source`` itself when it lies in ``papers/``, else a copy in
    ``papers/pdf/``, named after ``paper_id``; but a file the last import placed there that the
    organizer has since replaced is kept, and a file placed there otherwise (by hand, or named by
    another paper) is never overwritten: the copy goes beside it. The report calls the paper ``named``."""
    if source.resolve().is_relative_to(papers_dir.resolve()):
        return source.resolve().relative_to(papers_dir.resolve()).as_posix(), file_hash(source)
    relative = f"pdf/{paper_id}.pdf"
    target = papers_dir / relative
    if target.is_file():
        there, offered = file_hash(target), file_hash(source)
        placed_before = (last or {}).get("pdf_sha256")
        if placed_before and there not in (offered, placed_before) and relative not in others:
            anew = " (the export's PDF changed too: not copied)" if offered != placed_before else ""
            report.kept_pdfs.append(f"{named}: papers/{relative}{anew}")
            # What the import placed stays remembered: the organizer's file stays theirs at every import.
            return relative, placed_before
        if there != offered and there != placed_before:
            beside, relative = relative, f"pdf/{paper_id}-openreview.pdf"
            report.placed_beside.append(f"{named}: papers/{relative} (beside papers/{beside})")
            target = papers_dir / relative
        elif there != offered:
            report.updated.append(f"{named}: the PDF, papers/{relative}")
    elif last and last.get("pdf_sha256"):  # removed or renamed by hand since the import placed it
        report.updated.append(f"{named}: the PDF, papers/{relative} (placed again: it was not there)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as temporary:
        shutil.copy2(source, temporary)
        # A download may be read-only: the organizer must be able to replace the copy by hand.
        temporary.chmod(temporary.stat().st_mode | stat.S_IWUSR)
    return relative, file_hash(target)
