"""Writing DOIs a registration agency gave back (Zenodo's) into ``papers/accepted.yml``: the one
change a deposit makes to the organizer's list, atomically, as one ``doi:`` line inserted under each
paper's ``id:`` (every other line, comments and layout included, is kept byte for byte), and never
replacing a DOI the organizer wrote."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..records.sources import record_list
from ..util.files import replacing


class DoisNotWritten(Exception):
    """The list cannot take the DOIs; the message says what to do instead."""


def write_dois(papers_dir: Path, dois: dict[str, str]) -> list[str]:
    """Set each paper's ``doi`` in ``accepted.yml`` from ``dois`` (by paper id) where it has none;
    one line per paper saying what was done. Nothing is written when nothing changes."""
    accepted = papers_dir / "accepted.yml"
    listed = "; ".join(f"{paper_id}: {doi}" for paper_id, doi in sorted(dois.items()))
    if not accepted.is_file():
        raise DoisNotWritten(f"{accepted} does not exist (is the list accepted.csv?); add a doi column by hand: {listed}")
    text = accepted.read_text("utf-8")
    records = record_list(YAML().load(text))  # round-trip loading: it knows each key's line and column
    if not isinstance(records, list):
        raise DoisNotWritten(f"{accepted} does not hold a list of papers; fix it (proceedings check says how)")
    lines, inserted = [], {}
    for record in records:
        new = dois.get(str(record.get("id"))) if isinstance(record, CommentedMap) else None
        if not new:
            continue
        old = record.get("doi")
        if old is not None:
            same = str(old).lower().removeprefix("https://doi.org/") == new.lower()
            lines.append(f"{record['id']}: doi {new} already there" if same else
                         f"{record['id']}: kept the doi written by hand, {old}; Zenodo's is {new}")
        elif record.fa.flow_style():
            lines.append(f"{record['id']}: its record is written on one line ({{...}}); add `doi: {new}` by hand")
        else:
            line, column = record.lc.key("id")
            inserted[line + 1] = " " * column + f"doi: {new}\n"
            lines.append(f"{record['id']}: doi {new} written")
    if inserted:
        original = text.splitlines(keepends=True)
        if original and not original[-1].endswith("\n"):
            original[-1] += "\n"
        changed = [piece for number, line in enumerate(original) for piece in (inserted.get(number, ""), line)]
        changed.append(inserted.get(len(original), ""))
        with replacing(accepted) as temporary:
            temporary.write_text("".join(changed), "utf-8")
    return lines
