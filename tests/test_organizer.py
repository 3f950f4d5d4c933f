"""The organizer's path, each case on a project made by ``proceedings new``: what they type, what
they see, and that nothing they wrote or placed is lost."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from proceedings import DISTRIBUTION, __version__
from proceedings.cli import main
from proceedings.inputs.checks import PLACEHOLDERS
from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.new import _direct_url, install_requirement
from proceedings.outputs.samples import sample_pdf

from conftest import REPO


@pytest.fixture
def scaffold(tmp_path) -> Path:
    """A fresh project, as ``proceedings new`` makes it."""
    root = tmp_path / "workshop"
    assert main(["new", str(root)]) == 0
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _site_bytes(site: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(site.resolve().rglob("*")) if path.is_file())


def test_an_encrypted_pdf_with_its_password_is_published_decrypted(scaffold, capsys):
    pdf = scaffold / "papers/pdf/example-paper.pdf"
    with pikepdf.Pdf.open(pdf, allow_overwriting_input=True) as document:
        document.save(pdf, encryption=pikepdf.Encryption(user="s3cret-pw", owner="owner-pw"))
    assert PdfReader(pdf).is_encrypted
    _edit(scaffold / "papers/accepted.yml", "  pdf: pdf/example-paper.pdf ", "  pdf_password: s3cret-pw\n  pdf: pdf/example-paper.pdf ")
    before = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert main(["check", str(scaffold)]) == 0
    assert main(["build", str(scaffold)]) == 0
    site = scaffold / "_build/html"
    published = PdfReader(site / "book/papers/example-paper.pdf")
    assert not published.is_encrypted and len(published.pages) == 3
    assert "Example Paper" in published.pages[0].extract_text()
    assert (site / "book/papers/example-paper.png").stat().st_size > 1000
    assert not PdfReader(site / "proceedings.pdf").is_encrypted
    assert b"s3cret-pw" not in _site_bytes(site), "the password is never published"
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == before, "the organizer's file is left as it was"


def test_an_unlocked_copy_is_the_same_file_in_every_build(tmp_path):
    """A trial found the readable copy of a protected PDF different in every build from scratch
    (pikepdf gave it a random /ID): the same inputs publish the same file."""
    from proceedings.outputs.unlocked import unlocked_copy

    pdf = tmp_path / "protected.pdf"
    with pikepdf.new() as document:
        document.add_blank_page()
        document.save(pdf, encryption=pikepdf.Encryption(user="s3cret-pw", owner="owner-pw"))
    copies = []
    for name in ("first", "second"):  # a second apart: qpdf's own /ID draws on the time, to the second
        copies.append(unlocked_copy(pdf, "s3cret-pw", name, tmp_path / name))
        time.sleep(1.1)
    assert copies[0].read_bytes() == copies[1].read_bytes() and not PdfReader(copies[0]).is_encrypted


def _note(number: int, venue: str = "FM4Science 2026 Poster", title: str = "") -> dict:
    return {"id": f"Forum{number}", "forum": f"Forum{number}", "number": number,
            "content": {"title": {"value": title or f"Paper {number}"}, "abstract": {"value": f"Abstract {number}."},
                        "authors": {"value": ["Ana Silva", "Bo Chen"]}, "venue": {"value": venue},
                        "venueid": {"value": "ICLR.cc/2026/Workshop/FM4Science"}}}


def _import(root: Path, notes: list[dict], *options: str) -> int:
    export = root.parent / "notes.json"
    export.write_text(json.dumps(notes), "utf-8")
    return main(["import-openreview", str(export), str(root), *options])


def test_an_import_keeps_every_paper_comment_and_hand_placed_pdf(scaffold, capsys):
    accepted = scaffold / "papers/accepted.yml"
    assert _import(scaffold, [_note(1), _note(2)], "--pdfs", str(_pdfs(scaffold.parent, 1, 2))) == 0
    out = capsys.readouterr().out
    assert "kept (not in the export; delete it by hand if it should go, and where program.yml and recordings.yml name it): example-paper" in out
    text = accepted.read_text("utf-8")
    assert "# required: stable, unique, URL-safe" in text, "the scaffold's comments stay"
    assert [r["id"] for r in yaml.safe_load(text)] == ["example-paper", "paper1", "paper2"]
    # The organizer replaces paper 2's PDF by hand; OpenReview then withdraws paper 1 and drops paper 2.
    sample_pdf(scaffold / "papers/pdf/paper2.pdf", "Camera-ready 2", ["Ana Silva"], "A.", pages=2)
    mine = (scaffold / "papers/pdf/paper2.pdf").read_bytes()
    assert _import(scaffold, [_note(1, "Withdrawn Submission"), _note(3)], "--pdfs", str(_pdfs(scaffold.parent, 2, 3))) == 0
    out = capsys.readouterr().out
    assert "marked withdrawn (the export no longer accepts it): paper1 (withdrawn)" in out
    assert "kept (not in the export; delete it by hand if it should go, and where program.yml and recordings.yml name it): paper2" in out
    records = {r["id"]: r for r in yaml.safe_load(accepted.read_text("utf-8"))}
    assert set(records) == {"example-paper", "paper1", "paper2", "paper3"}
    assert records["paper1"]["withdrawn"]["reason"] == "withdrawn on OpenReview"
    assert (scaffold / "papers/pdf/paper2.pdf").read_bytes() == mine
    assert _import(scaffold, [_note(2)], "--pdfs", str(_pdfs(scaffold.parent, 2))) == 0
    assert "kept (PDF replaced by hand): paper2: papers/pdf/paper2.pdf" in capsys.readouterr().out
    assert (scaffold / "papers/pdf/paper2.pdf").read_bytes() == mine
    assert main(["check", str(scaffold)]) == 0, "the withdrawn paper keeps its page"


def _pdfs(folder: Path, *numbers: int) -> Path:
    pdfs = folder / "downloads"
    for number in numbers:
        sample_pdf(pdfs / f"Forum{number}.pdf", f"OpenReview {number}", ["Ana Silva"], "A.", pages=2)
    return pdfs


def test_an_export_without_accepted_papers_changes_nothing(scaffold, capsys):
    before = (scaffold / "papers/accepted.yml").read_bytes()
    assert _import(scaffold, [_note(1, "Submitted to FM4Science 2026"), _note(2, "Desk Rejected Submission")]) == 1
    assert "nothing imported: the export holds no accepted paper among its 2 note(s)" in capsys.readouterr().err
    assert (scaffold / "papers/accepted.yml").read_bytes() == before


def test_an_import_into_a_csv_project_says_what_to_do(scaffold, capsys):
    (scaffold / "papers/accepted.yml").unlink()
    (scaffold / "papers/accepted.csv").write_text("id,title,authors,abstract,track\np,T,A B,Abs,full\n", "utf-8")
    assert _import(scaffold, [_note(1)]) == 1
    assert "papers/accepted.csv" in capsys.readouterr().err and not (scaffold / "papers/accepted.yml").exists()


def test_the_workflow_installs_the_tool_that_made_the_project(scaffold):
    workflow = yaml.safe_load((scaffold / ".github/workflows/proceedings.yml").read_text("utf-8"))
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    (install,) = [step for step in steps if step.startswith("pip install")]
    assert install.split('"')[1] == install_requirement(_direct_url())[0]
    assert steps[steps.index(install) + 1:] == ["proceedings check", "proceedings build", ""]


def test_the_install_line_names_exactly_where_the_tool_came_from(tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    assert install_requirement({"url": "https://github.com/org/archive", "vcs_info": {"vcs": "git", "commit_id": commit}})[0] \
        == f"{DISTRIBUTION} @ git+https://github.com/org/archive@{commit}"
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for command in (["init", "-q"], ["remote", "add", "origin", "https://github.com/org/archive.git"],
                    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", "-C", str(checkout), *command], check=True)
    head = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    requirement, origin = install_requirement({"url": checkout.as_uri(), "dir_info": {"editable": True}})
    assert requirement == f"{DISTRIBUTION} @ git+https://github.com/org/archive.git@{head}"
    requirement, origin = install_requirement({"url": (tmp_path / "elsewhere").as_uri(), "dir_info": {}})
    assert requirement == f"{DISTRIBUTION}=={__version__}" and "no https git remote" in origin
    assert install_requirement({}) == (f"{DISTRIBUTION}=={__version__}", f"version {__version__} from PyPI")


@pytest.fixture
def git_identity(monkeypatch):
    for name, value in (("GIT_AUTHOR_NAME", "Organizer"), ("GIT_AUTHOR_EMAIL", "organizer@example.org"),
                        ("GIT_COMMITTER_NAME", "Organizer"), ("GIT_COMMITTER_EMAIL", "organizer@example.org")):
        monkeypatch.setenv(name, value)


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout.strip()


def test_the_readme_path_from_new_to_a_gh_pages_branch(scaffold, tmp_path, capsys, git_identity):
    """The README's organizer section: new, edit, check, build, publish; then the mistakes on the way."""
    _edit(scaffold / "papers/workshop.yml", "https://example.org/my-workshop-2026/", "https://organizer.github.io/ws/")
    _edit(scaffold / "papers/workshop.yml", 'title: "My Workshop on Something Important"', 'title: "Our Real Workshop"')
    assert main(["check", str(scaffold)]) == 0
    assert main(["build", str(scaffold)]) == 0
    capsys.readouterr()
    assert main(["publish", str(scaffold)]) == 1
    assert "Not published: the scaffold's examples above are still in the project" in capsys.readouterr().err
    assert main(["publish", "--with-examples", str(scaffold)]) == 1
    assert "is not a git repository: run `git init` there" in capsys.readouterr().err
    _git(scaffold, "init", "-q")
    assert main(["publish", "--with-examples", str(scaffold)]) == 1
    assert "no remote named 'origin': add it with `git remote add origin URL`" in capsys.readouterr().err
    bare = tmp_path / "github.git"
    _git(tmp_path, "init", "-q", "--bare", str(bare))
    _git(scaffold, "remote", "add", "origin", str(bare))
    assert main(["publish", "--with-examples", str(scaffold)]) == 0
    assert "Published" in capsys.readouterr().out
    files = _git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {"index.html", ".nojekyll", "book/papers/example-paper.html", "book/papers/example-paper.pdf"} <= set(files)
    page = _git(bare, "show", "gh-pages:book/papers/example-paper.html")
    assert 'content="https://organizer.github.io/ws/book/papers/example-paper.pdf"' in page
    commits = _git(bare, "rev-list", "--count", "gh-pages")
    assert main(["publish", "--with-examples", str(scaffold)]) == 0
    assert "unchanged since it was last published: no new commit" in capsys.readouterr().out
    assert _git(bare, "rev-list", "--count", "gh-pages") == commits


