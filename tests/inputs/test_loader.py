"""The loader: every problem is a diagnostic naming file, line and field, all reported at once."""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
from pathlib import Path

import pikepdf
import pytest

from proceedings.inputs.loader import load
from proceedings.inputs.pdf import PdfCache
from proceedings.model.locations import Project
from proceedings.model.paper import Notice
from proceedings.outputs.samples import sample_pdf
from proceedings.records import fields

from conftest import PAPERS_YML, REPO, WORKSHOP_YML, with_accepted_csv, write_project


def _errors(root: Path) -> list[tuple[str, int | None, str | None, str]]:
    volume, diags = load(Project(root))
    assert volume is None, "a project with errors must not produce a model"
    return [(d.file, d.line, d.field, d.message) for d in diags.sorted() if d.severity.value == "error"]


def _with_papers(tmp_path: Path, papers: str) -> Path:
    return write_project(tmp_path / "p", papers=papers)


GOOD = """\
- id: good-paper
  title: Good
  authors: [{name: A Person}]
  abstract: Fine.
  track: full
"""


def test_shipped_archive_loads(tmp_path):
    volume, diags = load(Project(REPO))
    assert not diags.has_errors, [str(d) for d in diags.items]
    assert len(volume.papers) >= 12
    assert {p.track for p in volume.papers} == {"full", "tiny"}
    assert len(volume.workshop.program_committee) == 96
    assert volume.workshop.timezone == "America/Sao_Paulo"
    assert all(volume.facts(p.pdf).pages >= 3 for p in volume.cited_papers)


def test_missing_required_field_names_record_line(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD + "- id: no-title\n  authors: [{name: B}]\n  abstract: x\n  track: full\n"))
    assert ("papers/accepted.yml", 6, "papers[1].title", "required field is missing") in errors


def test_wrong_type_names_field_line(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD.replace("title: Good", "title: 2026")))
    assert [(file, line, fld) for file, line, fld, _ in errors] == [("papers/accepted.yml", 2, "papers[0].title")]
    assert "expected text" in errors[0][3]


def test_unknown_track(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD.replace("track: full", "track: poster")))
    assert errors == [("papers/accepted.yml", 5, "papers[0].track", "unknown track 'poster'; workshop.yml defines: full, tiny")]


def test_duplicate_id(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD + GOOD))
    assert errors == [("papers/accepted.yml", 6, "papers[1].id", "duplicate id 'good-paper', first used on line 1")]


@pytest.mark.parametrize("bad_id", ["Has Space", "UPPER", "a/b", "ü-id", "-leading"])
def test_id_not_url_safe(tmp_path, bad_id):
    errors = _errors(_with_papers(tmp_path, GOOD.replace("id: good-paper", f"id: '{bad_id}'")))
    assert [(line, fld) for _, line, fld, _ in errors] == [(1, "papers[0].id")]
    assert "not URL-safe" in errors[0][3]


def test_an_id_with_capitals_is_refused_with_its_lower_case_form(tmp_path):
    """A spreadsheet's OpenReview forum id (``rJxGLlBtwH``) as the id: the message says what to write."""
    errors = _errors(_with_papers(tmp_path, GOOD.replace("id: good-paper", "id: rJxGLlBtwH")))
    assert errors[0][3].endswith("is not URL-safe: use lower-case letters, digits and hyphens; write 'rjxgllbtwh'")


def test_an_id_with_an_underscore_is_refused_with_a_url_safe_form(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD.replace("id: good-paper", "id: BJxg_hvtwH")))
    assert errors[0][3].endswith("; write 'bjxg-hvtwh'")


@pytest.mark.parametrize("suffix", ["slides", "poster", "erratum", "recording", "v2"])
def test_an_id_naming_another_papers_file_is_an_error_naming_both(tmp_path, suffix):
    other = GOOD.replace("id: good-paper", f"id: good-paper-{suffix}")
    errors = _errors(_with_papers(tmp_path, GOOD + other))
    assert errors == [("papers/accepted.yml", 6, "papers[1].id", f"'good-paper-{suffix}' is also the name of a file of "
                       "'good-paper' (line 1); choose another id for one of them")]


def test_a_workshop_error_elsewhere_does_not_hide_unknown_tracks_and_a_broken_track_list_adds_none(tmp_path):
    """A new-user trial: a mistyped date in workshop.yml hid every paper's unknown track until it was
    fixed. A track list with errors of its own checks no paper's track: each would be an error for
    the same mistake."""
    papers = GOOD.replace("track: full", "track: poster")
    root = write_project(tmp_path / "date", WORKSHOP_YML.replace("date: 2026-04-27", "date: 2026-05-33"), papers)
    assert [(file, line, fld) for file, line, fld, _ in _errors(root)] == [
        ("papers/accepted.yml", 5, "papers[0].track"), ("papers/workshop.yml", 5, "workshop.date")]
    broken = WORKSHOP_YML.replace("  - id: tiny\n    title: Tiny papers\n", "  - id: tiny\n")
    root = write_project(tmp_path / "tracks", broken, papers)
    assert [(file, fld) for file, _, fld, _ in _errors(root)] == [("papers/workshop.yml", "workshop.tracks[1].title")]
    # A track read with a mistake in another of its fields still checks the papers' tracks (a review).
    typo = WORKSHOP_YML.replace("    title: Tiny papers\n", "    title: Tiny papers\n    max_page: 4\n")
    root = write_project(tmp_path / "typo", typo, papers)
    assert [(file, fld) for file, _, fld, _ in _errors(root)] == [
        ("papers/accepted.yml", "papers[0].track"), ("papers/workshop.yml", "workshop.tracks[1].max_page")]


