"""Hostile and broken input: author text never becomes markup or code, every broken file is a
diagnostic, and a build killed at any moment leaves the previous site complete."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import bibtexparser
import pikepdf
import pybtex.database
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proceedings.cli import main
from proceedings.inputs.loader import LONG_PDF, load
from proceedings.model.locations import Project
from proceedings.util.latex import plain
from proceedings.util.text import one_line

from conftest import PAPERS_YML, WORKSHOP_YML, write_project
from hostile import HOSTILE, THEME_HANDLERS, hostile_project


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    result = subprocess.run([sys.executable, "-m", "proceedings", "build", str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "_build" / "html"


def _pages(site: Path) -> list[Path]:
    return sorted((site / "book").rglob("*.html"))


def test_no_injected_script_handler_iframe_or_javascript_url(hostile_site):
    pages = _pages(hostile_site)
    assert len(pages) > 30
    for page in pages:
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":
                json.loads(script.string)  # data, and still valid JSON
            else:
                assert "alert(" not in (script.string or ""), page
        for element in soup.find_all(True):
            handlers = [element[name] for name in element.attrs if name.lower().startswith("on")]
            assert set(handlers) <= THEME_HANDLERS, (page, element.name, handlers)
            for name in ("href", "src", "action", "formaction", "data"):
                value = str(element.get(name, "")).strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (page, element)
        assert not soup.find_all(["iframe", "embed", "object"]), page
        assert all("display:none" not in (tag.string or "") for tag in soup.find_all("style")), page
        assert "root:x:0:0" not in soup.get_text(), "no file from disk is included"


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_text_is_shown_literally(hostile_site, index):
    text = " ".join(one_line(HOSTILE[index]).split())
    page = BeautifulSoup((hostile_site / f"book/papers/h{index:02d}.html").read_text("utf-8"), "html.parser")
    shown = " ".join(page.select_one("article section").get_text(" ").split())
    if "$" not in text:  # math renders; everything else is shown as typed
        assert shown.count(text) >= 4, (text, shown[:500])  # title, author, affiliation, abstract, ...
    meta = page.find("meta", attrs={"name": "citation_title"})["content"]
    assert meta == plain(HOSTILE[index])  # as typed, with any math written out as text


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_a_withdrawn_paper_s_struck_title_is_shown_as_its_title_is(hostile_site, index):
    # Struck through, a title was shown and put in <title> as typed: CO$_2$, not CO₂.
    pages = [BeautifulSoup((hostile_site / f"book/papers/{kind}{index:02d}.html").read_text("utf-8"), "html.parser")
             for kind in ("h", "w")]
    shown, struck = (page.select_one("article h1") for page in pages)
    assert struck.select_one(".proceedings-struck") and struck.select(".proceedings-struck math") == struck.select("math")
    assert struck.get_text() == shown.get_text() and struck.select("math") == shown.select("math")
    assert pages[1].title.get_text() == pages[0].title.get_text()


def test_rtl_and_long_titles_stay_in_the_page(hostile_site):
    css = (hostile_site / "_static" / "proceedings.css").read_text()
    assert "overflow-wrap: anywhere" in css and "unicode-bidi: isolate" in css


TEXT_FIELDS = ("title", "abstract", "session", "award", "tldr")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({name: st.text(min_size=0, max_size=60) for name in TEXT_FIELDS}),
       name=st.text(max_size=40), keyword=st.text(max_size=30))
def test_check_never_raises_on_arbitrary_text(tmp_path, values, name, keyword):
    root = tmp_path / "p"
    if root.exists():
        shutil.rmtree(root)
    paper = {"id": "p", "track": "full", "authors": [{"name": name}], "keywords": [keyword], **values}
    write_project(root, papers=yaml.safe_dump([paper], allow_unicode=True), pdfs=())
    volume, diags = load(Project(root))
    assert volume is not None or diags.has_errors


def test_corpus_with_keep_going(shared_data, tmp_path, capsys):
    corpus = shared_data / "pdf-corpus"
    described = {item["path"].replace("/", "__"): item for item in
                 json.loads((corpus / "files.json").read_text("utf-8"))["data"]}
    files = sorted(path for path in corpus.glob("*.pdf") if path.name in described)
    papers = [{"id": f"c{index:02d}", "title": f"Corpus file {path.name}", "authors": [{"name": "Py PDF"}],
               "abstract": "From pypdf's sample files.", "track": "full", "pdf": f"pdf/{path.name}"}
              for index, path in enumerate(files)]
    root = write_project(tmp_path / "p", papers=yaml.safe_dump(papers), pdfs=())
    (root / "papers" / "pdf").mkdir()
    for path in files:
        shutil.copy(path, root / "papers" / "pdf" / path.name)
    assert main(["check", str(root)]) == 1
    reported = capsys.readouterr().err
    assert main(["build", "--keep-going", str(root)]) == 3  # built, without the unusable files
    site = root / "_build" / "html" / "book" / "papers"
    volume, _ = load(Project(root), keep_going=True)
    for index, path in enumerate(files):
        assert (site / f"c{index:02d}.html").is_file(), "every paper gets its page"
        paper = volume.paper(f"c{index:02d}")
        if paper.pdf:
            assert volume.facts(paper.pdf).pages == described[path.name]["pages"], path.name
            assert (site / f"c{index:02d}.pdf").is_file()
        else:
            assert f"papers/pdf/{path.name}:" in reported, path.name
    assert "encrypted" in reported and "Traceback" not in reported


def test_password_opens_an_encrypted_pdf(shared_data, tmp_path):
    name = "005-libreoffice-writer-password__libreoffice-writer-password.pdf"
    paper = {"id": "locked", "title": "Locked", "authors": [{"name": "X"}], "abstract": "A.", "track": "full",
             "pdf": f"pdf/{name}", "pdf_password": "openpassword"}
    root = write_project(tmp_path / "p", papers=yaml.safe_dump([paper]), pdfs=())
    (root / "papers" / "pdf").mkdir()
    shutil.copy(shared_data / "pdf-corpus" / name, root / "papers" / "pdf" / name)
    volume, diags = load(Project(root))
    assert not diags.has_errors and volume.facts(f"pdf/{name}").pages == 1


def test_track_page_limit(tmp_path):
    workshop = WORKSHOP_YML.replace("  - id: tiny\n    title: Tiny papers\n",
                                    "  - id: tiny\n    title: Tiny papers\n    max_pages: 2\n")
    root = write_project(tmp_path / "p", workshop=workshop)
    _, diags = load(Project(root))
    assert [(d.line, d.field, d.message) for d in diags.sorted()] == [
        (23, "papers[1].pdf", "papers/pdf/paper-two.pdf: has 3 pages; the Tiny papers track allows at most 2")]


def test_a_paper_s_pdf_of_hundreds_of_pages_is_a_warning_where_its_track_sets_no_limit(tmp_path):
    """A red-team trial's 50,000-page PDF passed in silence and made the volume 50,175 pages long."""
    root = write_project(tmp_path / "p")
    pdf = pikepdf.new()
    for _ in range(LONG_PDF + 1):
        pdf.add_blank_page()
    pdf.save(root / "papers/pdf/paper-two.pdf")
    _, diags = load(Project(root))
    assert [(d.field, d.message) for d in diags.items] == [
        ("papers[1].pdf", f"papers/pdf/paper-two.pdf has {LONG_PDF + 1} pages, all of which the volume PDF holds: is it the "
                          "paper? (a track's max_pages refuses such files)")]


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"<!DOCTYPE html><html><body>Not found</body></html>", "not a PDF"),
])
def test_broken_pdf_named_with_its_line(tmp_path, content, message):
    root = write_project(tmp_path / "p")
    (root / "papers" / "pdf" / "paper-two.pdf").write_bytes(content)
    _, diags = load(Project(root))
    (found,) = diags.sorted()
    assert (found.file, found.line, found.field) == ("papers/accepted.yml", 23, "papers[1].pdf") and message in found.message


