"""DOIs: read and normalised at the boundary (with a diagnostic for each bad one, at its line), unique
in the volume, present in every citation of a paper that has one and absent from one that has
not; every DataCite record the archive publishes validates against DataCite's schema 4.5."""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pybtex.database
import pypdf
import pytest
from datacite import schema45

from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.outputs.citation import Citations, csl_item, highwire_tags, json_ld
from proceedings.outputs.datacite import InvalidDataCite, _check_against_schema, datacite_texts, paper_record, volume_record
from proceedings.outputs.volume_pdf import preliminary_pages
from proceedings.util.doi import doi_url, normalised_doi

from conftest import PAPERS_YML, write_project
from names import names_volume


@pytest.mark.parametrize("written, doi", [
    ("10.5281/zenodo.1234567", "10.5281/zenodo.1234567"),
    ("  10.18653/v1/2020.acl-main.1 ", "10.18653/v1/2020.acl-main.1"),
    ("https://doi.org/10.5072/fm4science.2026.1", "10.5072/fm4science.2026.1"),
    ("http://dx.doi.org/10.1000/182", "10.1000/182"),
    ("doi:10.1000/182", "10.1000/182"),
    ("DOI: 10.1000/ABC-def", "10.1000/ABC-def"),
    ("https://doi.org/10.1002/%28SICI%291097-4636%28199812%2943%3A4%3C439%3A%3AAID-JBM12%3E3.0.CO%3B2-M",
     "10.1002/(SICI)1097-4636(199812)43:4<439::AID-JBM12>3.0.CO;2-M"),
])
def test_dois_are_normalised(written, doi):
    assert normalised_doi(written) == doi


@pytest.mark.parametrize("written, reason", [
    ("zenodo.1234567", "a DOI starts with '10.'"),
    ("https://zenodo.org/records/1234567", "a DOI starts with '10.'"),
    ("10.123/abc", "registrant code, 4 to 9 digits"),
    ("10.5281", "registrant code, 4 to 9 digits"),
    ("10.5281/", "its suffix is empty"),
    ("10.5281/a b", "characters no DOI agency issues: ' '"),
    ("10.5281/x}\\input{/etc/passwd", "characters no DOI agency issues: '\\\\' '{' '}'"),
    ("10.5281/x\"><script>", "characters no DOI agency issues: '\"'"),
    ("10.5281/" + "a" * 300, "a DOI has at most 200"),
])
def test_bad_dois_say_why(written, reason):
    with pytest.raises(ValueError, match=None) as refused:
        normalised_doi(written)
    assert reason in str(refused.value)


def _errors(root):
    volume, diags = load(Project(root))
    return [(d.line, d.field, d.message) for d in diags.sorted() if d.severity.value == "error"]


def test_a_bad_doi_is_an_error_at_its_line(tmp_path):
    papers = PAPERS_YML.replace("  award: Best Paper\n", "  award: Best Paper\n  doi: https://zenodo.org/records/99\n")
    assert _errors(write_project(tmp_path / "p", papers=papers)) == [
        (15, "papers[0].doi", "'https://zenodo.org/records/99' is not a DOI: a DOI starts with '10.' (or https://doi.org/10.)")]


def test_a_doi_names_one_paper(tmp_path):
    papers = (PAPERS_YML.replace("  award: Best Paper\n", "  award: Best Paper\n  doi: 10.5072/Same.1\n")
              .replace("  abstract: Short.\n", "  abstract: Short.\n  doi: https://doi.org/10.5072/same.1\n"))
    workshop_doi = "doi: 10.5072/volume\n"
    errors = _errors(write_project(tmp_path / "p", papers=papers))
    assert errors == [(23, "papers[1].doi", "DOI '10.5072/same.1' is also that of 'paper-one' (line 15); a DOI names one paper")]
    from conftest import WORKSHOP_YML
    papers = PAPERS_YML.replace("  award: Best Paper\n", "  award: Best Paper\n  doi: 10.5072/volume\n")
    errors = _errors(write_project(tmp_path / "q", workshop=WORKSHOP_YML + workshop_doi, papers=papers))
    assert errors == [(15, "papers[0].doi", "DOI '10.5072/volume' is the volume's own (workshop.yml); each paper needs its own DOI")]


@pytest.fixture
def volume(shipped_volume):
    return shipped_volume


def test_the_shipped_archive_shows_three_test_dois(volume):
    with_doi = [paper for paper in volume.papers if paper.doi]
    assert len(with_doi) == 3 and all(paper.doi.startswith("10.5072/") for paper in with_doi)
    assert any(paper.removal for paper in with_doi), "a withdrawn paper keeps its DOI"