def test_two_papers_of_one_openreview_forum_are_a_warning_naming_the_first(tmp_path):
    """A new-user trial's volume held one paper twice, the second record given the forum's URL."""
    second = GOOD.replace("good-paper", "again") + "  openreview: https://openreview.net/forum?id=Bke61krFvS\n"
    root = _with_papers(tmp_path, GOOD + "  openreview: Bke61krFvS\n" + second)
    volume, diags = load(Project(root))
    assert volume is not None
    assert [(d.line, d.field, d.message) for d in diags.sorted() if d.field and "openreview" in d.field] == [
        (12, "papers[1].openreview", "OpenReview forum 'Bke61krFvS' is also that of 'good-paper' (line 6): one paper listed twice?")]


def test_a_talk_with_a_papers_id_is_an_error_naming_the_paper(tmp_path):
    """A recording names its paper or talk by id: one named so was published on both pages (a
    new-user trial)."""
    root = _with_papers(tmp_path, GOOD)
    (root / "papers" / "talks.yml").write_text(
        "- id: a-keynote\n  title: A keynote\n  kind: invited\n  speakers: [Ana Silva]\n"
        "- id: good-paper\n  title: A panel\n  kind: panel\n  speakers: [Ana Silva, Bo Chen]\n", "utf-8")
    assert _errors(root) == [("papers/talks.yml", 5, "talks[1].id", "'good-paper' is also the id of a paper "
                              "(papers/accepted.yml, line 1): recordings.yml and program.yml name a paper or a talk by "
                              "its id; choose another id for the talk")]
    # A paper with an error of its own still names its id (a review).
    (root / "papers" / "accepted.yml").write_text(GOOD.replace("  abstract: Fine.\n", ""), "utf-8")
    assert [(file, fld) for file, _, fld, _ in _errors(root)] == [
        ("papers/accepted.yml", "papers[0].abstract"), ("papers/talks.yml", "talks[1].id")]


@pytest.mark.parametrize("name", ["index", "keywords", "keywords-a", "keywords-other"])
def test_an_id_naming_a_generated_page_is_an_error(tmp_path, name):
    errors = _errors(_with_papers(tmp_path, GOOD.replace("id: good-paper", f"id: {name}")))
    assert errors == [("papers/accepted.yml", 1, "papers[0].id",
                       f"'{name}' is the name of a generated page of book/papers/; choose another id")]


def test_ids_that_only_look_alike_are_fine(tmp_path):
    others = "".join(GOOD.replace("id: good-paper", f"id: {name}") for name in ("slides", "good-paper-v", "good-papers"))
    volume, _ = load(Project(_with_papers(tmp_path, GOOD + others)))
    assert volume is not None and len(volume.papers) == 4


def test_a_duplicate_citation_key_is_an_error_naming_both(tmp_path):
    first = GOOD.replace("track: full", "track: full\n  bibkey: shared-key")
    second = first.replace("id: good-paper", "id: other-paper")
    errors = _errors(_with_papers(tmp_path, first + second))
    assert errors == [("papers/accepted.yml", 12, "papers[1].bibkey", "citation key 'shared-key' is also that of 'good-paper' (line 6)")]


def test_every_naming_problem_of_a_record_is_reported_at_once(tmp_path):
    first = GOOD.replace("track: full", "track: full\n  bibkey: shared-key")
    second = first.replace("id: good-paper", "id: good-paper-slides")
    errors = _errors(_with_papers(tmp_path, first + second))
    assert [field for _, _, field, _ in errors] == ["papers[1].id", "papers[1].bibkey"]


def test_an_id_too_long_to_name_files_is_an_error(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD.replace("id: good-paper", "id: " + "a" * 245)))
    assert errors == [("papers/accepted.yml", 1, "papers[0].id",
                       "aaaaaaaaaaaaaaaaaaaa... is 245 characters long; an id names files, so at most 100")]


