"""DataCite metadata (schema 4.5) for each paper and for the volume: what a DOI registration agency
(DataCite directly, or Zenodo) records about it. Built as DataCite's JSON, validated against the
schema the ``datacite`` package bundles (with jsonschema-rs), and written as XML by that package."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import threading
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import jsonschema_rs

from ..model.locations import revision_file
from ..util.files import package_folder
from ..util.latex import plain
from ..util.text import one_line

if TYPE_CHECKING:
    from ..model.paper import Paper
    from ..model.people import Person
    from ..model.volume import Proceedings
    from ..model.workshop import Workshop

DATACITE_FILES = (("DataCite XML", "datacite.xml"), ("DataCite JSON", "datacite.json"))
"""The DataCite files published beside a paper's page: (label, extension)."""


class InvalidDataCite(ValueError):
    """A record the DataCite schema refuses (a defect of ours: the model's values are validated)."""


def paper_record(volume: Proceedings, paper: Paper) -> dict:
    """The paper's DataCite record: a ``ConferencePaper``, part of the volume."""
    workshop = volume.workshop
    record = _common(volume, [_creator(author) for author in paper.authors], plain(paper.title), "ConferencePaper")
    record["descriptions"] = [{"description": plain(paper.abstract), "descriptionType": "Abstract"}]
    record["subjects"] = [{"subject": keyword} for keyword in paper.keywords]
    record["relatedIdentifiers"] = _paper_relations(volume, paper)
    record["dates"] = [{"date": workshop.date.isoformat(), "dateType": "Issued"}]
    if paper.doi:
        record["doi"] = paper.doi
    if paper.id in volume.page_ranges:
        first, last = volume.page_ranges[paper.id]
        record["sizes"] = [f"{last - first + 1} pages"]
    if paper.pdf and not paper.taken_down:
        record["formats"] = ["application/pdf"]
    if paper.removal:
        # The DOI stays registered and resolving; its record says the paper is no longer part of the volume.
        record["dates"].append({"date": paper.removal.date.isoformat(), "dateType": "Withdrawn",
                                "dateInformation": f"{paper.removal_label} by the "
                                                   f"{'organizers' if paper.retracted else 'authors'}"})
        record["descriptions"].append({"description": f"{paper.removal_label} on {paper.removal.date.isoformat()}: "
                                                      f"{one_line(paper.removal.text)}", "descriptionType": "Other"})
    return record


def volume_record(volume: Proceedings) -> dict:
    """The volume's DataCite record: a ``ConferenceProceeding`` with its editors (or, without any,
    its organizers) as creators and every paper as a part."""
    workshop = volume.workshop
    people = workshop.editors or workshop.organizers
    creators = [_creator(person) for person in people] or [{"name": _publisher(volume), "nameType": "Organizational"}]
    record = _common(volume, creators, plain(workshop.booktitle), "ConferenceProceeding")
    record["dates"] = [{"date": workshop.date.isoformat(), "dateType": "Issued"}]
    record["relatedIdentifiers"] = [_url(workshop.base_url, "IsIdenticalTo")]
    record["relatedIdentifiers"] += [_doi_or_url(paper.doi, volume.url(paper), "HasPart") for paper in volume.cited_papers]
    if workshop.doi:
        record["doi"] = workshop.doi
    return record


