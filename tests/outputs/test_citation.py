"""Citation exports: real bibtex accepts the volume without warnings; RIS, CSL-JSON and APA agree with the records."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import replace

import pytest

from proceedings.model.people import Person
from proceedings.outputs import citation
from proceedings.outputs.citation import (
    FORMATS,
    Citations,
    csl_title,
    highwire_tags,
)
from proceedings.util.latex import plain


@pytest.fixture
def volume(shipped_volume):
    return shipped_volume


@pytest.mark.skipif(os.environ.get("CI") != "true" and not shutil.which("bibtex"),
                    reason="bibtex not installed (Debian: texlive-binaries texlive-base); CI installs it")
@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "abbrv", "ieeetr"])
def test_bibtex_accepts_the_volume_without_warnings(volume, tmp_path, style):
    (tmp_path / "proceedings.bib").write_text(Citations(volume).bibtex(list(volume.cited_papers)), "utf-8")
    (tmp_path / "doc.aux").write_text(f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{proceedings}}\n")
    result = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True)
    log = (tmp_path / "doc.blg").read_text("utf-8", errors="replace")
    assert result.returncode == 0, result.stdout + log
    assert "Warning" not in log and "error" not in log.lower(), log
    bbl = (tmp_path / "doc.bbl").read_text("utf-8")  # strict: a UTF-8 character cut in half fails here
    for key in volume.keys.values():
        assert f"{{{key}}}" in bbl


@pytest.mark.skipif(os.environ.get("CI") != "true" and not shutil.which("biber"),
                    reason="biber not installed (Debian: biber); CI installs it")
def test_biber_accepts_the_volume(volume, tmp_path):
    (tmp_path / "proceedings.bib").write_text(Citations(volume).bibtex(list(volume.cited_papers)), "utf-8")
    result = subprocess.run(["biber", "--tool", "--validate-datamodel", "proceedings.bib"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "WARN" not in result.stdout, result.stdout


def test_ris_records_match(volume):
    text = Citations(volume).ris(list(volume.cited_papers))
    records = text.rstrip("\n").split("\n\n")
    assert len(records) == len(volume.cited_papers)
    for block, paper in zip(records, volume.cited_papers, strict=True):
        lines = block.splitlines()
        assert lines[0] == "TY  - CPAPER" and lines[-1] == "ER  - "
        assert f"TI  - {plain(paper.title)}" in lines and "$" not in plain(paper.title)
        assert f"C3  - {plain(volume.workshop.booktitle)}" in lines and "PY  - 2026/04/27/" in lines
        assert [line[6:] for line in lines if line.startswith("AU  - ")] == [
            ", ".join(p for p in (a.parts.family, a.parts.given, a.parts.suffix) if p) for a in paper.authors]
        assert all(len(line) > 5 and line[2:6] == "  - " for line in lines)


def test_csl_json_matches(volume):
    items = json.loads(Citations(volume).csl_json(list(volume.cited_papers)))
    for item, paper in zip(items, volume.cited_papers, strict=True):
        assert item["id"] == volume.keys[paper.id] and item["type"] == "paper-conference"
        assert re.sub("<[^>]*>", "", item["title"]) == plain(paper.title)  # words with capitals inside spans
        assert item["issued"] == {"date-parts": [[2026, 4, 27]]}
        assert len(item["author"]) == len(paper.authors)


def test_csl_json_titles_keep_formulas_and_inner_capitals_from_title_case():
    assert csl_title("The CO$_2$ budget in $O(n \\log n)$ with GPT-4, an iPhone and Learning") == (
        'The <span class="nocase">CO₂</span> budget in <span class="nocase">O(n log n)</span> with '
        '<span class="nocase">GPT-4,</span> an <span class="nocase">iPhone</span> and Learning')
    # A researcher's trial: pandoc's default style printed 3D as 3d; a word after a bracket is no such word.
    assert csl_title("Pseudo-LiDAR++: Accurate Depth for 3D Object Detection (Deep)") == (
        '<span class="nocase">Pseudo-LiDAR++:</span> Accurate Depth for <span class="nocase">3D</span> Object Detection (Deep)')


def test_highwire_tags_make_a_conference_paper_with_its_proceedings_title(volume):
    """Zotero takes the type from the last type tag: the conference's, after the proceedings' title."""
    for paper in volume.cited_papers:
        names = [name for name, _ in highwire_tags(volume, paper)]
        assert not {"citation_book_title", "citation_journal_title"} & set(names)
        assert names.index("citation_inbook_title") < names.index("citation_conference_title")
        assert names.index("citation_title") == 0 and names.count("citation_author") == len(paper.authors)
        assert "citation_abstract" in names


def test_the_conference_is_the_workshop_and_the_editors_are_given_in_the_tags_and_the_ris(volume):
    """A researcher's trial: Zotero stored the proceedings' title as the conference's name (from the
    tags and the RIS), and found no editors in either, where BibTeX and CSL-JSON have them."""
    edited = replace(volume, workshop=replace(volume.workshop, title="The Event", booktitle="Proceedings of the Event",
                                              editors=(Person("Mihaela van der Schaar"), Person("Steven C.H. Hoi"))))
    paper = edited.cited_papers[0]
    tags = highwire_tags(edited, paper)
    assert [value for name, value in tags if name == "citation_editor"] == ["van der Schaar, Mihaela", "Hoi, Steven C. H."]
    assert ("citation_conference_title", "The Event") in tags and ("citation_inbook_title", "Proceedings of the Event") in tags
    lines = Citations(edited).ris([paper]).splitlines()
    assert [line for line in lines if line[:2] in ("ED", "T2", "C3")] == [
        "ED  - van der Schaar, Mihaela", "ED  - Hoi, Steven C. H.", "T2  - The Event", "C3  - Proceedings of the Event"]


@pytest.mark.parametrize("name, given, family, written", [
    ("Nguyễn Thị Minh Anh", "Thị Minh Anh", "Nguyễn", "Nguyễn, Thị Minh Anh"),
    ("Johannes van der Berg", None, None, "van der Berg, Johannes"),
    ("María José de la Cruz", None, None, "de la Cruz, María José"),
    ("Aoife Ní Bhriain", "Aoife", "Ní Bhriain", "Ní Bhriain, Aoife"),
    ("Ludwig von Hohenberg", None, None, "von Hohenberg, Ludwig"),
    ("Robert T. Jones Jr.", None, None, "Jones, Robert T. Jr."),
    ("王芳", "芳", "王", "王, 芳"),
    ("Plato", None, None, "Plato"),
])
def test_highwire_names_are_family_first(name, given, family, written):
    assert Person(name, given=given, family=family).family_first == written


@pytest.mark.parametrize("text, expected", [
    ("Foundation Models for CO$_2$ Capture", "Foundation Models for CO₂ Capture"),
    ("Sparse $\\alpha_{i}$ weights", "Sparse αᵢ weights"),
    ("$\\alpha_i$ and $\\beta$", "αᵢ and β"),
    ("An $\\ell_1$ penalty on $x^2$", "An ℓ₁ penalty on x²"),
    ("Costs of $\\mathcal{O}(n^{2})$", "Costs of 𝒪(n²)"),
    ("Math using $\\href{javascript:x}{y}$ is text", "Math using $\\href{javascript:x}{y}$ is text"),
    # TeX's thin space after an operator name (a new-user trial found "O(n logn)" in every citation).
    ("Sorting in $O(n \\log n)$ time", "Sorting in O(n log n) time"),
    ("$\\log_2 n$, $\\max_i a_i$, $\\sin\\theta$ and $\\log(n)$", "log₂ n, maxᵢ aᵢ, sin θ and log(n)"),
    # A script's macro is not cut for the space (a review: \max_\theta gave "max_ a").
    ("$\\max_\\theta f$ and $\\min_\\phi(\\cdot)$", "max_θ f and min_ϕ(·)"),
    ("$n\\log n$ and $2\\sin x$", "n log n and 2 sin x"),
    ("$a^{b}$, $x^T y$ and $e^{q}$", "aᵇ, xᵀ y and e^q"),  # Unicode has no superscript q
])
def test_plain_text_writes_math_out(text, expected):
    assert plain(text) == expected


def _files(citations: Citations) -> dict[str, str]:
    papers = list(citations.volume.cited_papers)
    return {f"{name}.{f.ext}": f.write(citations, chosen) for f in FORMATS
            for name, chosen in (("volume", papers), *((paper.id, [paper]) for paper in papers))}


def test_citation_files_from_kept_records_equal_files_made_afresh(volume, tmp_path, monkeypatch):
    """Each paper's part of the citation files is kept between builds by what it is made from: after
    an edited abstract or title only that paper's is made again, after a change to the workshop
    every paper's; the files equal files made afresh."""
    made: list[str] = []
    record = citation.ris_record
    monkeypatch.setattr(citation, "ris_record", lambda volume, paper: made.append(paper.id) or record(volume, paper))
    records = tmp_path / "citation-records.sqlite"
    first = Citations(volume, records=records)
    assert _files(first) == _files(Citations(volume))
    first.save()
    papers = list(volume.papers)
    index = next(index for index, paper in enumerate(papers) if paper.cited)
    papers[index] = replace(papers[index], abstract="An edited abstract, with $x^2$.")
    edited = replace(volume, papers=tuple(papers))
    papers[index] = replace(papers[index], title="A New Title")
    retitled = replace(volume, papers=tuple(papers))
    renamed = replace(retitled, workshop=replace(volume.workshop, booktitle="Proceedings of Another Workshop"))
    for changed, remade in ((edited, {papers[index].id}), (retitled, {papers[index].id}),
                            (renamed, {paper.id for paper in volume.cited_papers})):
        afresh = _files(Citations(changed))
        made.clear()
        kept = Citations(changed, records=records)
        assert _files(kept) == afresh
        assert set(made) == remade
        kept.save()


def test_a_page_s_bibtex_entry_is_the_one_its_files_hold_made_once(volume, monkeypatch):
    """The BibTeX block a page shows is made for the page; the .bib files of a paper whose page was
    made in the build take that entry rather than make it again, and equal files made without pages."""
    made: list[str] = []
    entry = citation._bibtex_entry
    monkeypatch.setattr(citation, "_bibtex_entry", lambda volume, paper: made.append(paper.id) or entry(volume, paper))
    papers = list(volume.cited_papers)
    shown = Citations(volume)
    blocks = {paper.id: shown.page_bibtex(paper) for paper in papers[1:]}
    assert made == [paper.id for paper in papers[1:]]
    files = _files(shown)
    assert made == [paper.id for paper in papers[1:]] + [papers[0].id]  # its page was not made
    made.clear()
    assert files == _files(Citations(volume))
    assert all(blocks[paper.id] == files[f"{paper.id}.bib"] for paper in papers[1:])