def test_pdf_passwords_can_live_in_a_private_file(tmp_path):
    root = _with_papers(tmp_path, PAPERS_YML)
    pdf = root / "papers" / "pdf" / "paper-one.pdf"
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        document.save(pdf, encryption=pikepdf.Encryption(user="s3cret", owner="owner", aes=True, R=6))
    assert any("password" in message for *_, message in _errors(root))
    (root / "papers" / "private.yml").write_text("pdf_passwords:\n  paper-one: s3cret\n", "utf-8")
    cache = PdfCache(Project(root).pdf_facts)
    volume, diags = load(Project(root), pdf_cache=cache)
    assert volume is not None and volume.paper("paper-one").pdf_password == "s3cret" and not diags.has_errors
    assert "s3cret" not in (root / "papers" / "accepted.yml").read_text("utf-8")
    cache.put_all(volume.pdfs.values())  # as a build does
    (root / "papers" / "private.yml").write_text("pdf_passwords:\n  paper-one: wrong\n", "utf-8")
    assert any("does not open it" in message for *_, message in _errors(root)), "every check tries the password"
    (root / "papers" / "private.yml").write_text("pdf_passwords:\n  paper-one: s3cret\n  paper-nine: x\n", "utf-8")
    assert _errors(root) == [("papers/private.yml", 3, "pdf_passwords.paper-nine", "no paper has this id")]
    # accepted.yml unreadable: its error alone, not one more for each password (a trial's finding).
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("title: ", "title: [", 1), "utf-8")
    assert [file for file, *_ in _errors(root)] == ["papers/accepted.yml"]


def test_missing_pdf(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD + "  pdf: pdf/nowhere.pdf\n"))
    assert errors == [("papers/accepted.yml", 6, "papers[0].pdf", "file papers/pdf/nowhere.pdf does not exist")]

def test_a_missing_file_s_error_names_the_file_of_its_folder_it_may_mean(tmp_path):
    """A new-user trial wrote ``slides/Mahoney.pdf`` for ``slides/mahoney.pdf``: the error did not
    say so, and a warning elsewhere called the file unused."""
    root = _with_papers(tmp_path, GOOD + "  slides: slides/Mahoney.pdf\n  poster: posterr.pdf\n")
    (root / "papers" / "slides").mkdir()
    (root / "papers" / "slides" / "mahoney.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "papers" / "poster.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    errors = [message for _, _, field, message in _errors(root) if field in ("papers[0].slides", "papers[0].poster")]
    assert errors == ["file papers/slides/Mahoney.pdf does not exist (did you mean 'slides/mahoney.pdf'?)",
                      "file papers/posterr.pdf does not exist (did you mean 'poster.pdf'?)"]


@pytest.mark.parametrize("path", ["/etc/passwd", "../_config.yml", "pdf/../../x.pdf"])
def test_pdf_path_outside_papers(tmp_path, path):
    errors = _errors(_with_papers(tmp_path, GOOD + f"  pdf: '{path}'\n"))
    assert [(line, fld) for _, line, fld, _ in errors] == [(6, "papers[0].pdf")]
    assert "must be a path inside papers/" in errors[0][3]


@pytest.mark.parametrize("linked", ["file", "folder", "papers"])
def test_a_link_on_the_way_to_a_file_is_followed_and_must_stay_inside_papers(tmp_path, linked):
    """A link to a file elsewhere is refused wherever it is on the way: the file itself, the folder
    holding it, or ``papers/`` itself; a link that stays inside ``papers/`` is a path like another."""
    def one_page(path: Path) -> None:
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.save(path)

    outside = tmp_path / "elsewhere"
    (outside / "pdf").mkdir(parents=True)
    one_page(outside / "pdf" / "page.pdf")
    root = _with_papers(tmp_path, GOOD + "  pdf: pdf/page.pdf\n")
    papers = root / "papers"
    (papers / "pdf").mkdir(exist_ok=True)
    if linked == "file":
        (papers / "pdf" / "page.pdf").symlink_to(outside / "pdf" / "page.pdf")
    elif linked == "folder":
        shutil.rmtree(papers / "pdf")
        (papers / "pdf").symlink_to(outside / "pdf", target_is_directory=True)
    else:  # the whole folder elsewhere, linked: its files are inside it
        (outside / "pdf" / "page.pdf").replace(papers / "pdf" / "page.pdf")
        moved = tmp_path / "moved-papers"
        papers.rename(moved)
        papers.symlink_to(moved, target_is_directory=True)
        volume, diags = load(Project(root))
        assert volume is not None and not diags.has_errors, [str(d) for d in diags.items]
        return
    errors = _errors(root)
    assert [(line, fld) for _, line, fld, _ in errors] == [(6, "papers[0].pdf")]
    assert "is a link to a file outside papers/" in errors[0][3]
    inside = papers / "kept" / "page.pdf"
    inside.parent.mkdir()
    one_page(inside)
    (papers / "pdf" / "page.pdf").unlink()
    if linked == "folder":
        (papers / "pdf").unlink()
        (papers / "pdf").symlink_to(inside.parent, target_is_directory=True)
    else:
        (papers / "pdf" / "page.pdf").symlink_to(inside)
    volume, diags = load(Project(root))
    assert volume is not None and not [d for d in diags.items if d.severity.value == "error"], [str(d) for d in diags.items]


def test_unreadable_pdf_is_a_diagnostic(tmp_path):
    root = _with_papers(tmp_path, GOOD + "  pdf: pdf/page.pdf\n")
    (root / "papers" / "pdf" / "page.pdf").write_text("<html><body>Not found</body></html>")
    errors = _errors(root)
    assert [(line, fld) for _, line, fld, _ in errors] == [(6, "papers[0].pdf")]
    assert "not a PDF" in errors[0][3]


def test_every_problem_reported_at_once(tmp_path):
    papers = GOOD.replace("track: full", "track: nope") + GOOD.replace("title: Good", "titel: Good")
    errors = _errors(_with_papers(tmp_path, papers))
    fields = [fld for _, _, fld, _ in errors]
    assert fields == ["papers[0].track", "papers[1].id", "papers[1].title", "papers[1].titel"]
    assert "did you mean 'title'" in errors[3][3]


def test_a_record_s_diagnostics_name_its_id_as_well_as_its_place(tmp_path):
    """A new-user trial: after a record above it was deleted, ``papers[6]`` named another paper; an
    organizer searches for the id. A nested record's diagnostics name its owner's; an id that is
    not valid (its own error says so) is not repeated."""
    papers = GOOD.replace("track: full", "track: nope") + GOOD.replace("good-paper", "Bad Id").replace(
        "{name: A Person}", "{name: A Person, orcid: 1234}")
    _, diags = load(Project(_with_papers(tmp_path, papers)))
    found = [(d.field, d.item) for d in diags.sorted() if d.severity.value == "error"]
    assert found == [("papers[0].track", "good-paper"), ("papers[1].id", None), ("papers[1].authors[0].orcid", None)]
    assert str(diags.sorted()[0]).startswith("papers/accepted.yml:5: error: papers[0].track (good-paper): unknown track")
    assert json.loads(diags.to_json())[0]["item"] == "good-paper"
    papers = GOOD + GOOD.replace("good-paper", "other").replace("{name: A Person}", "{name: A Person, orcid: 1234}")
    _, diags = load(Project(_with_papers(tmp_path / "nested", papers)))
    assert [(d.field, d.item) for d in diags.items if d.severity.value == "error"] == [("papers[1].authors[0].orcid", "other")]


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD + "- id: x\n  title: Fine: or not\n"))
    assert len(errors) == 1 and errors[0][1] == 7 and "YAML syntax error, column 14: mapping values" in errors[0][3]
    assert 'a value holding a colon and a space is quoted: title: "A: B"' in errors[0][3]