def test_serving_on_a_busy_port_says_so(scaffold, capsys):
    assert main(["build", str(scaffold)]) == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        capsys.readouterr()
        assert main(["serve", str(scaffold), "--port", str(port)]) == 1
    assert f"Cannot serve on port {port}: Address already in use; choose another with --port" in capsys.readouterr().err


def test_what_yaml_does_to_dates_words_and_durations_is_said_in_words(scaffold, capsys):
    _edit(scaffold / "papers/workshop.yml", "date: 2026-04-27 ", "date: 2026-02-30 ")
    _edit(scaffold / "papers/recordings.yml", 'duration: "45:00"', "duration: 44:10")
    _edit(scaffold / "papers/recordings.yml", "permission: withheld ", "permission: yes ")
    assert main(["check", str(scaffold)]) == 1
    err = capsys.readouterr().err
    assert "papers/workshop.yml:8: error: workshop.date: '2026-02-30' is not a real date (day is out of range for month)" in err
    assert ("papers/recordings.yml:9: error: recordings[0].permission: True is not one of: public, link, withheld "
            "(unquoted, YAML reads yes and no as true and false)") in err
    assert "duration" not in err  # 44:10 unquoted is YAML's 2650 seconds, read back as 44:10
    _edit(scaffold / "papers/recordings.yml", "permission: yes ", "permission: public ")
    _edit(scaffold / "papers/workshop.yml", "date: 2026-02-30 ", "date: 2026-04-27 ")
    assert main(["check", str(scaffold)]) == 0
    assert main(["build", str(scaffold)]) == 0
    assert "Recording (44:10)" in (scaffold / "_build/html/book/talks/keynote.html").read_text("utf-8")