def test_the_doi_is_in_every_citation_of_a_paper_that_has_one(volume, tmp_path):
    paper = next(paper for paper in volume.cited_papers if paper.doi)
    other = next(paper for paper in volume.cited_papers if not paper.doi)
    citations = Citations(volume)
    for cited, expected in ((paper, paper.doi), (other, None)):
        bibtex = pybtex.database.parse_string(citations.bibtex([cited]), "bibtex")
        assert next(iter(bibtex.entries.values())).fields.get("doi") == expected
        assert (f"DO  - {expected}" in citations.ris([cited])) == bool(expected)
        assert csl_item(volume, cited).get("DOI") == expected
        assert dict(highwire_tags(volume, cited)).get("citation_doi") == expected
        ld = json_ld(volume, cited)
        assert ld.get("identifier") == ({"@type": "PropertyValue", "propertyID": "DOI", "value": expected} if expected else None)
        assert ld.get("sameAs") == (f"https://doi.org/{expected}" if expected else None)
        apa = citations.apa(cited)
        assert apa.endswith(f"https://doi.org/{expected}" if expected else volume.url(cited))


def test_every_datacite_record_of_the_archive_validates(volume):
    records = [paper_record(volume, paper) for paper in volume.papers] + [volume_record(volume)]
    for record in records:
        assert schema45.validate(record), record["titles"]
        ElementTree.fromstring(datacite_texts(record)[0].encode())
    withdrawn = next(paper_record(volume, paper) for paper in volume.papers if paper.removal and paper.doi)
    assert withdrawn["doi"].startswith("10.5072/")
    assert {"date": "2026-05-15", "dateType": "Withdrawn", "dateInformation": "Withdrawn by the authors"} in withdrawn["dates"]
    assert any(d["descriptionType"] == "Other" and d["description"].startswith("Withdrawn on 2026-05-15")
               for d in withdrawn["descriptions"])