@pytest.mark.parametrize("record", ["- id: x\n  authors:\n    - name: A\n    - name: B\n     affiliation: C\n",
                                    "- id: x\n  title: T\n abstract: x\n"])
def test_a_field_indented_wrongly_is_said_to_be(tmp_path, record):
    """A new-user trial: "did not find expected '-' indicator", YAML's words, did not say indentation."""
    errors = _errors(_with_papers(tmp_path, GOOD + record))
    assert len(errors) == 1 and "is the line indented as the other fields of its record?" in errors[0][3]


@pytest.mark.parametrize("line, opened", [("- id: [unclosed", "a [ list"), ("- id: {unclosed: x", "a { mapping"),
                                          ('- id: "unclosed', "a quoted text"), ("- id: 'unclosed", "a quoted text")])
def test_an_unclosed_quote_or_bracket_is_reported_where_it_opens(tmp_path, line, opened):
    """YAML notices an unclosed quote or bracket where the file cannot go on (often its end): the
    error names the line where it opens, and where YAML noticed."""
    errors = _errors(_with_papers(tmp_path, GOOD + line + "\n  title: T\n  track: full\n"))
    assert len(errors) == 1 and errors[0][1] == 6, errors
    assert errors[0][3].startswith(f"YAML syntax error, column 7: {opened} opened here is not closed (YAML read on to line ")


@pytest.mark.parametrize("opening, inside", [("[Ana Silva,", '"Bob" Jones]'), ("{name: Ana Silva,", '"Bob" Jones}')])
def test_a_bad_item_inside_a_list_over_lines_is_reported_where_it_is(tmp_path, opening, inside):
    """A [ list or { mapping that goes on over lines indented deeper and is closed, with a bad item
    inside, is not left open: the error is where YAML found it, naming where the list opened."""
    errors = _errors(_with_papers(tmp_path, GOOD + f"- id: x\n  authors: {opening}\n    {inside}\n  title: T\n"))
    assert len(errors) == 1 and errors[0][1] == 8, errors
    assert errors[0][3].endswith("opened at line 7)") and "not closed" not in errors[0][3]


def test_a_quote_that_runs_on_to_an_escape_it_cannot_read_is_reported_where_it_opens(tmp_path):
    errors = _errors(_with_papers(tmp_path, GOOD + '- id: x\n  title: "Unclosed\n  abstract: A \\mathbb{R} space"\n'))
    assert len(errors) == 1 and errors[0][1] == 7, errors
    assert errors[0][3].startswith("YAML syntax error, column 10: a quoted text opened here is not closed (YAML read on to line 8, column ")