def _common(volume: Proceedings, creators: list[dict], title: str, kind: str) -> dict:
    workshop = volume.workshop
    record: dict = {
        "creators": creators,
        "titles": [{"title": title}],
        "publisher": {"name": _publisher(volume)},
        "publicationYear": str(workshop.year),
        "types": {"resourceTypeGeneral": kind, "resourceType": "Workshop paper" if kind == "ConferencePaper" else
                  "Workshop proceedings"},
        "language": "en",
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }
    if workshop.license:
        rights = {"rights": workshop.license}
        if workshop.license_url:
            rights["rightsUri"] = workshop.license_url
        if spdx := _spdx(workshop):
            rights |= {"rightsIdentifier": spdx, "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}
        record["rightsList"] = [rights]
    return record


def _publisher(volume: Proceedings) -> str:
    workshop = volume.workshop
    return workshop.publisher or plain(workshop.title)


def _creator(person: Person) -> dict:
    parts = person.parts
    creator: dict = {"name": person.name, "nameType": "Personal"}
    if parts.given:
        given = " ".join(part for part in (parts.given, parts.suffix) if part)
        creator |= {"name": person.family_first, "givenName": given, "familyName": parts.family}
    if person.affiliation:
        creator["affiliation"] = [{"name": person.affiliation}]
    if person.orcid_url:
        creator["nameIdentifiers"] = [{"nameIdentifier": person.orcid_url, "nameIdentifierScheme": "ORCID",
                                       "schemeUri": "https://orcid.org"}]
    return creator


def _paper_relations(volume: Proceedings, paper: Paper) -> list[dict]:
    workshop = volume.workshop
    relations = [_url(volume.url(paper), "IsIdenticalTo")]
    relations.append(_doi_or_url(workshop.doi, workshop.base_url, "IsPartOf"))
    if paper.openreview_url:
        relations.append(_url(paper.openreview_url, "IsReviewedBy"))
    if paper.code:
        relations.append(_url(paper.code, "IsSupplementedBy"))
    # The current version replaces each earlier one, which stays published beside the page.
    page = volume.url(paper).rsplit("/", 1)[0]
    relations += [_url(f"{page}/{revision_file(paper.id, number)}", "IsNewVersionOf")
                  for number in range(1, len(paper.revisions) + 1)]
    return relations


def _doi_or_url(doi: str | None, url: str, relation: str) -> dict:
    """A relation to the DOI when there is one, else to the URL."""
    if doi:
        return {"relatedIdentifier": doi, "relatedIdentifierType": "DOI", "relationType": relation}
    return _url(url, relation)


def _url(url: str, relation: str) -> dict:
    """A relation to a URL."""
    return {"relatedIdentifier": url, "relatedIdentifierType": "URL", "relationType": relation}


def _spdx(workshop: Workshop) -> str | None:
    """The SPDX identifier of the workshop's Creative Commons licence ('CC-BY-4.0', 'CC0-1.0')."""
    if not workshop.creative_commons:
        return None
    kind, version = workshop.creative_commons
    return f"CC0-{version}" if kind == "zero" else f"CC-{kind.upper()}-{version}"


def datacite_texts(record: dict) -> tuple[str, str]:
    """The record as DataCite XML (kernel 4.5) and as DataCite JSON, checked against the schema once
    for both."""
    _check_against_schema(record)
    return _schema().tostring(record), json.dumps(record, ensure_ascii=False, indent=2) + "\n"


_IMPORTING = threading.Lock()


@cache
def _schema() -> ModuleType:
    """The ``datacite`` package's schema 4.5 module, for its XML writer: a copy of its own, imported
    apart from the package. The package's ``__init__`` imports its HTTP clients, whose dependency
    idutils compiles hundreds of patterns as it loads (0.3 s alone, up to 1 s of an edit's build
    beside Sphinx), and the module builds a jsonschema validator as it loads (0.11-0.18 s of CPU in
    each build that writes a DataCite text, 0.03-0.04 s without), where this tool validates with
    jsonschema-rs (:func:`_validator`); the copy is given neither.

    The copy must be imported as ``datacite.schema45`` (it finds its schema through the package's
    name): for those milliseconds the package's names in ``sys.modules`` are the copy's, then they are
    as they were, so that a later ``import datacite`` gets the package's own, whole. No other thread
    of the build imports ``datacite``."""
    spec = importlib.util.find_spec("datacite")
    if spec is None:
        raise ModuleNotFoundError("No module named 'datacite'", name="datacite")
    unused = ModuleType("datacite.jsonutils")
    unused.validator_factory = lambda schema_file: None  # type: ignore[attr-defined]
    with _IMPORTING:
        imported = _taken_package_modules()
        sys.modules |= {"datacite": importlib.util.module_from_spec(spec), "datacite.jsonutils": unused}
        try:
            return importlib.import_module("datacite.schema45")
        finally:
            _taken_package_modules()  # the copy's, xmlutils included
            sys.modules |= imported


def _taken_package_modules() -> dict[str, ModuleType]:
    """The ``datacite`` package's modules that ``sys.modules`` held, by name, taken out of it."""
    found = {name: module for name, module in sys.modules.items() if name == "datacite" or name.startswith("datacite.")}
    for name in found:
        del sys.modules[name]
    return found


@cache
def _validator() -> jsonschema_rs.Validator:
    """The schema 4.5 that the ``datacite`` package bundles, as jsonschema-rs compiles it. The
    package's own validator (jsonschema, in Python) took 1.2 s of CPU for 1,000 papers, most of the
    DataCite files' cost; this one takes 0.013 s, with the same verdicts on the records the tool
    writes (a test compares them). They differ on values the tool never writes, where Python's and
    Rust's patterns do: a final newline, control characters."""
    schema = json.loads((package_folder("datacite") / "schemas" / "datacite-v4.5.json").read_text("utf-8"))
    return jsonschema_rs.validator_for(schema)


def _check_against_schema(record: dict) -> None:
    errors = sorted(error.message for error in _validator().iter_errors(record))
    if errors:
        raise InvalidDataCite("; ".join(errors))
