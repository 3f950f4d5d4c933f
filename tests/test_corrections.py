"""Corrections as the ACL Anthology makes them: versions, errata, withdrawals and retractions."""

from __future__ import annotations

import json
import zipfile

import bibtexparser
import pytest
from bs4 import BeautifulSoup

from proceedings.cli import main
from proceedings.inputs.loader import load
from proceedings.model.locations import Project

from conftest import PAPERS_YML, RECORDINGS, write_project

CORRECTED = PAPERS_YML.replace("  pdf: pdf/paper-one.pdf\n", """\
  pdf: pdf/paper-one.pdf
  revisions:
    - date: 2026-04-01
      note: "Camera-ready version."
      pdf: pdf/paper-one-v1.pdf
  erratum:
    date: 2026-06-01
    note: "Equation 3 had a sign error."
""") + """\
- id: paper-three
  title: "A Retracted Result"
  authors:
    - name: Retracto Author
  abstract: Wrong.
  keywords: [retractions]
  track: full
  pdf: pdf/paper-three.pdf
  retracted:
    date: 2026-07-01
    reason: "The data were fabricated."
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("corrections") / "p", papers=CORRECTED,
                         pdfs=("paper-one", "paper-two", "paper-three", "paper-one-v1"))
    assert main(["build", str(root)]) == 0
    return root


def _page(root, pid):
    return BeautifulSoup((root / f"_build/html/book/papers/{pid}.html").read_text("utf-8"), "html.parser")


def test_retracted_page_stays_with_the_reason_and_no_citation(built):
    page = _page(built, "paper-three")
    assert page.select_one("article h1 span.proceedings-struck").get_text() == "A Retracted Result"
    text = " ".join(page.select_one("article section").get_text(" ").split())
    assert "Retracted on 01 July 2026. The data were fabricated." in text
    assert not page.select("div.highlight-bibtex") and not page.find("meta", attrs={"name": "citation_title"})
    assert not (built / "_build/html/book/papers/paper-three.bib").exists()


def test_retracted_paper_is_out_of_the_volume(built):
    keys = [e.key for e in bibtexparser.parse_string((built / "_build/html/proceedings.bib").read_text("utf-8")).entries]
    assert len(keys) == 2 and not any("retracted" in key or "author2026" in key for key in keys)
    volume, _ = load(Project(built))
    assert "paper-three" not in [p.id for p in volume.bound_papers]
    assert "Retracto Author" not in [e.person.name for e in volume.authors]
    assert "Retracto" not in (built / "_build/html/book/people/authors.html").read_text("utf-8")
    assert "retractions" not in (built / "_build/html/book/papers/keywords.html").read_text("utf-8")
    listing = (built / "_build/html/book/tracks/full.html").read_text("utf-8")
    assert "A Retracted Result" in listing and "Retracted" in listing
    # A new-user trial: the listings counted it among the accepted papers.
    assert "1 paper (and 1 retracted)." in BeautifulSoup(listing, "html.parser").get_text()
    index = BeautifulSoup((built / "_build/html/book/papers/index.html").read_text("utf-8"), "html.parser").get_text()
    assert "2 accepted papers (and 1 retracted). Cite them all" in index


WITHDRAWN = PAPERS_YML.replace("  pdf: pdf/paper-one.pdf\n", """\
  pdf: pdf/paper-one.pdf
  slides: pdf/paper-one-slides.pdf
  revisions:
    - {date: 2026-04-01, note: Camera-ready version., pdf: pdf/paper-one-v1.pdf}
  erratum: {date: 2026-05-01, note: A sign error., pdf: pdf/paper-one-erratum.pdf}
  withdrawn: "2026-06-01: The authors found an error in Theorem 2."
  doi: 10.5072/fm4s.1