def test_a_quote_that_runs_over_later_records_to_an_escape_is_reported_where_it_opens(tmp_path):
    """A new-user trial: the quote left open read two records on, to a backslash in an abstract
    indented deeper, and the error's line was that abstract's."""
    later = GOOD.replace("good-paper", "later").replace("abstract: Fine.", "abstract: >\n    A \\mathbb{R} space.")
    errors = _errors(_with_papers(tmp_path, GOOD + '- id: x\n  title: "Unclosed\n  track: full\n' + later))
    assert len(errors) == 1 and errors[0][1] == 7, errors
    assert errors[0][3].startswith("YAML syntax error, column 10: a quoted text opened here is not closed (YAML read on to line 13, column ")


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quote_that_runs_on_to_a_later_record_s_quote_is_reported_where_it_opens(tmp_path, quote):
    """A new-user trial: `title: "Curvature Graph Networks` read on over 150 lines to the next quoted
    title, and `check` and the importer named that title's line alone."""
    later = "".join(GOOD.replace("good-paper", f"p{n}") for n in range(3)).replace(
        "title: Good", f"title: {quote}Quoted Title{quote}")
    errors = _errors(_with_papers(tmp_path, GOOD.replace("title: Good", f"title: {quote}Left Open") + later))
    assert len(errors) == 1 and errors[0][1] == 2, errors
    assert errors[0][3].startswith("YAML syntax error, column 10: a quoted text opened here is not closed (YAML read "
                                   "on to line 7, column ")


def test_a_quote_left_open_over_a_wrapped_line_is_reported_where_it_opens(tmp_path):
    """A verification trial: `abstract: "We present a novel` wrapped onto an indented next line was
    reported where a later quote closed it."""
    later = GOOD.replace("good-paper", "later").replace("title: Good", 'title: "Quoted Title"')
    papers = GOOD.replace("abstract: Fine.", 'abstract: "We present a novel\n    pruning algorithm.') + later
    errors = _errors(_with_papers(tmp_path, papers))
    assert len(errors) == 1 and errors[0][1] == 4, errors
    assert "a quoted text opened here is not closed" in errors[0][3]


def test_a_quoted_text_going_on_at_its_keys_depth_is_not_taken_for_one_left_open(tmp_path):
    """YAML reads a quoted text's next lines at its key's depth (a review): the error is where it is."""
    papers = '- id: a\n  abstract: "First line\n  second line\n     third \\q line"\n  track: full\n'
    errors = _errors(_with_papers(tmp_path, papers))
    assert len(errors) == 1 and errors[0][1] == 4 and "not closed" not in errors[0][3], errors


def test_workshop_errors(tmp_path):
    root = write_project(tmp_path / "p", workshop="id: ws\ntitle: T\nbooktitle: B\nvenue: V\ndate: 2026-13-01\n"
                         "location: L\ntimezone: Mars/Olympus\nurl: javascript:alert(1)\ntracks: []\n")
    errors = _errors(root)
    by_field = {fld: (line, msg) for _, line, fld, msg in errors if _ == "papers/workshop.yml"}
    assert by_field["workshop.date"][0] == 5
    assert by_field["workshop.timezone"][0] == 7 and "IANA" in by_field["workshop.timezone"][1]
    assert by_field["workshop.url"][0] == 8 and "http" in by_field["workshop.url"][1]
    assert "workshop.tracks" in by_field


def test_bad_orcid_and_url(tmp_path):
    papers = GOOD.replace("authors: [{name: A Person}]", "authors: [{name: A Person, orcid: 0000-0002-1825-0098}]")
    errors = _errors(_with_papers(tmp_path, papers + "  code: javascript:alert(1)\n"))
    assert [fld for _, _, fld, _ in errors] == ["papers[0].authors[0].orcid", "papers[0].code"]


def test_a_url_s_scheme_is_read_in_lower_case(tmp_path):
    """A red-team trial: ``HTTPS://...`` passed the check, then MyST took the code link for a page
    reference (``href="#HTTPS://..."``) and the theme left the author's link out."""
    papers = GOOD.replace("{name: A Person}", "{name: A Person, url: HTTPS://Example.org/A}") + "  code: HTTP://Example.org/Code\n"
    volume, diags = load(Project(_with_papers(tmp_path, papers)))
    assert volume is not None and not diags.has_errors
    assert (volume.papers[0].code, volume.papers[0].authors[0].url) == ("http://Example.org/Code", "https://Example.org/A")
    # A retest: a user before the host makes the link lead elsewhere than it reads.
    errors = _errors(_with_papers(tmp_path / "user", GOOD + "  code: https://github.com@evil.example/x\n"))
    assert [(field, message) for _, _, field, message in errors] == [
        ("papers[0].code", "'https://github.com@evil.example/x' names a user before its host (the link would lead to what "
                           "follows the @)")]


def test_csv_input_with_rows(tmp_path):
    root = write_project(tmp_path / "p", pdfs=())
    with_accepted_csv(root,
        "id,title,authors,abstract,keywords,track\n"
        'csv-one,"A title, with comma","Ana Gonçalves (USP); Jo Smith","Line one\nline two",a;b,full\n'
        "csv-two,Second,Someone,Abstract,,unknown\n"
        "csv-three,Ragged,row\n")
    volume, diags = load(Project(root))
    errors = [d for d in diags.sorted() if d.severity.value == "error"]
    assert [(d.line, d.field) for d in errors] == [(4, "papers[1].track"), (5, None)]
    assert "row has 3 cells but the header has 6" in errors[1].message


