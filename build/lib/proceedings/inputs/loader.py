"""Loading a project's ``papers/`` into the model, with every problem reported as a diagnostic."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..model.keys import keys_by_order
from ..model.locations import MATERIALS, Project, file_owner, is_generated_paper_page
from ..model.paper import PAPER_COLUMN_HINTS, PAPER_FIELDS, PAPER_REQUIRED, Paper, read_paper
from ..model.pdf_facts import PdfFacts
from ..model.program import SLOT_FIELDS, Slot, overlaps, read_slot
from ..model.recording import RECORDING_FIELDS, read_recording
from ..model.talk import TALK_FIELDS, Talk, read_talk
from ..model.volume import Proceedings
from ..model.workshop import Track, Workshop, read_workshop, track_among
from ..records.diagnostics import Diagnostics
from ..records.fields import Fields, list_items, suggested_slug, valid_id
from ..records.sources import Located, load_csv, load_yaml, record_list
from ..util.files import file_names
from ..util.mathtext import math_segments
from ..util.progress import Timings
from ..util.text import one_line
from .pdf import PdfCache, pdf_facts

LONG_PDF = 300
"""Pages past which a paper's PDF, in a track that sets no limit, is a warning: a red-team trial's
50,000-page file passed in silence, and made the volume PDF 50,175 pages long."""


def load(project: Project, workers: int | None = None, keep_going: bool = False,
         timings: Timings | None = None, digests: Mapping[str, str] | None = None,
         pdf_cache: PdfCache | None = None) -> tuple[Proceedings | None, Diagnostics]:
    """The proceedings in ``project``, or None when any input has an error; all diagnostics either way.

    With ``keep_going``, the proceedings hold every record that is valid (and valid records whose
    file is unusable, without that file) as long as ``workshop.yml`` is. Nothing is written; PDF
    facts come from the cache where it has them (their time is the stage "PDF facts" of ``timings``),
    found by the contents' SHA-256 of each PDF: ``digests``, by path in ``papers/``, where the caller
    knows them, else computed. ``pdf_cache`` (by default the project's) holds the texts of the PDFs
    read now, which the volume does not.
    """
    diags = Diagnostics()
    if not project.papers.is_dir():
        inside = " (this looks like papers/ itself: run the command in the folder above)" \
            if (project.root / "workshop.yml").is_file() else ""
        diags.error("papers", None, None, "no papers/ folder here; is this a proceedings project? "
                    f"(`proceedings new DIR` makes one){inside}")
        return None, diags
    workshop, tracks = _load_workshop(project, diags)
    errors = diags.error_count
    file, records = _load_paper_records(project, diags)
    papers_read_whole = diags.error_count == errors  # no row or record its syntax made unknown
    paper_ids = _named_ids_if_read(records, errors, diags)
    papers = _distinctly_named(_read_records(file, records, "papers", PAPER_FIELDS, diags,
                                             lambda fields: read_paper(fields, tracks, project.papers)), "papers",
                               volume_doi=workshop.doi if workshop else None)
    papers = _with_private_passwords(project, papers, paper_ids, diags)
    _warn_of_papers_listed_twice(papers)
    if workshop:
        _warn_of_keys_by_order(papers, workshop.year)
    errors = diags.error_count
    talk_records = _optional_list(project, "talks.yml", diags)
    talks_read_whole = diags.error_count == errors
    talk_ids = _named_ids_if_read(talk_records, errors, diags)
    talks = _distinctly_named(_read_records("papers/talks.yml", talk_records, "talks", TALK_FIELDS, diags,
                                            lambda fields: read_talk(fields, project.papers)), "talks")
    talks = _apart_from_papers(talks, records, file)
    if papers_read_whole and talks_read_whole:  # else which PDFs their records name is not known
        _warn_of_unnamed_pdfs(project, _named_pdfs([*records, *talk_records]), diags)
    slot_records = _optional_list(project, "program.yml", diags)
    presented = _named_papers(slot_records)
    slots = _read_records("papers/program.yml", slot_records, "slots", SLOT_FIELDS, diags, read_slot)
    program = _checked_program(slots, paper_ids, talk_ids, {paper.id: paper for paper, _ in papers})
    _check_presented(papers, presented)
    if not records and not diags.has_errors:
        diags.warning(file, 1, None, "lists no paper")
    items = None if paper_ids is None or talk_ids is None else paper_ids | talk_ids
    recordings = _read_list(project, "recordings.yml", "recordings", RECORDING_FIELDS, diags,
                            lambda fields: read_recording(fields, project.papers, items))
    with (timings or Timings()).stage("PDF facts"):
        pdfs, unusable = _load_pdf_facts(project, tracks, papers + talks, workers, keep_going, digests or {},
                                         pdf_cache or PdfCache(project.pdf_facts))
    if workshop is None or (diags.has_errors and not keep_going):
        return None, diags
    return Proceedings(workshop, _without(papers, unusable), pdfs, _without(talks, unusable), program,
                       tuple(recording for recording, _ in recordings)), diags


def _without(items: list[tuple], unusable: set[tuple[str, str]]) -> tuple:
    """The items, each without the files found unusable (a paper with an unusable earlier version
    keeps none: their numbering would change)."""
    return tuple(replace(item, **{name: () if name == "revisions" else None for item_id, name in unusable
                                  if item_id == item.id}) for item, _ in items)


def _named_pdfs(records: list) -> set[str]:
    """Every path to a PDF that ``records`` hold, in any field, valid or not: a record with an error
    (left out with ``--keep-going``) still names its files."""
    texts, named = list(records), set[str]()
    while texts:
        value = texts.pop()
        if isinstance(value, dict):
            texts.extend(value.values())
        elif isinstance(value, list):
            texts.extend(value)
        elif isinstance(value, str) and ".pdf" in value.lower():
            named.update(os.path.normpath(path) for path in _PDF_PATH.findall(value))
    return named


_PDF_PATH = re.compile(r"[^\s;,|]+\.pdf\b", re.IGNORECASE)
"""A path to a PDF in a text: a field's value, or one in a spreadsheet's cell of several."""


def _warn_of_unnamed_pdfs(project: Project, named: set[str], diags: Diagnostics) -> None:
    """A warning for each PDF in ``papers/`` that no record of a paper or talk names: a removed
    paper's stayed there with nothing saying so (a new-user trial's), and one a record was meant to
    name is not published."""
    # By name first: resolving every PDF's path was 0.036 s of each build's load at 1,000 papers. A
    # file a record names through a link (or a path not written plainly) is compared where it leads.
    unnamed = [name for name in sorted(file_names(project.papers)) if name.lower().endswith(".pdf") and name not in named]
    resolved = {os.path.realpath(project.papers / path) for path in named} if unnamed else set()
    for name in unnamed:
        if os.path.realpath(project.papers / name) not in resolved:
            diags.warning(f"papers/{name}", None, None,
                          "no paper or talk publishes this PDF (a removed paper's?): remove it, or name it in a "
                          "record (pdf, slides, poster, revisions or erratum)")


def load_workshop(project: Project) -> tuple[Workshop | None, Diagnostics]:
    """Only the workshop (for commands that need its tracks but not the papers)."""
    diags = Diagnostics()
    return _load_workshop(project, diags)[0], diags


def _load_workshop(project: Project, diags: Diagnostics) -> tuple[Workshop | None, tuple[Track, ...] | None]:
    """:func:`~proceedings.model.workshop.read_workshop` of ``workshop.yml``."""
    path = project.papers / "workshop.yml"
    if not path.is_file():
        diags.error("papers/workshop.yml", None, None, "missing: it describes the volume (title, date, tracks, ...)")
        return None, None
    data = load_yaml(path, "papers/workshop.yml", diags)
    return (None, None) if data is None else read_workshop(data, "papers/workshop.yml", diags)


def _load_paper_records(project: Project, diags: Diagnostics) -> tuple[str, list[Located]]:
    """The accepted-paper records and the file they came from (YAML or CSV, not both)."""
    yml, csv = project.papers / "accepted.yml", project.papers / "accepted.csv"
    if yml.is_file() and csv.is_file():
        diags.error("papers/accepted.csv", None, None, "both accepted.yml and accepted.csv exist; keep one")
    if project.paper_list == csv:
        rows = load_csv(csv, "papers/accepted.csv", diags, PAPER_FIELDS, PAPER_REQUIRED, PAPER_COLUMN_HINTS) or []
        return "papers/accepted.csv", rows
    if not yml.is_file():
        diags.error("papers/accepted.yml", None, None, "missing: list the accepted papers in accepted.yml or accepted.csv")
        return "papers/accepted.yml", []
    return "papers/accepted.yml", _yaml_list(yml, "papers/accepted.yml", diags)


def _read_list(project: Project, name: str, label: str, known: tuple[str, ...], diags: Diagnostics,
               read) -> list[tuple]:
    """The records of an optional list file (``- ...``, or a mapping holding one list), read by ``read``."""
    return _read_records(f"papers/{name}", _optional_list(project, name, diags), label, known, diags, read)


def _optional_list(project: Project, name: str, diags: Diagnostics) -> list:
    """The list of records in ``papers/<name>``, if it exists."""
    path = project.papers / name
    return _yaml_list(path, f"papers/{name}", diags) if path.is_file() else []


def _named_ids_if_read(records: list, errors_before: int, diags: Diagnostics) -> set[str] | None:
    """The ids that ``records`` name, whether or not the records are valid: the program and the
    recordings may refer to a record with an error (one typo gives one error, not one more per
    reference). None when their file could not be read (no records, and a new error in ``diags``
    since it had ``errors_before``): what refers to it is then not checked."""
    if not records and diags.error_count != errors_before:
        return None
    return set(_id_lines(records))


def _named_papers(slots: list) -> set[str] | None:
    """The ids of the papers that the program's ``slots`` name, whether or not the slots are valid
    (a slot whose end is wrong still presents its papers). None when there are no slots: no
    program, or one that could not be read."""
    if not slots:
        return None
    named = [list_items(slot.get("papers")) for slot in slots if isinstance(slot, dict)]
    return {one_line(item) for items in named if isinstance(items, list) for item in items if isinstance(item, str)}


def _id_lines(records: list) -> dict[str, int]:
    """The ids that ``records`` name, valid or not, each with its line: as the field reads them (a
    spreadsheet's `` paper-3 `` is ``paper-3``), and one refused also as the id its error says to write."""
    lines: dict[str, int] = {}
    for record in records:
        if isinstance(record, Located) and isinstance(record.get("id"), str):
            value = one_line(record["id"])
            for name in filter(None, (value, suggested_slug(value))):
                lines.setdefault(name, record.line_of("id"))
    return lines


def _yaml_list(path: Path, file: str, diags: Diagnostics) -> list:
    """The list of records in a YAML file: ``- ...`` at the top, or under its one key (``papers:``)."""
    data = record_list(load_yaml(path, file, diags))
    if data is None:
        return []
    if not isinstance(data, list):
        diags.error(file, 1, None, "expected a list of records (`- id: ...`), or one key such as `papers:` holding it")
        return []
    return data


def _read_records(file: str, records: list, label: str, known: tuple[str, ...], diags: Diagnostics,
                  read) -> list[tuple]:
    """Each record read by ``read(fields)`` and paired with its fields; ids must be unique."""
    found: list[tuple] = []
    first_line: dict[str, int] = {}
    for index, record in enumerate(records):
        where = f"{label}[{index}]"
        if not isinstance(record, Located):
            diags.error(file, None, where, f"expected a record with named fields, got {record!r}")
            continue
        if not record.complete:  # its error is reported; its id is known to what refers to it
            continue
        fields = Fields(record, file, where, known, diags, valid_id(record))
        item = read(fields)
        rid = record.get("id")
        rid = one_line(rid) if isinstance(rid, str) else rid  # as the field reads it: ' a ' is 'a'
        if isinstance(rid, str) and rid in first_line:
            fields.error("id", f"duplicate id {rid!r}, first used on line {first_line[rid]}")
        elif item is not None:
            found.append((item, fields))
        if isinstance(rid, str):
            first_line.setdefault(rid, record.line_of("id"))
    return found


PRIVATE_FILE = "private.yml"


def _with_private_passwords(project: Project, papers: list[tuple], paper_ids: set[str] | None,
                            diags: Diagnostics) -> list[tuple]:
    """The papers, each with its PDF's password from ``papers/private.yml`` (``pdf_passwords: {id:
    password}``), a file kept out of git so that passwords are not in a public repository; an error
    for each id of ``paper_ids`` it does not hold (none when they could not be read: each password
    would be an error of its own, beside the one that matters)."""
    path = project.papers / PRIVATE_FILE
    data = load_yaml(path, f"papers/{PRIVATE_FILE}", diags) if path.is_file() else None
    if data is None:
        return papers
    passwords = data.get("pdf_passwords") if isinstance(data, dict) else None
    if not isinstance(passwords, Located) or set(data) != {"pdf_passwords"}:
        diags.error(f"papers/{PRIVATE_FILE}", 1, None, "expected only `pdf_passwords:` holding `paper-id: password` lines")
        return papers
    for paper_id in passwords.keys() - paper_ids if paper_ids is not None else ():
        diags.error(f"papers/{PRIVATE_FILE}", passwords.line_of(paper_id), f"pdf_passwords.{paper_id}", "no paper has this id")
    return [(replace(paper, pdf_password=str(passwords[paper.id])) if paper.id in passwords else paper, fields)
            for paper, fields in papers]


def _warn_of_papers_listed_twice(papers: list[tuple]) -> None:
    """A warning on each paper whose OpenReview forum, title or PDF an earlier paper has: one paper,
    two pages (the importer, told to add a paper again, added one whose record had lost its forum; a
    new user's spreadsheet held a row twice under two ids, and gave two rows one PDF)."""
    for field, label, value_of in (("openreview", "OpenReview forum", lambda paper: paper.openreview),
                                   ("title", "title", _title_folded), ("pdf", "PDF", lambda paper: paper.pdf)):
        first: dict[str, tuple] = {}
        # A withdrawn paper listed again under a new id is a paper replaced, not listed twice.
        for paper, fields in (item for item in papers if field == "openreview" or not item[0].removal):
            if (value := value_of(paper)) in first:
                other, other_fields = first[value]
                fields.warning(field, f"{label} {getattr(paper, field)!r} is also that of {other.id!r} "
                                      f"(line {other_fields.data.line_of(field)}): one paper listed twice?")
            elif value:
                first[value] = (paper, fields)


def _warn_of_keys_by_order(papers: list[tuple], year: int) -> None:
    """A warning on each cited paper whose citation key takes a letter (``silva2026fastb``) because a
    paper listed before it has the same key: moving either in the list swaps their keys, which
    readers may have copied (a second new-user trial sorted its spreadsheet); ``bibkey`` pins one."""
    cited = {paper.id: (paper, fields) for paper, fields in papers if paper.cited}
    for paper_id, (key, base, owner) in keys_by_order(tuple(paper for paper, _ in cited.values()), year).items():
        fields, owner_fields = cited[paper_id][1], cited[owner][1]
        fields.warning("id", f"cited as {key!r}, since {owner!r} (line {owner_fields.data.line_of('id')}), listed before "
                             f"it, is {base!r}: moving either in the list swaps their keys; pin each with `bibkey`")


def _title_folded(paper: Paper) -> str:
    """The paper's title as two listings of it would differ: in case, outside its math ($O(n)$ is
    not $o(n)$)."""
    return "".join(segment if is_math else segment.casefold() for is_math, segment in math_segments(paper.title))


def _apart_from_papers(talks: list[tuple], paper_records: list, file: str) -> list[tuple]:
    """The talks whose id no paper record names (valid or not); an error on each other one: a
    recording names its paper or talk by id, and one named so was published on both pages."""
    lines = _id_lines(paper_records)
    for talk, fields in talks:
        if talk.id in lines:
            fields.error("id", f"{talk.id!r} is also the id of a paper ({file}, line {lines[talk.id]}): recordings.yml "
                               "and program.yml name a paper or a talk by its id; choose another id for the talk")
    return [(talk, fields) for talk, fields in talks if talk.id not in lines]


def _distinctly_named(items: list[tuple], folder: str, volume_doi: str | None = None) -> list[tuple]:
    """The items whose page and files have names of their own in ``book/<folder>/``; an error on
    each other one: its id names a generated page, or another item's file (paper ``x-slides`` and
    the slides of paper ``x``), or its citation key or DOI is another paper's (or its DOI the
    volume's, ``volume_doi``)."""
    ids = {item.id: fields for item, fields in items}
    keys: dict[str, Fields] = {}
    dois: dict[str, Fields] = {}
    kept = []
    for item, fields in items:
        owner = file_owner(item.id, ids)
        key = getattr(item, "bibkey", None)
        doi = (getattr(item, "doi", None) or "").lower()  # DOIs are case-insensitive
        problems: list[tuple[str, str]] = []
        if doi and doi == (volume_doi or "").lower():
            problems.append(("doi", f"DOI {item.doi!r} is the volume's own (workshop.yml); each paper needs its own DOI"))
        elif doi in dois:
            problems.append(("doi", f"DOI {item.doi!r} is also that of {dois[doi].data.get('id')!r} "
                                    f"(line {dois[doi].data.line_of('doi')}); a DOI names one paper"))
        if folder == "papers" and is_generated_paper_page(item.id):
            problems.append(("id", f"{item.id!r} is the name of a generated page of book/papers/; choose another id"))
        if owner:
            problems.append(("id", f"{item.id!r} is also the name of a file of {owner!r} (line {ids[owner].data.line_of('id')}); "
                                   "choose another id for one of them"))
        if key and key in keys:
            problems.append(("bibkey", f"citation key {key!r} is also that of {keys[key].data.get('id')!r} "
                                       f"(line {keys[key].data.line_of('bibkey')})"))
        for name, message in problems:
            fields.error(name, message)
        if not problems:
            kept.append((item, fields))
        if key:
            keys.setdefault(key, fields)
        if doi:
            dois.setdefault(doi, fields)
    return kept


def _checked_program(slots: list[tuple[Slot, Fields]], paper_ids: set[str] | None, talk_ids: set[str] | None,
                     papers: dict[str, Paper]) -> tuple[Slot, ...]:
    """The program, in order of start: errors for slots naming unknown talks or papers (unless their
    file could not be read: None) and for a slot that overlaps the one before it, which (for
    ``--keep-going``) is left out, as are the unknown talks and papers from their slots (a trial's
    build published two overlapping slots as if nothing were wrong); a warning for a slot presenting
    a paper withdrawn or retracted."""
    clashes = {id(slot): previous for slot, previous in overlaps([slot for slot, _ in slots])}
    kept = []
    for slot, fields in slots:
        if slot.talk and talk_ids is not None and slot.talk not in talk_ids:
            fields.error("talk", f"unknown talk {slot.talk!r}; talks.yml defines: {', '.join(sorted(talk_ids)) or 'none'}")
            slot = replace(slot, talk=None)
        known = []
        for pid in slot.papers:
            if paper_ids is not None and pid not in paper_ids:
                fields.error("papers", f"unknown paper {pid!r}")
                continue
            known.append(pid)
            if (paper := papers.get(pid)) and paper.removal_label:
                fields.warning("papers", f"{pid!r} is {paper.removal_label.lower()}: the program still lists it "
                                         "(marked so); take it out of the slot if it was not presented")
        if previous := clashes.get(id(slot)):
            fields.error("start", f"{slot.title!r} ({slot.start:%H:%M}-{slot.end:%H:%M}) overlaps {previous.title!r} "
                                  f"({previous.start:%H:%M}-{previous.end:%H:%M}, line {previous.line})")
        else:
            kept.append(replace(slot, papers=tuple(known)))
    return tuple(sorted(kept, key=lambda slot: slot.start))


def _check_presented(papers: list[tuple[Paper, Fields]], presented: set[str] | None) -> None:
    """A warning, on its record, for each paper of the volume published without a PDF or, when there
    is a program (``presented``: the papers its slots name), presented in none of its slots."""
    for paper, fields in papers:
        if paper.cited and "pdf" not in fields.data:  # a pdf that is there but unusable has its own message
            fields.warning(None, "no PDF: the paper is published without one")
        if paper.cited and presented is not None and paper.id not in presented:
            fields.warning(None, "the paper is presented in no slot of papers/program.yml")


def _load_pdf_facts(project: Project, tracks: tuple[Track, ...] | None, items: list[tuple[Paper | Talk, Fields]],
                    workers: int | None, keep_going: bool, digests: Mapping[str, str],
                    cache: PdfCache) -> tuple[dict[str, PdfFacts], set[tuple[str, str]]]:
    """Facts of every PDF the papers and talks publish, and the (item id, field) pairs whose file is
    unusable: unreadable, or beyond its track's limits. Those are errors; with ``keep_going`` the
    item is published without the file. Text left unread and active content are warnings."""
    named = [(item, fields, name, relative) for item, fields in items for name, relative in _published_pdfs(item)]
    paths = sorted({project.papers / relative for *_, relative in named})
    passwords = {project.papers / item.pdf: item.pdf_password for item, *_ in named
                 if isinstance(item, Paper) and item.pdf and item.pdf_password}
    known = {project.papers / relative: digests[relative] for *_, relative in named if relative in digests}
    facts = pdf_facts(paths, cache, workers, passwords, known)
    unusable = set()
    for item, fields, name, relative in named:
        found = facts[project.papers / relative]
        track = track_among(tracks, item.track) if tracks and isinstance(item, Paper) else None
        problem = found.error or (name == "pdf" and track and track.pdf_problem(found.pages, found.size))
        if problem:
            unusable.add((item.id, name))
            # An error either way: with --keep-going the item is published without the file, and the
            # build's exit status says something was left out.
            left_out = "; published without this file (--keep-going)" if keep_going else ""
            fields.error(name, f"papers/{relative}: {problem}{left_out}")
        if found.text_skipped:
            fields.warning(name, f"papers/{relative}: the text of {found.text_skipped} of its {found.pages} pages is "
                                 "too large to read in bounded time; search does not find words only those pages hold")
        if found.active:
            fields.warning(name, f"papers/{relative} holds {' and '.join(found.active)}, which a reader's PDF viewer "
                                 "may run; the volume PDF leaves it out (publish a copy without it to be safe)")
        if name == "pdf" and not problem and found.pages > LONG_PDF and not (track and track.max_pages):
            fields.warning(name, f"papers/{relative} has {found.pages:,} pages, all of which the volume PDF holds: is it "
                                 f"the paper? (a track's max_pages refuses such files)")
    return {relative: facts[project.papers / relative] for *_, relative in named}, unusable


def _published_pdfs(item: Paper | Talk) -> list[tuple[str, str]]:
    """(field, path in ``papers/``) of every PDF the item publishes: its materials, and a paper's
    earlier versions and erratum."""
    found = [(material.field, path) for material in MATERIALS if (path := getattr(item, material.field, None))]
    if isinstance(item, Paper):
        found += [("revisions", revision.pdf) for revision in item.revisions if revision.pdf]
        found += [("erratum", item.erratum.pdf)] if item.erratum and item.erratum.pdf else []
    return found