def test_truncated_and_broken_xref_pdfs_never_raise(tmp_path):
    root = write_project(tmp_path / "p")
    pdf = root / "papers" / "pdf" / "paper-two.pdf"
    data = pdf.read_bytes()
    for broken in (data[: len(data) // 2], data.replace(b"xref", b"xfer"), data[:-200]):
        pdf.write_bytes(broken)
        volume, diags = load(Project(root))
        assert volume is not None or diags.has_errors


def test_killed_builds_never_lose_the_site(tmp_path):
    """SIGKILL `proceedings build` at 20 random moments; the previous site stays complete each time."""
    root = write_project(tmp_path / "p")
    assert main(["build", str(root)]) == 0
    site = root / "_build" / "html"
    expected = {path.relative_to(site.resolve()) for path in site.resolve().rglob("*.html")}
    rng = random.Random(2026)
    start = time.perf_counter()
    assert main(["build", str(root)]) == 0
    duration = time.perf_counter() - start
    accepted = root / "papers" / "accepted.yml"
    original = accepted.read_text("utf-8")
    for attempt in range(20):
        accepted.write_text(original.replace("A Tiny Idea", f"A Tiny Idea, take {attempt}"), "utf-8")
        process = subprocess.Popen([sys.executable, "-m", "proceedings", "build", str(root)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0, duration * 1.3))
        _kill_group(process)
        published = site.resolve()
        assert {path.relative_to(published) for path in published.rglob("*.html")} >= expected, attempt
        page = (published / "book/papers/paper-two.html").read_text("utf-8")
        assert "A Tiny Idea" in page and page.rstrip().endswith("</html>"), attempt
    accepted.write_text(original, "utf-8")
    assert main(["build", str(root)]) == 0, "a build after the kills succeeds"
    title = BeautifulSoup((site / "book/papers/paper-two.html").read_text("utf-8"), "html.parser").h1
    assert title.get_text().rstrip("#") == "A Tiny Idea"


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the build and everything it started (Jupyter Book, Pagefind, workers)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


# Page ids count from h00, the payloads' own labels from h01: the \mmlToken payload (h29) is page h28.
MATH_PAYLOADS = {"h28": r"\mmlToken", "h29": r"\bbox", "h30": r"\unicode", "h31": r"\immediate", "h35": "^^5cinput", "h37": r"\@starttoc"}


def test_math_that_could_act_is_reported_and_shown_as_text(hostile_site, tmp_path, capsys):
    root = hostile_project(tmp_path / "project")
    assert main(["check", str(root)]) == 0  # warnings: the papers are kept, their math shown as text
    err = capsys.readouterr().err
    assert re.search(r"papers/accepted\.yml:\d+: warning: papers\[\d+\]\.title \(h28\): math using \\mmlToken is shown as text",
                     err), err
    assert "warning: papers[35].title (h35): $\\text{^^5cinput{/etc/hostname}}$ is shown as text: it holds ^^ (a character " \
        "code to TeX: ^^5c is a backslash)" in err
    assert r"warning: papers[37].title (h37): math using \@ is shown as text" in err
    assert "warning: papers[36].title (h36): $" + "{" * 200 in err and "}$ is shown as text: it holds braces nested 300 deep (at " \
        "most 30)" in err
    assert r"math using \immediate, \write, \csname, \endcsname is shown as text" in err
    for paper_id, macro in MATH_PAYLOADS.items():
        page = BeautifulSoup((hostile_site / f"book/papers/{paper_id}.html").read_text("utf-8"), "html.parser")
        article = page.select_one("article")
        assert macro in article.get_text(), "shown, as typed"
        assert not any(macro in math.get_text() for math in article.select(".math")), "never typeset"


def test_a_title_of_one_very_long_word_builds_in_time_linear_in_its_length(tmp_path):
    """A red-team trial: a title of one N-letter word took time growing with N squared (100,000
    letters: 198 s, in the BibTeX title's acronym pattern and the volume's cutting of a word wider
    than a line, measured again after each cut); a megabyte would have taken hours. The bound is
    generous: this builds in seconds."""
    word = "A" * 300_000
    root = write_project(tmp_path / "p", papers=PAPERS_YML.replace('"A Tiny Idea"', word))
    started = time.monotonic()
    assert main(["build", str(root)]) == 0
    assert time.monotonic() - started < 120
    assert word in (root / "_build/html/book/papers/paper-two.bib").read_text("utf-8")


def test_proceedings_bib_holds_exactly_one_entry_per_paper(hostile_site):
    text = (hostile_site / "proceedings.bib").read_text("utf-8")
    volume, _ = load(Project(hostile_site.parents[1]))
    keys = [volume.keys[paper.id] for paper in volume.cited_papers]
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and [entry.key for entry in library.entries] == keys
    assert list(pybtex.database.parse_string(text, "bibtex").entries) == keys
    title = library.entries_dict[volume.keys["h33"]]["title"]
    assert "@inproceedings" in title and "hijacked" in title, "the planted entry stays inside its title"


@pytest.mark.skipif(os.environ.get("CI") != "true" and not shutil.which("pdflatex"),
                    reason="pdflatex not installed (Debian: texlive-latex-base); CI installs it")
@pytest.mark.parametrize("preamble", ["", "\\makeatletter\n"])
def test_citing_every_paper_in_latex_runs_nothing(hostile_site, tmp_path, preamble):
    """A reader's LaTeX run (pdflatex, bibtex, plain style) over the hostile volume: no file is written
    but LaTeX's own, nothing is read from outside, and the bibliography has one item per paper. Also
    in a document whose preamble leaves \\makeatletter in effect, as templates do (a red-team retest)."""
    shutil.copy(hostile_site / "proceedings.bib", tmp_path / "proceedings.bib")
    (tmp_path / "doc.tex").write_text(f"\\documentclass{{article}}\n\\usepackage[T1]{{fontenc}}\n{preamble}\\begin{{document}}\n"
                                      "\\nocite{*}\n\\bibliographystyle{plain}\n\\bibliography{proceedings}\n\\end{document}\n")
    latex = ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "doc"]
    for command in (latex, ["bibtex", "doc"], latex):
        subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120)
    volume, _ = load(Project(hostile_site.parents[1]))
    bbl = (tmp_path / "doc.bbl").read_text("utf-8", errors="replace")
    assert bbl.count("\\bibitem") == len(volume.cited_papers)
    written = {path.name for path in tmp_path.iterdir()}
    assert written <= {"doc.tex", "proceedings.bib", "doc.aux", "doc.log", "doc.bbl", "doc.blg", "doc.pdf", "doc.out"}, written
    log = (tmp_path / "doc.log").read_text("utf-8", errors="replace")
    assert "runsystem" not in log and "root:x:0:0" not in log, "no shell command run, no file of the system read"
    assert "(/etc/hostname" not in log, "no file read by a character code's \\input"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, capsys):
    """A 'billion laughs' of a few hundred bytes: refused in well under a second, with its file named."""
    root = write_project(tmp_path / "project")
    rows = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]" for previous, name in zip("abcdefgh", "bcdefghi", strict=True)]
    (root / "papers" / "talks.yml").write_text("\n".join(rows) + "\n", "utf-8")
    assert len((root / "papers" / "talks.yml").read_bytes()) < 600
    started = time.monotonic()
    assert main(["check", str(root)]) == 1
    assert time.monotonic() - started < 10
    assert "papers/talks.yml: error: its aliases (*name) expand to more than 1,000,000 values" in capsys.readouterr().err