def test_csv_input_valid(tmp_path):
    root = write_project(tmp_path / "p", pdfs=())
    (root / "papers" / "accepted.yml").unlink()
    (root / "papers" / "accepted.csv").write_bytes(
        "\ufeffid,title,authors,abstract,keywords,track\r\n"
        'csv-one,"A title, with comma","Ana Gonçalves (USP); Jo Smith",Abstract,a;b,full\r\n'.encode("utf-8"))
    volume, diags = load(Project(root))
    assert [d.message for d in diags.items] == ["no PDF: the paper is published without one"]
    paper = volume.papers[0]
    assert paper.title == "A title, with comma" and paper.keywords == ("a", "b")
    assert [(a.name, a.affiliation) for a in paper.authors] == [("Ana Gonçalves", "USP"), ("Jo Smith", None)]


def test_non_utf8_file_is_named(tmp_path):
    root = _with_papers(tmp_path, GOOD)
    (root / "papers" / "accepted.yml").write_bytes(GOOD.replace("A Person", "Jos\xe9").encode("latin-1"))
    errors = _errors(root)
    assert errors[0][:2] == ("papers/accepted.yml", 3) and "not UTF-8" in errors[0][3]


def test_doubtful_name_splits_and_footnote_marks_are_warned_about(tmp_path):
    papers = GOOD.replace("authors: [{name: A Person}]", "authors: [{name: Charles de la Vallée Poussin}, {name: Qian Long*},"
                                                         " {name: Yi Wu†}, {name: Johannes van der Waals},"
                                                         " {name: Charles de la Vallée Poussin, family: de la Vallée Poussin,"
                                                         " given: Charles}]")
    volume, diags = load(Project(_with_papers(tmp_path, papers)))
    assert volume is not None
    warnings = [(d.line, d.field, d.message) for d in diags.sorted() if d.severity.value == "warning" and "name" in (d.field or "")]
    assert (3, "papers[0].authors[0].name", "'Charles de la Vallée Poussin' is cited as given 'Charles de la Vallée', family "
            "'Poussin'; if the family name starts at 'de', state `family` and `given`") in warnings
    assert [field for _, field, message in warnings if "footnote mark" in message] == ["papers[0].authors[1].name",
                                                                                     "papers[0].authors[2].name"]
    assert len(warnings) == 3, "van der Waals, and a stated split, are fine"


def test_a_title_before_a_name_is_warned_about(tmp_path):
    """A new-user trial's speakers list held "Dr. Aisha Walcott-Bryant", cited with the given name "Dr. Aisha"."""
    papers = GOOD.replace("authors: [{name: A Person}]", "authors: [{name: Dr. Aisha Walcott-Bryant}, {name: prof Ana Silva},"
                                                         " {name: Drew Barrymore}, {name: Dr}]")
    volume, diags = load(Project(_with_papers(tmp_path, papers)))
    assert [(d.field, d.message) for d in diags.sorted() if "title" in d.message] == [
        ("papers[0].authors[0].name", "'Dr. Aisha Walcott-Bryant' starts with the title 'Dr.', which would be shown and "
                                      "cited as a given name: remove it"),
        ("papers[0].authors[1].name", "'prof Ana Silva' starts with the title 'prof', which would be shown and cited as a "
                                      "given name: remove it")]


def test_two_papers_with_one_title_or_one_pdf_are_warned_about(tmp_path):
    """A new-user trial's spreadsheet held a row twice under two ids, and a second one gave two rows
    one PDF, unreported."""
    second = GOOD.replace("id: good-paper", "id: again").replace("title: Good", "title: \"good \"")
    third = GOOD.replace("id: good-paper", "id: other").replace("title: Good", "title: Other")
    shared = "  pdf: pdf/shared.pdf\n"
    root = _with_papers(tmp_path, GOOD + second + third + shared)
    sample_pdf(root / "papers" / "pdf" / "shared.pdf", "Shared", ["A Person"], "Abstract.", pages=2)
    (root / "papers" / "accepted.yml").write_text(GOOD + shared + second + third + shared, "utf-8")
    volume, diags = load(Project(root))
    assert volume is not None
    # The records take 6, 5 and 6 lines.
    assert [(d.line, d.field, d.message) for d in diags.sorted() if "twice" in d.message] == [
        (8, "papers[1].title", "title 'good' is also that of 'good-paper' (line 2): one paper listed twice?"),
        (17, "papers[2].pdf", "PDF 'pdf/shared.pdf' is also that of 'good-paper' (line 6): one paper "
                                                 "listed twice?")]


def test_a_huge_value_is_quoted_as_a_short_excerpt(tmp_path):
    huge = "x" * 1_000_000
    root = _with_papers(tmp_path, GOOD.replace("track: full", f"track: {huge}"))
    errors = _errors(root)
    assert len(errors) == 1 and len(errors[0][3]) < 500
    assert errors[0][3].startswith("unknown track 'xxx") and "1,000," in errors[0][3] and errors[0][3].endswith("full, tiny")


def test_math_that_cannot_be_typeset_is_a_warning_with_its_line(tmp_path):
    volume, diags = load(Project(_with_papers(tmp_path, GOOD.replace("title: Good", "title: Good $x^1^2$ and $\\text{p < 0.05}$"))))
    warnings = [(d.line, d.field, d.message) for d in diags.items if "typeset" in d.message]
    assert volume is not None and warnings == [(2, "papers[0].title", "$x^1^2$ cannot be typeset (DoubleSuperscriptsError); "
                                                                       "it is shown as its source")]