def _problems(root: Path, capsys) -> list[str]:
    """What ``check`` reports, but the scaffold's withheld recording and its examples (reported by design)."""
    main(["check", str(root)])
    return [line for line in capsys.readouterr().err.splitlines() if (": error:" in line or ": warning:" in line)
            and "is not published" not in line and "still the scaffold's" not in line]


@pytest.mark.parametrize("authors, where, expected", [
    ('"Ana Silva, Bo Chen and Carl Meyer"', "5: error: papers[0].authors (example-paper):", "looks like 3 people (Ana Silva; Bo Chen; Carl Meyer)"),
    ('"A & B"', "5: error: papers[0].authors (example-paper):", "looks like 2 people (A; B)"),
    ("\n    - name: Liu (HKUST), Xu (HKUST) and Cheung (CityU)", "6: error: papers[0].authors[0].name (example-paper):",
     "looks like 3 people (Liu (HKUST); Xu (HKUST); Cheung (CityU))"),
])
def test_several_authors_typed_as_one_name_are_an_error_saying_so(scaffold, capsys, authors, where, expected):
    accepted = scaffold / "papers/accepted.yml"
    text = accepted.read_text("utf-8")
    start, end = text.index("  authors:"), text.index("  abstract:")
    accepted.write_text(text[:start] + f"  authors: {authors}\n" + text[end:], "utf-8")
    (problem,) = _problems(scaffold, capsys)
    assert problem.startswith(f"papers/accepted.yml:{where}") and expected in problem