def _places(value, path=()):
    """The path of each value inside ``value`` (dict keys and list indexes), ``value`` itself left out."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield (*path, key)
        yield from _places(child, (*path, key))


def _changed(record: dict, path: tuple, value) -> dict:
    """A copy of ``record`` with the value at ``path`` removed (``value`` is the class ``KeyError``)
    or replaced by ``value``."""
    changed = copy.deepcopy(record)
    parent = changed
    for key in path[:-1]:
        parent = parent[key]
    if value is KeyError:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return changed


def test_the_schema_check_gives_the_datacite_package_s_verdicts(volume):
    # Our check compiles the package's schema with jsonschema-rs; the package validates with jsonschema.
    # Each record of the archive, changed in every place: removed, or given a value of another kind,
    # empty, or not one the schema lists.
    replacements = [KeyError, None, "", 0, 1.5, True, [], {}, [{}], "2026-13-45", "Other", "not a DOI", "x" * 3]
    records = [paper_record(volume, paper) for paper in volume.papers] + [volume_record(volume)]
    verdicts = []
    for record in records:
        for path in _places(record):
            for value in replacements:
                if value is KeyError and isinstance(path[-1], int):
                    continue
                changed = _changed(record, path, value)
                try:
                    _check_against_schema(changed)
                    ours = True
                except InvalidDataCite:
                    ours = False
                verdicts.append((schema45.validator.is_valid(changed), ours))
    assert all(theirs == ours for theirs, ours in verdicts)
    assert sum(not theirs for theirs, _ in verdicts) > 1000 and sum(theirs for theirs, _ in verdicts) > 1000


def test_datacite_names_affiliations_and_orcids(volume):
    paper = next(paper for paper in volume.papers if paper.id == "example-operator-scaling")
    record = paper_record(volume, paper)
    assert record["creators"][0] == {
        "name": "Schäfer-Müller, Jürgen", "nameType": "Personal", "givenName": "Jürgen", "familyName": "Schäfer-Müller",
        "affiliation": [{"name": "Example University of Hamburg"}],
        "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097", "nameIdentifierScheme": "ORCID",
                             "schemeUri": "https://orcid.org"}]}
    assert record["creators"][2]["familyName"] == "van der Berg"
    assert record["types"]["resourceTypeGeneral"] == "ConferencePaper"
    assert {"relatedIdentifier": "https://openreview.net/forum?id=ExAmPle0001", "relatedIdentifierType": "URL",
            "relationType": "IsReviewedBy"} in record["relatedIdentifiers"]
    xml = datacite_texts(record)[0]
    assert f'<identifier identifierType="DOI">{paper.doi}</identifier>' in xml


def test_every_datacite_record_of_the_name_fixtures_validates():
    volume = names_volume()
    for paper in volume.papers:
        record = paper_record(volume, paper)
        assert schema45.validate(record)
        ElementTree.fromstring(datacite_texts(record)[0].encode())
        assert [creator["nameType"] for creator in record["creators"]] == ["Personal"] * len(paper.authors)



def test_the_volume_pdf_contents_give_each_doi_as_a_link(volume):
    ranges = {paper.id: (index * 4 + 1, index * 4 + 4) for index, paper in enumerate(volume.bound_papers)}
    reader = pypdf.PdfReader(io.BytesIO(preliminary_pages(volume, [], ranges)))
    text = " ".join(page.extract_text() for page in reader.pages)
    links = {annotation.get_object().get("/A", {}).get("/URI") for page in reader.pages
             for annotation in page.get("/Annots") or []}
    for paper in volume.bound_papers:
        assert (f"DOI: {paper.doi}" in text) == bool(paper.doi)
        assert (f"https://doi.org/{paper.doi}" in links) == bool(paper.doi)


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc not installed (Debian: pandoc); CI installs it")
def test_pandoc_reads_the_doi_from_the_bibtex_and_csl_json(volume):
    """(pandoc 2.17, Debian's, reads no RIS.)"""
    paper = next(paper for paper in volume.cited_papers if paper.doi)
    citations = Citations(volume)
    for reader, text in (("bibtex", citations.bibtex([paper])), ("biblatex", citations.utf8_bibtex([paper])),
                         ("csljson", citations.csl_json([paper]))):
        result = subprocess.run(["pandoc", "-f", reader, "-t", "csljson"], input=text.encode(), capture_output=True, check=True)
        assert [item.get("DOI") for item in json.loads(result.stdout)] == [paper.doi], reader


@pytest.mark.skipif(not shutil.which("biber"), reason="biber not installed (Debian: biber); CI installs it")
def test_biber_reads_the_doi(volume, tmp_path):
    paper = next(paper for paper in volume.cited_papers if paper.doi)
    (tmp_path / "in.bib").write_text(Citations(volume).utf8_bibtex([paper]), "utf-8")
    subprocess.run(["biber", "--tool", "--output-format=biblatexml", "--output-file=out.xml", "in.bib"], cwd=tmp_path,
                   capture_output=True, check=True)
    namespace = {"b": "http://biblatex-biber.sourceforge.net/biblatexml"}
    entry = ElementTree.parse(tmp_path / "out.xml").getroot().find("b:entry", namespace)
    assert entry.findtext("b:doi", "", namespace) == paper.doi


def test_a_doi_link_percent_encodes_what_a_url_may_not_hold():
    assert doi_url("10.5281/zenodo.1234567") == "https://doi.org/10.5281/zenodo.1234567"
    assert doi_url("10.1002/(SICI)1097-4636(199812)43:4<439::AID-JBM12>3.0.CO;2-M") == \
        "https://doi.org/10.1002/(SICI)1097-4636(199812)43:4%3C439::AID-JBM12%3E3.0.CO;2-M"
    assert doi_url("10.1000/a[1]+b") == "https://doi.org/10.1000/a%5B1%5D+b"


def test_the_datacite_schema_loads_without_the_packages_http_clients_or_validator():
    # In a fresh interpreter: the package's __init__ imports HTTP clients (requests, idutils) that cost
    # an edit's build up to a second, and the schema's module a jsonschema validator; the schema is
    # loaded without them, writes the package's XML, and the package still imports whole afterwards.
    script = """
import sys
from proceedings.outputs.datacite import _schema
schema = _schema()
assert not {"idutils", "requests", "jsonschema"} & set(sys.modules), sorted(sys.modules)
assert not [name for name in sys.modules if name.startswith("datacite")], sorted(sys.modules)
import datacite
from datacite import schema45
assert schema45 is not schema and schema45.validator is not None
assert datacite.DataCiteRESTClient.__name__ == "DataCiteRESTClient"
record = {"identifiers": [{"identifier": "10.5072/x", "identifierType": "DOI"}], "titles": [{"title": "Ünïcode & <tags>"}],
          "creators": [{"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe"}],
          "publisher": {"name": "P"}, "publicationYear": "2026", "types": {"resourceTypeGeneral": "Text"}}
assert schema.tostring(record) == schema45.tostring(record)
"""
    subprocess.run([sys.executable, "-c", script], check=True)


def test_the_datacite_schema_copy_leaves_an_imported_package_as_it_was():
    from proceedings.outputs.datacite import _schema

    def package() -> dict:
        return {name: module for name, module in sys.modules.items() if name.startswith("datacite")}
    before = package()
    assert before["datacite.schema45"] is schema45  # imported by this module
    copy = _schema.__wrapped__()
    assert package() == before and all(package()[name] is module for name, module in before.items())
    assert copy is not schema45 and copy.validator is None and schema45.validator is not None