def test_math_checked_in_an_earlier_load_is_reported_again_without_being_typeset_again(tmp_path, monkeypatch):
    """``serve`` loads every record again after each change: a text's math problems are kept."""
    root = _with_papers(tmp_path, GOOD.replace("title: Good", "title: Good $x^1^2$ kept"))
    typeset, mathml = [], fields.mathml
    monkeypatch.setattr(fields, "mathml", lambda formula, display: typeset.append(formula) or mathml(formula, display))
    monkeypatch.setattr(fields, "_kept_math_problems", functools.lru_cache(maxsize=8)(fields._math_problems))
    reported = [[(d.line, d.message) for d in load(Project(root))[1].items if "typeset" in d.message] for _ in range(2)]
    assert reported[0] == reported[1] == [(2, "$x^1^2$ cannot be typeset (DoubleSuperscriptsError); it is shown as its source")]
    assert typeset == ["x^1^2"]
    long = "Good $x^1^2$ " + "a" * fields.KEPT_TEXT_LENGTH  # not kept: a megabyte saved again and again would be kept each time
    assert fields.math_problems(long) == fields.math_problems(long) and typeset == ["x^1^2"] * 3


def test_a_build_s_math_checks_are_kept_for_the_next_and_made_again_for_new_software(tmp_path, monkeypatch):
    """A build reads every record in a new process: what the math of each text holds wrong is kept in
    a file, by the text and the software."""
    root = _with_papers(tmp_path, GOOD.replace("title: Good", "title: Good $x^1^2$ kept"))
    typeset, mathml = [], fields.mathml
    monkeypatch.setattr(fields, "mathml", lambda formula, display: typeset.append(formula) or mathml(formula, display))
    kept = tmp_path / "math-checks.sqlite"

    def reported() -> list[tuple[int | None, str]]:
        fields._kept_math_problems.cache_clear()  # as in a new process
        with fields.math_checks_kept_in(kept) as checks:
            _, diags = load(Project(root))
        checks.save()
        return [(d.line, d.message) for d in diags.items if "typeset" in d.message]

    assert reported() == reported() == [(2, "$x^1^2$ cannot be typeset (DoubleSuperscriptsError); it is shown as its source")]
    assert typeset == ["x^1^2"] and kept.is_file()
    monkeypatch.setattr(fields, "software_digest", lambda: "another version")
    assert reported() and typeset == ["x^1^2"] * 2
    (root / "papers/accepted.yml").write_text(GOOD.replace("title: Good", "title: Good $y^1^2$ now"), "utf-8")
    assert reported() == [(2, "$y^1^2$ cannot be typeset (DoubleSuperscriptsError); it is shown as its source")]
    assert typeset == ["x^1^2", "x^1^2", "y^1^2"]


def test_a_csv_cell_splits_people_outside_parentheses_and_an_unclosed_one_is_an_error(tmp_path):
    """A new-user trial: 'Ana Silva (MIT; Harvard University)' was cited as three authors, unreported."""
    root = write_project(tmp_path / "p", pdfs=())
    with_accepted_csv(root,
        "id,title,authors,abstract,track\n"
        'one,One,"Ana Silva (MIT; Harvard University); Bo Chen (ETH Zürich)",Abstract,full\n'
        'two,Two,"Ana Silva (MIT); Bo Chen (ETH Zürich",Abstract,full\n'
        'three,Three,"Ana Silva (MIT)); Bo Chen",Abstract,full\n'
        'four,Four,"Silva, Ana",Abstract,full\n'
        'five,Five,"Ana Silva (MIT, Harvard University), Bo Chen",Abstract,full\n'
        'six,Six,"Ana Silva, Bo Chen",Abstract,full\n')
    volume, diags = load(Project(root), keep_going=True)
    assert [(a.name, a.affiliation) for a in volume.papers[0].authors] == [("Ana Silva", "MIT; Harvard University"),
                                                                           ("Bo Chen", "ETH Zürich")]
    errors = [(d.line, d.field, d.message) for d in diags.sorted() if d.severity.value == "error"]
    assert errors == [(3, "papers[1].authors", "'Ana Silva (MIT); Bo Chen (ETH Zürich': a parenthesis is left open; "
                                               "write each person as 'Name (Affiliation)'"),
                      (4, "papers[2].authors", "'Ana Silva (MIT)); Bo Chen': a parenthesis is closed without being opened; "
                                               "write each person as 'Name (Affiliation)'"),
                      # A CSV cell cannot state `family` and `given`; an affiliation is no given name.
                      (5, "papers[3].authors", "'Silva, Ana' looks like 2 people (Silva; Ana): give each their own "
                                               "entry (`- name: ...`), or in a CSV cell separate them with ';'; or, if "
                                               "it is one person written family name first, write `Ana Silva`"),
                      (6, "papers[4].authors", "'Ana Silva (MIT, Harvard University), Bo Chen' looks like 2 people "
                                               "(Ana Silva (MIT, Harvard University); Bo Chen): give each their own "
                                               "entry (`- name: ...`), or in a CSV cell separate them with ';'"),
                      # Two words before the comma: no family name written first (a review).
                      (7, "papers[5].authors", "'Ana Silva, Bo Chen' looks like 2 people (Ana Silva; Bo Chen): give each "
                                               "their own entry (`- name: ...`), or in a CSV cell separate them with ';'")]
    assert [paper.id for paper in volume.papers] == ["one"]