_LOL = '["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'


def _bomb(anchored: str, joined: str) -> str:
    """A billion laughs written otherwise: ``anchored`` places an anchor (``{name}``) before a value
    (``{value}``), ``joined`` joins the keys' entries."""
    entries = [anchored.format(name="a", value=_LOL)]
    entries += [anchored.format(name=name, value=f"[{', '.join(['*' + previous] * 9)}]")
                for previous, name in zip("abcdefgh", "bcdefghi", strict=True)]
    return joined.join(entries)


@pytest.mark.parametrize("document", [
    _bomb('"{name}":&{name} {value}', ", ").join("{}"),  # JSON's colon, no space
    _bomb("- !!seq &{name} {value}", "\n"),  # a tag before the anchor
    _bomb("{name}:\n  &{name}\n  {value}", "\n"),  # the anchor on a line of its own
    _bomb("&{name} {value}", ",").join("[]"),  # after a flow indicator, no space
])
def test_a_yaml_alias_bomb_written_otherwise_is_refused_too(tmp_path, capsys, document):
    # The aliases are counted only in a document that may hold an anchor: each way YAML reads one.
    root = write_project(tmp_path / "project")
    (root / "papers" / "talks.yml").write_text(document + "\n", "utf-8")
    assert main(["check", str(root)]) == 1
    assert "papers/talks.yml: error: its aliases (*name) expand to more than 1,000,000 values" in capsys.readouterr().err


def test_an_anchor_is_found_wherever_yaml_reads_one_and_an_ampersand_in_text_is_not_one():
    from proceedings.records.sources import _may_hold_anchors
    anchors = ["&a [1]", "x: &a 1", "-&a 1", "[&a 1]", "{x: 1,&a 2}", "x:\n  &a\n  1", "? &a x", "x:\t&a 1",
               "a\u2028&b 1", "a\u00a0&b 1"]
    assert [text for text in anchors if not _may_hold_anchors(text)] == []
    texts = ["R&D", "a & b", "&", "title: Q&A, & more", "", "x: 'AT&T'", "&[1]", "&{a}"]
    assert [text for text in texts if _may_hold_anchors(text)] == []


def test_a_csv_cell_of_spaces_is_read_at_once(tmp_path):
    """A cell of 100,000 spaces between two names took cubic time in the name-and-affiliation pattern."""
    from proceedings.model.people import person_from_text, several_people
    cell = "Ana" + " " * 100_000 + "Silva (MIT)"
    started = time.monotonic()
    several_people(cell)
    assert dict(person_from_text(cell, 1)) == {"name": "Ana" + " " * 100_000 + "Silva", "affiliation": "MIT"}
    assert time.monotonic() - started < 1
