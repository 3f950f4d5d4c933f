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
    text = accepted.read_bytes().decode("utf-8")  # as written: its line ends kept
    records = record_list(YAML().load(text))  # round-trip loading: it knows each key's line and column
    if not isinstance(records, list):
        raise DoisNotWritten(f"{accepted} does not hold a list of papers; fix it (proceedings check says how)")
    lines, inserted = [], {}
    for record in records:
        new = dois.get(str(record.get("id"))) if isinstance(record, CommentedMap) else None
        if not new:
            continue
        old = record.get("doi")
        key_line, column = record.lc.key("id")
        if "doi" in record and not old:
            lines.append(f"{record['id']}: its doi field is empty; write {new} there by hand")
        elif old:
            same = str(old).lower().removeprefix("https://doi.org/") == new.lower()
            lines.append(f"{record['id']}: doi {new} already there" if same else
                         f"{record['id']}: kept the doi written by hand, {old}; Zenodo's is {new}")
        elif record.fa.flow_style() or record.lc.value("id")[0] != key_line:
            lines.append(f"{record['id']}: its record is not written one field a line; add `doi: {new}` by hand")
        else:
            inserted[key_line + 1] = " " * column + f"doi: {new}"
            lines.append(f"{record['id']}: doi {new} written")
    if inserted:
        carriage_return = "\r" if "\r\n" in text else ""  # a CRLF file's new lines end as its others do
        changed = []
        # YAML counts lines at line feeds only (not at the other breaks str.splitlines knows).
        for number, line in enumerate(text.split("\n")):
            if number in inserted:
                changed.append(inserted[number] + carriage_return)
            changed.append(line)
        with replacing(accepted) as temporary:
            temporary.write_bytes("\n".join(changed).encode("utf-8"))
    return lines
