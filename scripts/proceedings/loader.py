"""Loading a project's ``papers/`` into the model, with every problem reported as a diagnostic."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostics
from .paper import PAPER_FIELDS, Paper, csv_record, read_paper
from .pdf import PdfCache, pdf_facts
from .project import Project
from .records import Fields
from .sources import Located, load_csv, load_yaml
from .volume import Proceedings
from .workshop import Workshop, read_workshop

_PDF_FIELDS = ("pdf", "slides", "poster")


def load(project: Project, workers: int | None = None) -> tuple[Proceedings | None, Diagnostics]:
    """The proceedings in ``project``, or None when any input has an error; all diagnostics either way.

    Nothing is written; PDF facts come from the cache where it has them.
    """
    diags = Diagnostics()
    if not project.papers.is_dir():
        diags.error("papers", None, None, "no papers/ folder here; is this a proceedings project? (`proceedings new DIR` makes one)")
        return None, diags
    workshop = _load_workshop(project, diags)
    records = _load_paper_records(project, diags)
    papers = _read_papers(records, workshop, project.papers, diags)
    pdfs = _load_pdf_facts(project, papers, workers, diags)
    if workshop is None or diags.has_errors:
        return None, diags
    return Proceedings(workshop, tuple(paper for paper, _ in papers), pdfs), diags


def _load_workshop(project: Project, diags: Diagnostics) -> Workshop | None:
    path = project.papers / "workshop.yml"
    if not path.is_file():
        diags.error("papers/workshop.yml", None, None, "missing: it describes the volume (title, date, tracks, ...)")
        return None
    data = load_yaml(path, "papers/workshop.yml", diags)
    return None if data is None else read_workshop(data, "papers/workshop.yml", diags)


def _load_paper_records(project: Project, diags: Diagnostics) -> tuple[str, list[Located]]:
    """The accepted-paper records and the file they came from (YAML or CSV, not both)."""
    yml, csv = project.papers / "accepted.yml", project.papers / "accepted.csv"
    if yml.is_file() and csv.is_file():
        diags.error("papers/accepted.csv", None, None, "both accepted.yml and accepted.csv exist; keep one")
    if csv.is_file() and not yml.is_file():
        rows = load_csv(csv, "papers/accepted.csv", diags) or []
        return "papers/accepted.csv", [csv_record(row) for row in rows]
    if not yml.is_file():
        diags.error("papers/accepted.yml", None, None, "missing: list the accepted papers in accepted.yml or accepted.csv")
        return "papers/accepted.yml", []
    data = load_yaml(yml, "papers/accepted.yml", diags)
    if data is None:
        return "papers/accepted.yml", []
    if isinstance(data, Located) and isinstance(data.get("papers"), list):
        data = data["papers"]
    if not isinstance(data, list):
        diags.error("papers/accepted.yml", 1, None, "expected a list of papers (`- id: ...`) or `papers:` with such a list")
        return "papers/accepted.yml", []
    return "papers/accepted.yml", data


def _read_papers(records: tuple[str, list], workshop: Workshop | None, papers_dir: Path,
                 diags: Diagnostics) -> list[tuple[Paper, Fields]]:
    file, items = records
    papers: list[tuple[Paper, Fields]] = []
    first_line: dict[str, int] = {}
    for index, data in enumerate(items):
        label = f"papers[{index}]"
        if not isinstance(data, Located):
            diags.error(file, None, label, f"expected a record with fields such as id, title, authors; got {data!r}")
            continue
        fields = Fields(data, file, label, PAPER_FIELDS, diags)
        paper = read_paper(fields, workshop, papers_dir)
        pid = data.get("id")
        if isinstance(pid, str) and pid in first_line:
            fields.error("id", f"duplicate paper id {pid!r}, first used on line {first_line[pid]}")
        elif paper is not None:
            papers.append((paper, fields))
        if isinstance(pid, str):
            first_line.setdefault(pid, data.line_of("id"))
    return papers


def _load_pdf_facts(project: Project, papers: list[tuple[Paper, Fields]], workers: int | None,
                    diags: Diagnostics) -> dict:
    """Facts of every PDF the papers name; an unreadable file is an error on the field naming it."""
    named = [(fields, name, getattr(paper, name)) for paper, fields in papers for name in _PDF_FIELDS if getattr(paper, name)]
    paths = sorted({project.papers / relative for _, _, relative in named})
    facts = pdf_facts(paths, PdfCache(project.cache), workers)
    for fields, name, relative in named:
        if error := facts[project.papers / relative].error:
            fields.error(name, f"papers/{relative}: {error}")
    return {relative: facts[project.papers / relative] for _, _, relative in named}