def test_names_as_plain_text_and_lists_in_one_text_are_read_as_meant(scaffold, capsys):
    accepted = scaffold / "papers/accepted.yml"
    text = accepted.read_text("utf-8")
    start, end = text.index("  authors:"), text.index("  abstract:")
    accepted.write_text(text[:start] + "  authors:\n    - Ana Silva (MIT)\n    - Robert T. Jones, Jr.\n" + text[end:], "utf-8")
    _edit(accepted, "keywords: [example, physics]", 'keywords: "example, physics"')
    assert _problems(scaffold, capsys) == []
    volume, _ = load(Project(scaffold))
    paper = volume.papers[0]
    assert [(a.name, a.affiliation) for a in paper.authors] == [("Ana Silva", "MIT"), ("Robert T. Jones, Jr.", None)]
    assert paper.keywords == ("example", "physics")
    accepted.write_text(text[:start] + '  authors: "Ana Silva; Bo Chen"\n' + text[end:], "utf-8")
    (problem,) = _problems(scaffold, capsys)
    assert "warning: papers[0].authors (example-paper): one text read as 2 people, split at ;: Ana Silva; Bo Chen" in problem


def test_a_spreadsheet_csv_is_read_as_written(scaffold, capsys):
    (scaffold / "papers/accepted.yml").unlink()
    csv = scaffold / "papers/accepted.csv"
    csv.write_text("ID;Title;authors;abstract;track;keywords\n"
                   "p1;Spiking Nets;Nitin Rathi|Kaushik Roy;An abstract.;full;snn, hardware\n"
                   "p2;Other;\"Ana Silva (MIT); Bo Chen\";Another.;full;x\n", "utf-8")
    problems = _problems(scaffold, capsys)
    assert "papers/accepted.csv:1: warning: column 'ID' read as 'id'" in problems
    assert "papers/accepted.csv:1: warning: column 'Title' read as 'title'" in problems
    # Split at | as Mini-Conf writes a cell of people, without a warning a row (678 for its file).
    assert not [p for p in problems if "people" in p]
    assert not [p for p in problems if ": error:" in p and "program.yml" not in p and "recordings.yml" not in p]
    volume, _ = load(Project(scaffold), keep_going=True)
    assert [author.name for author in volume.paper("p1").authors] == ["Nitin Rathi", "Kaushik Roy"]


def test_the_raw_iclr_csv_gives_its_header_problems_once(scaffold, capsys, shared_data):
    (scaffold / "papers/accepted.yml").unlink()
    lines = (shared_data / "iclr2020-miniconf/papers.csv").read_text("utf-8").splitlines(keepends=True)
    (scaffold / "papers/accepted.csv").write_text("".join(lines), "utf-8")
    errors = [p for p in _problems(scaffold, capsys) if "accepted.csv" in p]
    assert errors == [
        "papers/accepted.csv:1: error: the header has no column 'id', 'track', which every row needs; "
        "its columns are: UID, title, authors, abstract, keywords, sessions",
        "papers/accepted.csv:1: error: unknown column 'UID' (Mini-Conf's UID is an OpenReview forum id: name the "
        "column 'openreview', and give each paper an 'id' of its own, in lowercase); its cells are left out",
        "papers/accepted.csv:1: error: unknown column 'sessions' (did you mean 'session'?); its cells are left out"]


