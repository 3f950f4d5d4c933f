"""Writing DOIs a registration agency gave back (Zenodo's) into ``papers/accepted.yml``: the one
change a deposit makes to the organizer's list, atomically, keeping its comments (ruamel.yaml), and
never replacing a DOI the organizer wrote."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from ..records.sources import record_list
from ..util.files import replacing


class DoisNotWritten(Exception):
    """The list cannot take the DOIs; the message says what to do instead."""


def write_dois(papers_dir: Path, dois: dict[str, str]) -> list[str]:
    """Set each paper's ``doi`` in ``accepted.yml`` from ``dois`` (by paper id) where it has none;
    one line per paper saying what was done. Nothing is written when nothing changes."""
    accepted = papers_dir / "accepted.yml"
    if not accepted.is_file():
        listed = "; ".join(f"{paper_id}: {doi}" for paper_id, doi in sorted(dois.items()))
        raise DoisNotWritten(f"{accepted} does not exist (is the list accepted.csv?); add a doi column by hand: {listed}")
    yaml = YAML()
    yaml.width, yaml.preserve_quotes = 100, True
    document = yaml.load(accepted.read_text("utf-8"))
    records = record_list(document)
    if not isinstance(records, list):
        raise DoisNotWritten(f"{accepted} does not hold a list of papers; fix it (proceedings check says how)")
    lines, changed = [], False
    for record in records:
        paper_id = record.get("id") if isinstance(record, dict) else None
        new = dois.get(str(paper_id))
        if not new:
            continue
        old = record.get("doi")
        if old is None:
            record["doi"] = new
            changed = True
            lines.append(f"{paper_id}: doi {new} written")
        elif str(old).lower().removeprefix("https://doi.org/") == new.lower():
            lines.append(f"{paper_id}: doi {new} already there")
        else:
            lines.append(f"{paper_id}: kept the doi written by hand, {old}; Zenodo's is {new}")
    if changed:
        with replacing(accepted) as temporary, temporary.open("w", encoding="utf-8") as stream:
            yaml.dump(document, stream)
    return lines