def test_a_csv_cell_withdraws_a_paper_and_a_withdrawal_that_cannot_be_read_leaves_it_out(tmp_path):
    """A new-user trial: a CSV could withdraw no paper, and with --keep-going the paper whose
    `withdrawn` cell was refused was published as one in good standing."""
    root = write_project(tmp_path / "p", pdfs=())
    with_accepted_csv(root,
        "id,title,authors,abstract,track,withdrawn\n"
        "one,One,Ana Silva,Abstract,full,2026-05-01: The authors found an error in Theorem 2.\n"
        "two,Two,Bo Chen,Abstract,full,yes\n"
        "three,Three,Cy Dee,Abstract,full,\n")
    volume, diags = load(Project(root), keep_going=True)
    assert [(paper.id, paper.withdrawn) for paper in volume.papers] == [
        ("one", Notice(dt.date(2026, 5, 1), "The authors found an error in Theorem 2.")), ("three", None)]
    errors = [(d.line, d.field, d.message) for d in diags.sorted() if d.severity.value == "error"]
    assert errors == [(3, "papers[1].withdrawn", "expected a record with date and reason, or a text 'YYYY-MM-DD: reason', got 'yes'")]

    # An empty `withdrawn:` (YAML's null) withdraws nothing, and takes nothing away (a review).
    volume, diags = load(Project(_with_papers(tmp_path / "yaml", GOOD + "  withdrawn:\n  retracted: ~\n")))
    assert [(paper.id, paper.withdrawn) for paper in volume.papers] == [("good-paper", None)]


def test_a_name_holding_latex_is_read_as_its_letters(tmp_path):
    """A new-user trial: OpenReview's `{\\"O}zg{\\"u}r Yilmaz`, kept as written, was shown with its braces
    and, escaped in the BibTeX, broke a reader's pdfLaTeX run with the abbrv and ieeetr styles."""
    # A red-team trial's 'Bob 100% ... Jones' was read as 'Bob 100': a per cent sign is no comment here.
    names = ['{\\"O}zg{\\"u}r Yilmaz', "{Jean-Pierre} Dupont", "Ana {Maria} 100% Silva", "{" * 200 + "x" + "}" * 200]
    papers = GOOD.replace("authors: [{name: A Person}]", "authors: [" + ", ".join(f"{{name: '{name}'}}" for name in names) + "]")
    volume, diags = load(Project(_with_papers(tmp_path, papers)), keep_going=True)
    found = [(d.severity.value, d.field, d.message) for d in diags.sorted() if ".authors[" in (d.field or "")]
    assert found[:3] == [("warning", f"papers[0].authors[{index}].name", f"{name!r} holds LaTeX (braces, a backslash): read as "
                                                                         f"{letters!r}; write the name in its letters")
                         for index, (name, letters) in enumerate(zip(names, ["Özgür Yilmaz", "Jean-Pierre Dupont",
                                                                             "Ana Maria 100% Silva"], strict=False))]
    # Text that makes no plain letters (hostile, or braces nested deep) is shown and cited as written.
    assert found[3][:2] == ("warning", "papers[0].authors[3].name") and found[3][2].endswith("write the name in its letters")
    assert [author.name for author in volume.papers[0].authors] == ["Özgür Yilmaz", "Jean-Pierre Dupont", "Ana Maria 100% Silva",
                                                                     names[3]]


def test_a_key_that_takes_a_letter_by_the_papers_order_is_warned_about(tmp_path):
    """A second new-user trial sorted its spreadsheet, and two papers' BibTeX keys swapped unreported."""
    first = GOOD.replace("title: Good", "title: Good things")
    second = GOOD.replace("id: good-paper", "id: later").replace("title: Good", "title: Good news")
    pinned = GOOD.replace("id: good-paper", "id: pinned").replace("authors: [{name: A Person}]",
                                                                 "authors: [{name: B Person}]") + "  bibkey: person2026good\n"
    volume, diags = load(Project(_with_papers(tmp_path, first + second)))
    assert volume.keys == {"good-paper": "person2026good", "later": "person2026goodb"}
    assert [(d.line, d.field, d.message) for d in diags.sorted() if "swaps" in d.message] == [
        (6, "papers[1].id", "cited as 'person2026goodb', since 'good-paper' (line 1), listed before it, is 'person2026good': "
                            "moving either in the list swaps their keys; pin each with `bibkey`")]
    # A key pinned with bibkey moves with no list order: nothing to say.
    volume, diags = load(Project(_with_papers(tmp_path / "pinned", pinned + second)))
    assert volume.keys == {"pinned": "person2026good", "later": "person2026goodb"}
    assert not [d for d in diags.items if "swaps" in d.message]