def test_one_typo_is_one_error_and_config_problems_come_with_it(scaffold, capsys):
    _edit(scaffold / "papers/accepted.yml", "track: full ", "track: fulll ")
    _edit(scaffold / "_config.yml", "  home_page_in_navbar: true", "  home_page_in_navbar: [true")
    problems = [p for p in _problems(scaffold, capsys) if ": error:" in p]
    assert len(problems) == 2, problems
    assert "papers/accepted.yml:17: error: papers[0].track (example-paper): unknown track 'fulll'" in problems[1]
    assert problems[0].startswith("_config.yml:19: error: YAML syntax error, column 24: a [ list opened here is not closed")


@pytest.mark.parametrize("name, old, new", [("accepted.yml", "keywords: [example, physics]", "keywords: [example, physics"),
                                            ("talks.yml", "- id: keynote", "- id: [keynote")])
def test_a_file_that_cannot_be_read_is_one_error_not_one_more_per_reference(scaffold, capsys, name, old, new):
    """The scaffold's program and recordings name its papers and talks: when their file cannot be
    read (a syntax error), that is the one error, not one more for each reference to it."""
    _edit(scaffold / "papers" / name, old, new)
    problems = [p for p in _problems(scaffold, capsys) if ": error:" in p]
    assert len(problems) == 1 and problems[0].startswith(f"papers/{name}:"), problems
    assert "opened here is not closed (YAML read on to line" in problems[0]


def test_the_volume_pdf_reads_as_real_proceedings(scaffold):
    _edit(scaffold / "papers/workshop.yml", "editors: []", "editors: [{name: Ada Lovelace}, {name: Alan Turing}]")
    sample_pdf(scaffold / "papers/pdf/short.pdf", "Short", ["Bo Chen"], "A.", pages=1)
    with (scaffold / "papers/accepted.yml").open("a", encoding="utf-8") as accepted:
        accepted.write("- id: short\n  title: \"Sparse $\\\\ell_1$ recovery of CO$_2$ fluxes\"\n  authors: [Bo Chen]\n"
                       "  abstract: A.\n  track: tiny\n  pdf: pdf/short.pdf\n")
    assert main(["build", str(scaffold)]) == 0
    site = scaffold / "_build/html"
    volume = PdfReader(site / "proceedings.pdf")
    labels = volume.page_labels
    first_paper = labels.index("1")
    assert labels[:first_paper] == ["i", "ii", "iii", "iv"][:first_paper] and labels[first_paper:first_paper + 4] == ["1", "2", "3", "4"]
    assert "Edited by Ada Lovelace and Alan Turing" in volume.pages[0].extract_text()
    preface = volume.pages[1].extract_text()
    assert preface.count("Preface") == 1
    contents = " ".join(page.extract_text() for page in volume.pages[:first_paper])
    assert "$" not in contents and "\\ell" not in contents
    titles = [item.title for track in volume.outline if isinstance(track, list) for item in track if not isinstance(item, list)]
    titles += [item.title for item in volume.outline if not isinstance(item, list)]
    assert "Sparse ℓ₁ recovery of CO₂ fluxes" in titles
    bib = (site / "book/papers/short.bib").read_text("utf-8")
    assert "pages = {4}" in bib, bib  # one page: not {4--4}
    assert "**Page:** 4 of the volume" in (scaffold / "book/papers/short.md").read_text("utf-8")