""")


def test_a_withdrawn_paper_s_files_are_taken_down_and_its_page_says_so(tmp_path):
    """A new-user trial: the README says a withdrawal takes a paper down, yet its PDF, preview and
    full text stayed published, in the site and in its zip."""
    root = write_project(tmp_path / "p", papers=WITHDRAWN,
                         pdfs=("paper-one", "paper-two", "paper-one-v1", "paper-one-slides", "paper-one-erratum"))
    (root / "papers" / "recordings.yml").write_text(RECORDINGS.split("- item: paper-two")[0], "utf-8")
    assert main(["build", str(root)]) == 0
    site = root / "_build/html"
    published = {path.name for path in (site / "book/papers").iterdir() if path.name.startswith("paper-one")}
    assert published == {"paper-one.html", "paper-one.datacite.json", "paper-one.datacite.xml"}, \
        "no PDF, version, erratum, slides, preview, text or citation file: the record its DOI resolves to"
    page = _page(root, "paper-one")
    text = " ".join(page.select_one("article section").get_text(" ").split())
    assert "Withdrawn on 01 June 2026. The authors found an error in Theorem 2." in text
    assert "its files taken down" in text and "Erratum, 01 May 2026. A sign error." in text
    assert "Versions" not in text and "Recording" not in text and "Full text" not in text and "zanzibar" not in text
    assert not page.select("article a[href$='.pdf'], article img[src$='.png'], .proceedings-recording")
    assert [name for name in zipfile.ZipFile(site / "proceedings-site.zip").namelist()
            if "paper-one" in name and "datacite" not in name] == ["proceedings-site/book/papers/paper-one.html"]
    record = json.loads((site / "book/papers/paper-one.datacite.json").read_text("utf-8"))
    assert "formats" not in record and {"date": "2026-06-01", "dateType": "Withdrawn"}.items() <= record["dates"][1].items()


def test_a_retracted_paper_s_pdf_stays_readable_under_the_notice(built):
    """COPE's retraction guidelines: a retracted article stays available, marked as retracted."""
    page = _page(built, "paper-three")
    assert page.find("a", href="paper-three.pdf") and "zanzibar" in page.get_text()
    assert (built / "_build/html/book/papers/paper-three.pdf").read_bytes() == \
        (built / "papers/pdf/paper-three.pdf").read_bytes()


def test_versions_and_erratum(built):
    page = _page(built, "paper-one")
    text = " ".join(page.select_one("article section").get_text(" ").split())
    assert "Erratum, 01 June 2026. Equation 3 had a sign error." in text
    assert "Version 1, 01 April 2026: Camera-ready version." in text and "Version 2 (current)" in text
    assert page.find("a", href="paper-one-v1.pdf")
    html = built / "_build/html/book/papers"
    assert (html / "paper-one-v1.pdf").read_bytes() == (built / "papers/pdf/paper-one-v1.pdf").read_bytes()


def test_a_revision_needs_its_pdf(tmp_path):
    papers = PAPERS_YML.replace("  pdf: pdf/paper-one.pdf\n", "  pdf: pdf/paper-one.pdf\n  revisions:\n    - date: 2026-04-01\n      note: x\n")
    root = write_project(tmp_path / "p", papers=papers)
    _, diags = load(Project(root))
    assert [(d.field, d.message) for d in diags.sorted()] == [
        ("papers[0].revisions[0].pdf", "required field is missing: each revision keeps its PDF")]


def test_revisions_out_of_order_or_naming_the_current_or_another_revision_s_pdf_are_errors(tmp_path):
    """A new-user trial: a revision listed after a later one, naming the paper's current PDF, was
    published as the newest but one of three versions, two of them the same file."""
    papers = PAPERS_YML.replace("  pdf: pdf/paper-one.pdf\n", """\
  pdf: pdf/paper-one.pdf
  revisions:
    - {date: 2026-03-01, note: Submitted, pdf: pdf/paper-two.pdf}
    - {date: 2026-03-01, note: Same day, pdf: pdf/paper-one-v1.pdf}
    - {date: 2026-01-01, note: Older one listed last, pdf: pdf/paper-one.pdf}
    - {date: 2026-04-01, note: Again, pdf: pdf/paper-two.pdf}
""")
    root = write_project(tmp_path / "p", papers=papers, pdfs=("paper-one", "paper-two", "paper-one-v1"))
    _, diags = load(Project(root))
    line = papers.splitlines().index("  pdf: pdf/paper-one.pdf") + 1
    assert [(d.line, d.field, d.message) for d in diags.sorted() if d.severity.value == "error"] == [
        (line + 4, "papers[0].revisions[2].date", "2026-01-01 is before the date of the revision listed above it "
                                                   "(2026-03-01): list the revisions oldest first"),
        (line + 4, "papers[0].revisions[2].pdf", f"papers/pdf/paper-one.pdf is the paper's own PDF (pdf: line {line}): "
                                                  "each revision keeps the PDF of its own version"),
        (line + 5, "papers[0].revisions[3].pdf", f"papers/pdf/paper-two.pdf is also that of an earlier revision "
                                                  f"(line {line + 2}): each revision keeps the PDF of its own version")]