def test_the_scaffolds_examples_are_flagged_until_replaced(scaffold, capsys):
    main(["check", str(scaffold)])
    flagged = [line for line in capsys.readouterr().err.splitlines() if "still the scaffold's" in line]
    assert all(any(f"({text.strip()!r})" in line for line in flagged) for _, text, _ in PLACEHOLDERS)
    assert sum("example URL ('example.org')" in line for line in flagged) == 3  # each one, in one pass
    assert "papers/workshop.yml:12: warning: still the scaffold's example URL ('example.org'): replace it before publishing" in flagged
    assert "_config.yml:4: warning: still the scaffold's footer author ('author: The organizers'): replace it before publishing" in flagged
    # Every example affiliation at its line (a trial found two unflagged; the example paper's title
    # goes with its id's warning).
    for path in sorted((scaffold / "papers").glob("*.yml")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if re.search(r"affiliation: .*Example", line):
                assert any(flag.startswith(f"papers/{path.name}:{number}: ") for flag in flagged), (path.name, number, line)
    main(["check", str(REPO)])
    assert "still the scaffold's" not in capsys.readouterr().err


def test_new_names_the_build_command_to_paste(tmp_path, capsys):
    root = tmp_path / "My Workshop"
    assert main(["new", str(root)]) == 0
    assert f"then run: proceedings build '{root}'" in capsys.readouterr().out


@pytest.mark.parametrize("inside", ["papers/sub", "book/more", "_build/x"])
def test_new_refuses_a_folder_another_projects_build_reads_or_writes(tmp_path, capsys, inside):
    """A new-user trial made a project in another one's papers/: its files were that project's inputs."""
    outer = tmp_path / "outer"
    assert main(["new", str(outer)]) == 0
    capsys.readouterr()
    assert main(["new", str(outer / inside)]) == 1
    folder = inside.split("/")[0]
    assert f"is inside {(outer / folder).resolve()}, a folder of the project in {outer.resolve()}" in capsys.readouterr().err
    assert not (outer / inside).exists()
    assert main(["new", str(outer / "beside-its-folders")]) == 0


def test_the_home_page_says_when_and_where_from_workshop_yml(scaffold):
    _edit(scaffold / "papers/workshop.yml", 'location: "Rio de Janeiro, Brazil"', 'location: "Kyoto, Japan"')
    _edit(scaffold / "papers/workshop.yml", "timezone: America/Sao_Paulo", "timezone: Asia/Tokyo")
    _edit(scaffold / "papers/workshop.yml", 'short_title: "MyWS 2026"', 'short_title: "KyotoWS 2026"')
    assert main(["build", "--no-volume-pdf", str(scaffold)]) == 0
    page = BeautifulSoup((scaffold / "_build/html/book/welcome.html").read_text("utf-8"), "html.parser")
    text = page.select_one("article p").get_text()  # its times are elements the reader's script may change
    assert text.strip() == "Some Conference 2026 · Monday 27 April 2026, 09:00–11:00 Kyoto time (GMT+9) · room 101-B, Kyoto, Japan"
    assert page.title.text.endswith("KyotoWS 2026")
    assert not page.select("a[href$='proceedings.pdf']"), "no link to a volume PDF that was not made"


def test_an_import_takes_no_other_papers_id_or_pdf_and_survives_sparse_notes(scaffold, capsys):
    accepted = scaffold / "papers/accepted.yml"
    sample_pdf(scaffold / "papers/pdf/paper1.pdf", "Mine", ["Me"], "A.", pages=1)
    mine = (scaffold / "papers/pdf/paper1.pdf").read_bytes()
    _edit(accepted, "- id: example-paper ", "- id: paper1 ")
    _edit(accepted, "  pdf: pdf/example-paper.pdf ", "  pdf: pdf/paper1.pdf ")
    sparse = {"id": "Sparse9", "forum": "Sparse9", "content": {"title": {"value": "No abstract"},
              "venue": {"value": "FM4Science 2026 Poster"}}}
    assert _import(scaffold, [_note(1), sparse], "--pdfs", str(_pdfs(scaffold.parent, 1))) == 0
    records = {r["id"]: r for r in yaml.safe_load(accepted.read_text("utf-8"))}
    assert set(records) == {"paper1", "paper1-forum1", "sparse9"}
    assert records["paper1-forum1"]["pdf"] == "pdf/paper1-forum1.pdf"
    assert (scaffold / "papers/pdf/paper1.pdf").read_bytes() == mine
    assert _import(scaffold, [_note(1)], "--pdfs", str(scaffold / "nowhere")) == 1
    assert f"--pdfs {scaffold / 'nowhere'}: no such folder" in capsys.readouterr().err
