"""The incremental path gives the same site as a cold build, and the benchmark runs end to end."""

from __future__ import annotations

import hashlib
import json
import multiprocessing.forkserver
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import psutil
import pytest

import proceedings.build as pipeline
import proceedings.inputs.pdf as pdf_module
from proceedings.cli import main
from proceedings.model.locations import Project
from proceedings.site.jupyter_book import LOG_END_READ, ReadiedRun, WrittenPages, page_titles
from proceedings.site.stamp import changed_since_last_build
from proceedings.util.files import content_signatures

import benchmark  # scripts/benchmark.py, on the path by pytest's `pythonpath` setting
from conftest import PAPERS_YML, edit_while_jupyter_book_runs, write_project

# Files whose content records when or in which order the build ran, not what the site holds (the
# zip stores each file's modification time).
_VOLATILE = (".buildinfo", "pagefind/", "proceedings-site.zip")
# Sphinx adds a cache-busting "?v=<checksum>" to a stylesheet link only once the stylesheet exists
# in the output, so a first build lacks some that later builds have; the page is the same.
_CACHE_BUSTER = re.compile(rb"\?v=[0-9a-f]{8}")


def _digest(data: bytes) -> str:
    return hashlib.sha256(_CACHE_BUSTER.sub(b"", data)).hexdigest()


def _site(root: Path) -> dict[str, str]:
    site = (root / "_build" / "html").resolve()
    return {path.relative_to(site).as_posix(): _digest(path.read_bytes())
            for path in sorted(site.rglob("*")) if path.is_file()
            and not path.relative_to(site).as_posix().startswith(_VOLATILE)}


def _site_zip(root: Path) -> dict[str, str]:
    with zipfile.ZipFile(root / "_build" / "html" / "proceedings-site.zip") as archive:
        assert archive.testzip() is None
        return {name: _digest(archive.read(name)) for name in archive.namelist()
                if not name.removeprefix("proceedings-site/").startswith(_VOLATILE)}


def test_rebuild_after_an_edit_equals_a_cold_build(tmp_path):
    warm = write_project(tmp_path / "warm")
    assert main(["build", str(warm)]) == 0
    accepted = warm / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("Short.", "Short, and edited."), "utf-8")
    assert main(["build", str(warm)]) == 0
    cold = tmp_path / "cold"
    shutil.copytree(warm, cold, ignore=shutil.ignore_patterns("_build", "papers", "tracks", "people", "program", "talks"))
    shutil.copytree(warm / "papers", cold / "papers", dirs_exist_ok=True)
    assert main(["build", str(cold)]) == 0
    warm_site, cold_site = _site(warm), _site(cold)
    assert warm_site.keys() == cold_site.keys()
    assert [name for name in warm_site if warm_site[name] != cold_site[name]] == []
    # The offline zip, remade from the previous one, holds the same files as one made from scratch.
    assert _site_zip(warm) == _site_zip(cold) and len(_site_zip(warm)) > 50


def test_jupyter_book_runs_only_when_the_book_changed(tmp_path, capsys):
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = (root / "_build" / "html").resolve()
    workshop = root / "papers" / "workshop.yml"
    workshop.write_text(workshop.read_text("utf-8") + "# A comment changes the file, not the volume.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    assert "Jupyter Book had nothing to do" in capsys.readouterr().out
    assert (root / "_build" / "html").resolve() == site, "an unchanged site is not published again"
    preface = root / "book" / "preface.md"
    preface.write_text(preface.read_text("utf-8") + "\nA sentence added by hand.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    assert "nothing to do" not in capsys.readouterr().out
    assert "A sentence added by hand." in (root / "_build" / "html" / "book" / "preface.html").read_text("utf-8")
    newest = (root / "_build" / "html").resolve()
    assert site.exists(), "the previous snapshot stays until the next one is published"
    preface.write_text(preface.read_text("utf-8") + "\nAnother sentence.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    assert not site.exists() and newest.exists(), "then the one before it goes"


def test_benchmark_runs_at_30_papers(tmp_path, shared_data, capsys):
    size = benchmark.measure(30, tmp_path, pages=2, baseline=True, runs=1)
    assert set(size.rebuilds) == {"no-op", "edit abstract", "add paper", "replace PDF"}
    # An edit built by `proceedings serve`: its time from the save, and the stages of its build.
    assert size.served.seconds > size.served.stages["sphinx"] > 0 and size.served.stages["pages"] >= 0
    assert size.cold.stages["sphinx"] > 0 and size.cold.peak_rss > 0 and size.baseline.seconds > 0
    assert set(size.sphinx) == {"cold", "no-op", "edit abstract"} and all(run.seconds > 0 for run in size.sphinx.values())
    # The CPU of every process the build ran: more than the command's own (Sphinx, Pagefind, the
    # PDF workers run apart), and less than all cores could give in its time.
    for run in [size.cold, *size.rebuilds.values(), *size.sphinx.values()]:
        assert 0 < run.cpu < run.seconds * (os.cpu_count() or 1) * 1.1, run
    assert size.cold.cpu > size.cold.stages["sphinx"] * 0.5
    targets = benchmark.report([size], benchmark.shipped_cold_build(tmp_path, runs=1))
    output = capsys.readouterr().out
    assert "Cold build" in output and "Baseline at N = 30" in output
    assert "Against plain Sphinx on the same papers" in output and "The shipped archive, cold:" in output
    assert "edit, served" in output and any("edit abstract under `serve`" in text for text, _ in targets)
    assert "CPU of every process of the build" in output and "plain Sphinx -j 2: cold" in output
    assert size.after_removal.seconds > 0 and "Cold, right after rm -rf _build" in output
    assert size.apa_whole > size.apa_framed > 0 and "APA references, empty cache, one core" in output
    # What earlier steps built is moved aside while builds are timed, and removed at the end.
    assert sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "discarded").iterdir()) == ["n30-baseline", "n30-plain-sphinx"]
    benchmark.remove_discarded(tmp_path)
    assert not (tmp_path / "discarded").exists()
    # The baseline is the project's own table of contents with every paper in it, every page still listed.
    assert "isn't included in any toctree" not in size.baseline.warnings
    project = benchmark.make_project(3, tmp_path, pages=1, name="baseline")
    benchmark.global_toc_baseline(project)
    toc = (project.root / "_toc.yml").read_text("utf-8")
    assert [line.strip() for line in toc.splitlines() if "book/papers/p" in line] == [
        f"- file: book/papers/p{i:05d}" for i in range(3)]
    assert all(page in toc for page in ("book/preface", "book/tracks/*", "book/people/authors"))
    assert len(targets) >= 8 and all(text.startswith(("N=30", "shipped")) for text, _ in targets)


def test_the_benchmark_times_ours_and_plain_sphinx_in_pairs_whose_first_alternates():
    """So that both are timed in the same minutes of a shared machine, neither always first."""
    calls = []

    def timed(who, seconds):
        def one_run(index):
            calls.append((who, index))
            return benchmark.Run(seconds[index], {})
        return one_run

    ours, theirs = benchmark.alternated(3, timed("ours", [3.0, 1.0, 2.0]), timed("sphinx", [0.5, 0.7, 0.6]))
    assert calls == [("ours", 0), ("sphinx", 0), ("sphinx", 1), ("ours", 1), ("ours", 2), ("sphinx", 2)]
    assert (ours.seconds, theirs.seconds) == (2.0, 0.6)


def test_the_benchmark_counts_the_cpu_of_the_processes_started_while_it_samples():
    """Not the CPU of a process started before (a fork server an earlier test left), which made a
    short build's CPU time larger than its cores could give."""
    burn = "import time\nstart = time.process_time()\nwhile time.process_time() - start < {}: pass\ntime.sleep({})"
    earlier = subprocess.Popen([sys.executable, "-c", burn.format(0.6, 30)])
    try:
        time.sleep(1.0)  # it has burned its 0.6 s and sleeps
        tree = benchmark._ProcessTree()
        sampler = threading.Thread(target=tree.sample)
        sampler.start()
        subprocess.run([sys.executable, "-c", burn.format(0.4, 0.3)], check=True)
        tree.stop.set()
        sampler.join()
    finally:
        earlier.kill()
        earlier.wait()
    assert 0.3 < sum(tree.cpu.values()) < 0.9, tree.cpu


def test_plain_sphinx_pages_hold_each_paper(tmp_path, shared_data):
    """The floor the benchmark compares with: a page per paper with its title, authors, abstract and
    BibTeX, which Sphinx builds without a warning."""
    records = benchmark.miniconf_records(5)
    source = benchmark.plain_sphinx_project(records, tmp_path / "plain")
    run = benchmark.timed_sphinx(source)
    page = (tmp_path / "plain" / "html" / "papers" / "p00003.html").read_text("utf-8")
    assert run.seconds > 0
    assert all(text in page for text in (records[3]["authors"][0]["name"], "@inproceedings", "p00003"))
    assert records[3]["abstract"].split()[0] in page


def test_a_new_version_of_the_tool_rewrites_every_page_and_static_file(tmp_path):
    """Pages and static files written by an older version of our extension are replaced, though no
    source changed (Sphinx alone writes only changed pages, and copies static files only then)."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    work_html = root / "_build" / ".proceedings" / "work" / "_build" / "html"
    stamp = root / "_build" / ".proceedings" / "work" / "jupyter-book-inputs.json"
    old_css, old_page = work_html / "_static" / "proceedings.css", work_html / "book" / "preface.html"
    old_css.write_text("/* an older version */", "utf-8")
    old_page.write_text(old_page.read_text("utf-8").replace("</body>", "<!-- older --></body>"), "utf-8")
    inputs = json.loads(stamp.read_text("utf-8"))
    inputs["extension"]["sphinxext/static/proceedings.css"] = [0, 0]
    stamp.write_text(json.dumps(inputs), "utf-8")
    assert main(["build", str(root)]) == 0
    site = root / "_build" / "html"
    assert (site / "_static" / "proceedings.css").read_text("utf-8").startswith("/* Citations wrap")
    assert "<!-- older -->" not in (site / "book" / "preface.html").read_text("utf-8")


def test_a_build_with_nothing_changed_stops_once_the_inputs_are_signed(tmp_path, monkeypatch, capsys):
    """Nothing is regenerated when nothing the build reads changed; any change (a hand-written page,
    a paper's PDF, an option, the site's snapshot gone) builds again."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = _site(root)
    calls = []
    original = pipeline.write_pages
    monkeypatch.setattr(pipeline, "write_pages", lambda *args: calls.append(1) or original(*args))
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out and calls == []
    assert _site(root) == site
    changes = [lambda: (root / "book" / "preface.md").write_text("# Preface\n\nHello again.\n", "utf-8"),
               lambda: shutil.copy(root / "papers" / "pdf" / "paper-two.pdf", root / "papers" / "pdf" / "paper-one.pdf"),
               lambda: None,  # with --no-volume-pdf below
               lambda: shutil.rmtree((root / "_build" / "html").resolve())]
    for number, change in enumerate(changes):
        change()
        options = ["--no-volume-pdf"] if number == 2 else []
        assert main(["build", str(root), *options]) == 0
        assert "Nothing changed" not in capsys.readouterr().out and len(calls) == number + 1, number
    assert "Hello again." in (root / "_build" / "html" / "book" / "preface.html").read_text("utf-8")


def test_a_build_with_nothing_changed_shows_the_last_checks_findings_without_loading_the_inputs(tmp_path, monkeypatch,
                                                                                                  capsys):
    """The same inputs read by the same code give the same findings: a build with nothing changed
    shows those the last build recorded, Jupyter Book's warnings too (a trial saw one go, and the
    count drop), as they were, and reads no record (the load and checks were 1.3 s of a 2.3 s no-op
    at 1,000 papers). A record it cannot read is checked again."""
    root = write_project(tmp_path / "project", papers=PAPERS_YML.replace("name: Łucja Wróbel", "name: Łucja Wróbel*"))
    (root / "book" / "preface.md").write_text("# Preface\n\n```{foo}\nbar\n```\n", "utf-8")  # Jupyter Book's too
    assert main(["build", str(root)]) == 0
    first = capsys.readouterr().err
    assert "holds a footnote mark" in first and "0 error(s), 5 warning(s)" in first, first
    assert "book/preface.md:3: warning: Jupyter Book: Unknown directive type: 'foo'" in first
    loads = []
    original = pipeline.load
    monkeypatch.setattr(pipeline, "load", lambda *args, **kwargs: loads.append(1) or original(*args, **kwargs))
    assert main(["build", str(root)]) == 0
    output = capsys.readouterr()
    assert "Nothing changed since the last build" in output.out and loads == []
    assert output.err == first
    stamp = root / "_build" / ".proceedings" / "work" / "build-inputs.json"
    recorded = json.loads(stamp.read_text("utf-8"))
    for damaged in ({"severity": "fatal"}, "not a list", None):
        stamp.write_text(json.dumps({**recorded, "found": [damaged]}), "utf-8")
        assert main(["build", str(root)]) == 0
        output = capsys.readouterr()
        checked = [line for line in first.splitlines() if line.startswith("papers/")]
        assert checked and set(checked) <= set(output.err.splitlines()), output.err
        assert "Nothing changed since the last build" not in output.out
        assert len(loads) == 1, "checked again, then built: the pages are those of the inputs"
        loads.clear()
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out and loads == []


def test_a_build_with_nothing_changed_checks_again_what_its_signed_inputs_do_not_hold(tmp_path, monkeypatch, capsys):
    """The findings a no-op shows are recorded ones only where their inputs are signed: a page put in
    a folder the build writes while it ran, a Sphinx extension no longer installed, and a PDF that
    became a link to a file outside papers/ are found again (the no-op said the site was up to date)."""
    import importlib

    root = write_project(tmp_path / "project")
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "organizers_ext.py").write_text("def setup(app):\n    return {'parallel_read_safe': True}\n", "utf-8")
    monkeypatch.syspath_prepend(str(modules))
    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace("    - proceedings.sphinxext\n",
                                                        "    - proceedings.sphinxext\n    - organizers_ext\n"), "utf-8")
    undo = edit_while_jupyter_book_runs(monkeypatch, lambda: (root / "book" / "papers" / "mine.md").write_text("# A page of mine\n"))
    assert main(["build", str(root)]) == 0
    undo()
    capsys.readouterr()
    assert main(["build", str(root)]) == 1
    assert "book/papers/mine.md: error: hand-written page inside book/papers/" in capsys.readouterr().err
    (root / "book" / "papers" / "mine.md").unlink()
    assert main(["build", str(root)]) == 0
    capsys.readouterr()

    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if entry != str(modules)])
    importlib.invalidate_caches()
    assert main(["build", str(root)]) == 1
    assert "'organizers_ext' is no Python module" in capsys.readouterr().err
    config.write_text(config.read_text("utf-8").replace("    - organizers_ext\n", ""), "utf-8")
    assert main(["build", str(root)]) == 0
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out

    pdf = root / "papers" / "pdf" / "paper-one.pdf"
    outside = tmp_path / "elsewhere.pdf"
    pdf.rename(outside)
    pdf.symlink_to(outside)
    os.utime(pdf, (outside.stat().st_atime, outside.stat().st_mtime), follow_symlinks=False)
    assert main(["build", str(root)]) == 1
    assert "is a link to a file outside papers/" in capsys.readouterr().err


def test_a_build_with_nothing_changed_puts_back_what_was_removed_or_changed_in_the_published_site(tmp_path, capsys):
    """A trial deleted a page from ``_build/html`` and built: "Nothing changed since the last build:
    the site is up to date", and the page stayed missing. The published site's files are part of
    what a build with nothing changed compares: one removed or changed by hand is put back."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out
    assert main(["build", str(root)]) == 0  # recorded again by the build that changed nothing
    assert "Nothing changed since the last build" in capsys.readouterr().out
    site = root / "_build" / "html"
    page = site / "book" / "papers" / "paper-one.html"
    built = page.read_bytes()
    page.unlink()
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" not in capsys.readouterr().out
    assert page.read_bytes() == built
    with page.open("ab") as written:  # in place: the published snapshot's own copy
        written.write(b"<script>changed by hand</script>")
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" not in capsys.readouterr().out
    assert page.read_bytes() == built
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out


def test_files_touched_or_saved_without_a_change_are_not_changes(tmp_path, monkeypatch, capsys):
    """An editor saving a file as it was, a checkout, or a copy without times changes a file's time,
    not its contents: nothing is regenerated, and Jupyter Book is not run (a new time on the table
    of contents ran it on every page). A change of contents under the same size and time is not
    looked for, as with make."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = _site(root)
    touched = [root / "papers" / "accepted.yml", root / "papers" / "pdf" / "paper-one.pdf", root / "_toc.yml",
               root / "_config.yml", root / "book" / "preface.md"]
    later = time.time() + 60
    for path in touched:
        os.utime(path, (later, later))
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out
    assert _site(root) == site
    stamp = json.loads((root / "_build" / ".proceedings" / "work" / "build-inputs.json").read_text("utf-8"))
    assert stamp["papers"]["accepted.yml"][1] == os.stat(root / "papers" / "accepted.yml").st_mtime_ns, \
        "the new times are recorded: the files are not read again at the next build"
    # A page saved as it was while a paper changed: Jupyter Book runs for the paper's page only.
    calls = []
    original = pipeline.run_jupyter_book
    monkeypatch.setattr(pipeline, "run_jupyter_book", lambda project, run, *rest: calls.append(run.argv) or original(project, run, *rest))
    os.utime(root / "_toc.yml", (later + 60, later + 60))
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("abstract: ", "abstract: Changed. ", 1), "utf-8")
    assert main(["build", str(root)]) == 0
    assert len(calls) == 1 and "--all" not in calls[0], calls
    assert "Changed." in "".join(path.read_text("utf-8") for path in (root / "_build/html/book/papers").glob("*.html"))


def test_a_build_hashes_again_only_the_pdfs_that_changed(tmp_path, monkeypatch):
    """A PDF's facts are found by its contents' digest, which the build's record of its inputs keeps by
    size and time: a build reads a PDF whole again only when it changed, and once (at 2 MB a paper,
    hashing a thousand papers' PDFs took a second of every build, a no-op's too)."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    hashed: list[str] = []
    original = pdf_module.file_hash
    monkeypatch.setattr(pdf_module, "file_hash", lambda path: hashed.append(path.name) or original(path))
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("abstract: ", "abstract: Changed. ", 1), "utf-8")
    assert main(["build", str(root)]) == 0
    assert hashed == []
    shutil.copy(root / "papers" / "pdf" / "paper-two.pdf", root / "papers" / "pdf" / "paper-one.pdf")
    assert main(["build", str(root)]) == 0
    assert hashed == []  # by the record of the inputs, which found it changed
    page = (root / "_build" / "html" / "book" / "papers" / "paper-one.html").read_text("utf-8")
    assert "Only the paper-two PDF says zanzibar quokka." in page  # the new PDF's facts and text
    assert main(["check", str(root)]) == 0 and hashed == []  # check too, by the last build's record


def test_a_pdf_replaced_as_the_volume_reads_it_is_named_as_changed_without_a_traceback(tmp_path, monkeypatch, capsys):
    """A new-user trial cut a PDF while the volume PDF's process read it: pikepdf's error ended the
    build in a traceback. It is named as a change made while the build ran, as the others are."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = (root / "_build" / "html").resolve()
    pdf = root / "papers" / "pdf" / "paper-one.pdf"
    original = pipeline.start_volume_pdf

    def cut_first(*args):
        pdf.write_bytes(b"%PDF-1.4\n%the start of a copy\n")  # as the volume's process opens it: pikepdf cannot recover it
        return original(*args)
    monkeypatch.setattr(pipeline, "start_volume_pdf", cut_first)
    (root / "book" / "preface.md").write_text("# Preface\n\nA preface the volume shows.\n", "utf-8")
    capsys.readouterr()
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err
    assert "papers/pdf/paper-one.pdf changed while this build ran" in err and "Traceback" not in err
    assert (root / "_build" / "html").resolve() == site


def test_a_volume_pdf_that_cannot_be_made_is_a_build_error_and_publishes_nothing(tmp_path, monkeypatch, capsys):
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = (root / "_build" / "html").resolve()

    def failing(*_):
        def made():
            raise RuntimeError("unable to find trailer dictionary")
        return made
    monkeypatch.setattr(pipeline, "start_volume_pdf", failing)
    (root / "book" / "preface.md").write_text("# Preface\n\nA change to build.\n", "utf-8")
    capsys.readouterr()
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err
    assert "the volume PDF could not be made (RuntimeError: unable to find trailer dictionary)" in err
    assert "Traceback" not in err and (root / "_build" / "html").resolve() == site


def test_a_hand_written_page_edited_while_sphinx_runs_is_not_published_as_built_and_the_next_build_builds_it(
        tmp_path, monkeypatch, capsys):
    # A trial's finding: the edit was recorded as read, so the next build said "Nothing changed" and
    # the site kept the page as it was (a `touch` did not help either).
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = (root / "_build" / "html").resolve()
    welcome = root / "book" / "welcome.md"
    original = pipeline.run_jupyter_book

    def edited_meanwhile(*args):
        diagnostics = original(*args)  # Sphinx has read the page as it was
        welcome.write_text(welcome.read_text("utf-8").replace("# Test workshop", "# Test workshop, edited"), "utf-8")
        return diagnostics
    monkeypatch.setattr(pipeline, "run_jupyter_book", edited_meanwhile)
    (root / "book" / "preface.md").write_text("# Preface\n\nA change to build.\n", "utf-8")
    capsys.readouterr()
    assert main(["build", str(root)]) == 1
    assert "book/welcome.md changed while this build ran" in capsys.readouterr().err
    assert (root / "_build" / "html").resolve() == site
    monkeypatch.setattr(pipeline, "run_jupyter_book", original)
    assert main(["build", str(root)]) == 0
    assert "Nothing changed" not in capsys.readouterr().out
    assert "Test workshop, edited" in (root / "_build" / "html" / "book" / "welcome.html").read_text("utf-8")
    assert "A change to build." in (root / "_build" / "html" / "book" / "preface.html").read_text("utf-8")


def test_a_page_changed_and_changed_back_while_sphinx_runs_is_built_again(tmp_path, monkeypatch, capsys):
    # The reviewer's case: Sphinx read the page as B, it was saved back as A before the inputs were
    # read again; compared by contents, nothing had changed, and the site kept B.
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    welcome = root / "book" / "welcome.md"
    text = welcome.read_text("utf-8")
    original = pipeline.run_jupyter_book

    def changed_and_back(*args):
        welcome.write_text(text.replace("# Test workshop", "# Test workshop B"), "utf-8")
        diagnostics = original(*args)
        welcome.write_text(text, "utf-8")
        return diagnostics
    monkeypatch.setattr(pipeline, "run_jupyter_book", changed_and_back)
    (root / "book" / "preface.md").write_text("# Preface\n\nA change to build.\n", "utf-8")
    assert main(["build", str(root)]) == 1
    assert "book/welcome.md changed while this build ran" in capsys.readouterr().err
    monkeypatch.setattr(pipeline, "run_jupyter_book", original)
    assert main(["build", str(root)]) == 0
    assert "nothing to do" not in capsys.readouterr().out
    page = (root / "_build" / "html" / "book" / "welcome.html").read_text("utf-8")
    assert "Test workshop B" not in page and "Test workshop" in page


def test_an_editor_s_swap_file_rewritten_while_a_build_runs_does_not_stop_it(tmp_path, monkeypatch):
    # vim rewrites its swap file as the buffer changes: taken for an input, it stopped the build.
    root = write_project(tmp_path / "project")
    original = pipeline.run_jupyter_book

    def editing(*args):
        for name in ("papers/.accepted.yml.swp", "book/#welcome.md#", "papers/accepted.yml~", "notes.log"):
            (root / name).write_text(f"editing {time.time()}", "utf-8")
        return original(*args)
    monkeypatch.setattr(pipeline, "run_jupyter_book", editing)
    assert main(["build", str(root)]) == 0
    monkeypatch.setattr(pipeline, "run_jupyter_book", original)
    (root / "notes.log").write_text("a log written since", "utf-8")
    assert changed_since_last_build(Project(root)) == []


def test_an_input_changed_while_a_build_runs_is_not_published_and_the_next_build_builds_it(tmp_path, monkeypatch, capsys):
    """An edit, or a PDF being copied in, while a build runs may be in its site half (a PDF cut short,
    its page count from before): the build names what changed, publishes nothing, and exits 1; the
    next build builds it."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = (root / "_build" / "html").resolve()
    accepted, pdf = root / "papers" / "accepted.yml", root / "papers" / "pdf" / "paper-one.pdf"
    original = pipeline.run_jupyter_book

    def edited_meanwhile(*args):
        accepted.write_text(accepted.read_text("utf-8").replace("title: \"A Tiny Idea\"", "title: \"A Tiny Idea, Edited\""), "utf-8")
        pdf.write_bytes(pdf.read_bytes()[:300])  # a copy half-way
        return original(*args)
    monkeypatch.setattr(pipeline, "run_jupyter_book", edited_meanwhile)
    (root / "book" / "preface.md").write_text("# Preface\n\nA change to build.\n", "utf-8")
    capsys.readouterr()
    assert main(["build", str(root)]) == 1
    assert "papers/accepted.yml, papers/pdf/paper-one.pdf changed while this build ran" in capsys.readouterr().err
    assert (root / "_build" / "html").resolve() == site and not list(site.parent.glob(".*"))
    runs = []

    def recorded(project, run, *args):
        runs.append(run.argv)
        return original(project, run, *args)
    monkeypatch.setattr(pipeline, "run_jupyter_book", recorded)
    shutil.copy(root / "papers" / "pdf" / "paper-two.pdf", pdf)  # the copy has ended
    assert main(["build", str(root)]) == 0
    assert "Nothing changed" not in capsys.readouterr().out
    # Only files of papers/ changed: Sphinx reads again the pages they changed, not every page (a
    # trial's second save while `serve` built the first cost 20 s at 1,701 papers instead of 3).
    assert len(runs) == 1 and "--all" not in runs[0]
    assert "A Tiny Idea, Edited" in (root / "_build" / "html" / "book" / "papers" / "paper-two.html").read_text("utf-8")
    assert (root / "_build" / "html" / "book" / "papers" / "paper-one.pdf").read_bytes() == pdf.read_bytes()


def test_an_input_changed_once_every_input_was_read_is_built_by_the_next_build(tmp_path, monkeypatch, capsys):
    """The inputs are read again once Sphinx, the files beside the pages and the volume PDF have
    read them: an edit made later, while the site is zipped and published, is not in that site, and
    the build records the reading from before it, so that the next build builds it."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    accepted = root / "papers" / "accepted.yml"
    original = pipeline.changed_sources

    def edited_meanwhile(*args):
        accepted.write_text(accepted.read_text("utf-8").replace("title: \"A Tiny Idea\"", "title: \"A Tiny Idea, Edited\""), "utf-8")
        return original(*args)
    monkeypatch.setattr(pipeline, "changed_sources", edited_meanwhile)
    (root / "book" / "preface.md").write_text("# Preface\n\nA change to build.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    assert "A Tiny Idea, Edited" not in (root / "_build" / "html" / "book" / "papers" / "paper-two.html").read_text("utf-8")
    monkeypatch.setattr(pipeline, "changed_sources", original)
    capsys.readouterr()
    assert main(["build", str(root)]) == 0
    assert "Nothing changed" not in capsys.readouterr().out
    assert "A Tiny Idea, Edited" in (root / "_build" / "html" / "book" / "papers" / "paper-two.html").read_text("utf-8")


def _linking(root: Path, target: str) -> set[str]:
    """The site's pages (and the zip's copies of them) that link to the page ``target``."""
    site = root / "_build" / "html"
    pattern = re.compile(rf'href="[^"]*\b{re.escape(target)}[#"]')
    pages = {path.relative_to(site).as_posix() for path in site.rglob("*.html") if pattern.search(path.read_text("utf-8"))}
    with zipfile.ZipFile(site / "proceedings-site.zip") as archive:
        zipped = {name.split("/", 1)[1] for name in archive.namelist()
                  if name.endswith(".html") and pattern.search(archive.read(name).decode("utf-8"))}
    return pages | zipped


def test_a_page_added_renamed_and_removed_in_the_table_of_contents_reaches_every_page(tmp_path):
    """Every page's sidebar and previous/next links list the table of contents by title, but Sphinx
    rewrites only changed pages: a new or removed entry, or a listed page's new title, rebuilds all."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    toc = root / "_toc.yml"
    listed = toc.read_text("utf-8")
    (root / "book" / "venue.md").write_text("# Venue information\n\nRio de Janeiro.\n", "utf-8")
    toc.write_text(listed.replace("      - file: book/preface\n", "      - file: book/preface\n      - file: book/venue\n"), "utf-8")
    assert main(["build", str(root)]) == 0
    every_page = {"book/preface.html", "book/papers/paper-one.html", "book/papers/index.html", "book/people/committee.html"}
    assert every_page <= _linking(root, "venue.html")
    committee = (root / "_build" / "html" / "book" / "people" / "committee.html").read_text("utf-8")
    assert re.search(r'class="left-prev"[^>]*href="[^"]*venue\.html"', committee.replace("\n", " "))

    (root / "book" / "venue.md").write_text("# Getting to the venue\n\nRio de Janeiro.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    assert "Getting to the venue" in (root / "_build" / "html" / "book" / "papers" / "paper-one.html").read_text("utf-8")

    (root / "book" / "venue.md").unlink()
    toc.write_text(listed, "utf-8")
    assert main(["build", str(root)]) == 0
    assert _linking(root, "venue.html") == set()


def _wait_for_file(path: Path, seconds: float = 60) -> None:
    """Return once ``path`` is there, looking every 5 ms, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.005)


def test_an_interrupted_build_says_so_and_leaves_the_last_site(tmp_path):
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    site = _site(root)
    (root / "book" / "preface.md").write_text("# Preface\n\nHello again.\n", "utf-8")
    build = subprocess.Popen([sys.executable, "-m", "proceedings", "build", str(root)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert build.stdout is not None
    # Interrupted once Jupyter Book runs (its marker is there meanwhile): a second after the pages were
    # written, as this test waited before, a fast machine's build had ended.
    for line in build.stdout:
        if "page(s) updated" in line:
            _wait_for_file(Project(root).work / "BUILDING")
            build.send_signal(signal.SIGINT)
            break
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 130, stderr
    assert "Interrupted." in stderr and "Traceback" not in stderr
    assert _site(root) == site  # the site published last, complete and untouched
    assert main(["build", str(root)]) == 0
    assert "Hello again." in (root / "_build" / "html" / "book" / "preface.html").read_text("utf-8")


def _hearing_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as in a terminal; a shell's background job ignores it


def _wait_for_library(pid: int, name: str) -> None:
    """Until the process has loaded a shared library whose path holds ``name``."""
    deadline = time.monotonic() + 60
    while name not in Path(f"/proc/{pid}/maps").read_text() and time.monotonic() < deadline:
        time.sleep(0.01)


def _processes_in_group(group: int) -> list[str]:
    """The processes of ``group`` still running (an ended one its parent has not reaped holds nothing)."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            if os.getpgid(process.pid) == group and process.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(" ".join(process.info["cmdline"] or []))
        except (ProcessLookupError, psutil.Error):
            pass
    return found


@pytest.mark.parametrize("moment", ["importing", "first stage", "sphinx"])
def test_ctrl_c_to_the_whole_command_stops_every_process_without_a_traceback(tmp_path, moment):
    """A terminal's Ctrl-C reaches every process of the command: the PDF facts and preview workers,
    the volume's process, the fork server and Jupyter Book's process. Only the command answers."""
    root = write_project(tmp_path / "project")
    command = Path(sys.executable).with_name("proceedings")  # the console script, as organizers run it
    build = subprocess.Popen([str(command), "build", str(root)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_hearing_sigint)
    assert build.stdout is not None
    if moment == "importing":
        _wait_for_library(build.pid, "pdfium")  # loaded while the command line is imported, after the handler
    else:
        for line in build.stdout:
            if moment == "first stage" or "page(s) updated" in line:
                break
        if moment == "sphinx":  # Jupyter Book runs (its marker is there meanwhile), the files are made beside it
            _wait_for_file(Project(root).work / "BUILDING")
    os.killpg(build.pid, signal.SIGINT)
    stdout, stderr = build.communicate(timeout=120)
    assert build.returncode == 130, stderr
    assert "Interrupted." in stderr and "Traceback" not in stdout + stderr, stderr
    deadline = time.monotonic() + 10
    while (left := _processes_in_group(build.pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left


def test_how_far_sphinx_has_written_is_the_last_name_written_whole_however_long_the_log(tmp_path):
    """The threads that follow Sphinx's writing ask often, and read the log's end only."""
    project = Project(tmp_path)
    project.work.mkdir(parents=True)
    written = WrittenPages(project)
    assert written.current() is None  # not begun
    names = [f"book/papers/p{number:05}" for number in range(1000)]  # 19 kB: its end is read
    written.log.write_text("".join(f"{name}\n" for name in names) + "book/papers/p010", "utf-8")
    assert written.current() == "book/papers/p00999"  # not the name still being written
    written.log.write_text(f"book/a\n{'book/' + 'x' * 5000}\nbook/papers/p", "utf-8")
    assert written.current() == "book/" + "x" * 5000  # longer than the end read: read whole
    # A name's characters cut where the end read begins, and the last name written half-way through one.
    head = "é" * (LOG_END_READ // 2)
    written.log.write_bytes(f"{head}\nbook/é\nbook/ü\n".encode() + "book/ß".encode()[:-1])
    assert written.current() == "book/ü"
    assert WrittenPages(project).current() is None  # a new run's: the last run's log is removed


def test_page_titles_are_those_of_the_pages_a_table_of_contents_may_list(tmp_path):
    book = tmp_path / "book"
    (book / "papers").mkdir(parents=True)
    (book / "welcome.md").write_text("# Welcome\n\nText.\n## Not the title\n", "utf-8")
    (book / "venue.md").write_text("---\ntitle_note: x\n---\n\nIntro.\n\n# Getting there\n", "utf-8")
    (book / "papers" / "p1.md").write_text("---\n# Generated\norphan: true\n---\n% proceedings: {}\n\n# A paper\n", "utf-8")
    (book / "old.md").write_text("---\norphan: True\n---\n# Kept out\n", "utf-8")
    (book / "notes.ipynb").write_text("{}", "utf-8")
    (book / "levels.rst").write_text("Levels\n======\n", "utf-8")
    (book / "part.md").write_text("```python\n# a comment\n```\n\n## A part's title\n", "utf-8")
    (book / "setext.md").write_text("---\n\nPlain\nSetext\n======\n\n# Later\n", "utf-8")
    cells = [{"cell_type": "code", "source": "# a comment, not a heading"},
             {"cell_type": "markdown", "source": ["Intro.\n", "# Notebook title\n", "## Part\n"]}]
    (book / "analysis.ipynb").write_text(json.dumps({"cells": cells}), "utf-8")
    signatures = content_signatures(book)
    titles = page_titles(book, signatures)
    # A notebook's title is its first heading; a page whose title is not read here stands by its
    # contents' digest (not its size and time: a touched notebook had every page read again).
    # Sphinx titles a page by its first section, of any level; a "# " line in code is no heading.
    assert titles == {"welcome.md": "Welcome", "venue.md": "Getting there", "analysis.ipynb": "Notebook title",
                      "part.md": "A part's title", "setext.md": "Plain Setext",
                      "notes.ipynb": signatures["notes.ipynb"][-1], "levels.rst": signatures["levels.rst"][-1]}


def test_a_notebook_touched_or_edited_below_its_title_keeps_its_title(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    notebook = {"cells": [{"cell_type": "markdown", "source": "# Results"}, {"cell_type": "code", "source": "print(1)"}]}
    (book / "results.ipynb").write_text(json.dumps(notebook), "utf-8")
    (book / "levels.rst").write_text("Levels\n======\n", "utf-8")
    last = {"book": content_signatures(book)}
    last["navigation"] = {"titles": page_titles(book, last["book"])}
    os.utime(book / "results.ipynb", ns=(1, 1))
    os.utime(book / "levels.rst", ns=(1, 1))
    assert page_titles(book, content_signatures(book, last["book"]), last) == last["navigation"]["titles"]
    notebook["cells"][1]["source"] = "print(2)"
    (book / "results.ipynb").write_text(json.dumps(notebook), "utf-8")
    assert page_titles(book, content_signatures(book, last["book"]), last) == last["navigation"]["titles"]
    notebook["cells"][0]["source"] = "# Results, revised"
    (book / "results.ipynb").write_text(json.dumps(notebook), "utf-8")
    assert page_titles(book, content_signatures(book, last["book"]), last)["results.ipynb"] == "Results, revised"


def test_a_page_read_by_the_last_build_keeps_its_title_unread_until_its_contents_change(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "welcome.md").write_text("# Welcome\n", "utf-8")
    (book / "paper.md").write_text("---\norphan: true\n---\n# A paper\n", "utf-8")
    # The title the last build read is kept, not read again (a title the file does not hold shows it).
    last = {"book": content_signatures(book), "navigation": {"titles": {"welcome.md": "What the last build read"}}}
    os.utime(book / "paper.md", ns=(1, 1))  # touched: another time, the same contents
    assert page_titles(book, content_signatures(book, last["book"]), last) == {"welcome.md": "What the last build read"}
    (book / "welcome.md").write_text("# Welcome, all\n", "utf-8")  # its contents changed: read
    (book / "paper.md").write_text("# No longer an orphan\n", "utf-8")
    assert page_titles(book, content_signatures(book, last["book"]), last) == {
        "welcome.md": "Welcome, all", "paper.md": "No longer an orphan"}


def test_a_ctrl_c_once_the_command_has_finished_leaves_its_exit_status_alone():
    # The trial's Ctrl-C just after "Built in": the finished build ended by SIGINT, without a word.
    program = ("import os, signal\n"
               "import proceedings.cli\n"
               "proceedings.cli.main = lambda: 3  # a command that finished, with its own status\n"
               "from proceedings.__main__ import main\n"
               "status = main()\n"
               "os.kill(os.getpid(), signal.SIGINT)\n"
               "print('finished', status)\n"
               "raise SystemExit(status)\n")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (3, "finished 3\n", "")


def _broken_anchors(root: Path) -> list[str]:
    """The links of the site's pages to an anchor that the page they name does not hold."""
    site = (root / "_build" / "html").resolve()
    broken = []
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#:]+\.html)#([^"]+)"', page.read_text("utf-8")):
            target = (page.parent / href[0]).resolve()
            if not target.is_file() or f'id="{href[1]}"' not in target.read_text("utf-8"):
                broken.append(f"{page.relative_to(site)} -> {href[0]}#{href[1]}")
    return broken


def test_pages_linking_to_what_moved_are_written_again(tmp_path):
    """Sphinx writes again only the pages whose source changed: the paper pages, unchanged, kept
    links to the author index's anchors after it split into a page per letter (and back), and a
    hand-written page kept a retitled paper's old title. Both are written again, as a fresh build
    writes them."""
    root = write_project(tmp_path / "project")
    preface = root / "book" / "preface.md"
    preface.write_text(preface.read_text("utf-8") + "\nSee [](papers/paper-two.md).\n", "utf-8")
    assert main(["build", str(root)]) == 0
    for options in (["--index-page-limit", "1"], []):
        assert main(["build", *options, str(root)]) == 0
        assert _broken_anchors(root) == []
        assert bool(list((root / "_build" / "html" / "book" / "people").glob("authors-*.html"))) == bool(options)
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace('title: "A Tiny Idea"', 'title: "A Tiny Idea, Retitled"'), "utf-8")
    assert main(["build", str(root)]) == 0
    assert "A Tiny Idea, Retitled" in (root / "_build" / "html" / "book" / "preface.html").read_text("utf-8")


def test_the_site_s_front_door_follows_the_root_page_when_it_changes(tmp_path):
    # sphinx-external-toc writes index.html's redirect only where there is none: after `root:` moved
    # to a renamed page, the published site (and its zip) still sent readers to the old one, a 404.
    root = write_project(tmp_path / "p")
    assert main(["build", str(root)]) == 0
    site = root / "_build" / "html"
    assert 'url=book/welcome.html"' in (site / "index.html").read_text("utf-8")
    (root / "book" / "welcome.md").rename(root / "book" / "home.md")
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text("utf-8").replace("root: book/welcome", "root: book/home"), "utf-8")
    assert main(["build", str(root)]) == 0
    assert (site / "index.html").read_text("utf-8") == '<meta http-equiv="Refresh" content="0; url=book/home.html" />\n'
    assert (site / "book" / "home.html").is_file() and not (site / "book" / "welcome.html").exists()
    with zipfile.ZipFile(site / "proceedings-site.zip") as archive:
        assert b"url=book/home.html" in archive.read("proceedings-site/index.html")


def test_a_page_outside_book_removed_with_its_entry_leaves_the_site(tmp_path):
    # Only pages under book/ were removed from the output once their source was gone: one the book
    # held through include_patterns stayed published, zipped and in what `publish` pushes.
    root = write_project(tmp_path / "p")
    config, toc = root / "_config.yml", root / "_toc.yml"
    settings, listed = config.read_text("utf-8"), toc.read_text("utf-8")
    config.write_text(settings.replace("  config:\n", '  config:\n    include_patterns: ["book/**", "about/**"]\n'), "utf-8")
    toc.write_text(listed.replace("      - file: book/preface\n", "      - file: book/preface\n      - file: about/team\n"), "utf-8")
    (root / "about").mkdir()
    (root / "about" / "team.md").write_text("# The team\n\nWe organize.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    site = root / "_build" / "html"
    assert "We organize." in (site / "about" / "team.html").read_text("utf-8")

    (root / "about" / "team.md").unlink()
    config.write_text(settings, "utf-8")
    toc.write_text(listed, "utf-8")
    assert main(["build", str(root)]) == 0
    assert not (site / "about" / "team.html").exists()
    with zipfile.ZipFile(site / "proceedings-site.zip") as archive:
        assert not [name for name in archive.namelist() if "about/" in name]
    assert not [name for name in _site(root) if name.startswith("about/")]


def test_a_notebook_touched_is_a_build_with_nothing_to_do_and_one_edited_is_read_alone(tmp_path, capsys):
    # A trial's: touching a notebook, or editing a cell, had Sphinx read every page again.
    root = write_project(tmp_path / "p")
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Results"},
                          {"cell_type": "markdown", "metadata": {}, "source": "First."}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    page = root / "book" / "results.ipynb"
    page.write_text(json.dumps(notebook), "utf-8")
    assert main(["build", str(root)]) == 0
    os.utime(page, ns=(time.time_ns(), time.time_ns()))
    capsys.readouterr()
    assert main(["build", str(root)]) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out
    notebook["cells"][1]["source"] = "Second."
    page.write_text(json.dumps(notebook), "utf-8")
    assert main(["build", str(root)]) == 0
    log = (Project(root).work / "jupyter-book.log").read_text("utf-8")
    assert "[new config]" not in log and "0 added, 1 changed, 0 removed" in log
    assert "Second." in (root / "_build" / "html" / "book" / "results.html").read_text("utf-8")


def test_a_page_titled_by_a_second_level_heading_is_renamed_in_every_sidebar(tmp_path):
    # Sphinx titles a page by its first section, of any level; the navigation took only "# " lines,
    # so a page titled "## ..." renamed kept its old title in the sidebars of the pages not read again.
    root = write_project(tmp_path / "p")
    preface = root / "book" / "preface.md"
    preface.write_text("## Title A\n\nText.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    preface.write_text("## Title B\n\nText.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    pages = [page.read_text("utf-8") for page in (root / "_build" / "html" / "book").rglob("*.html")]
    assert all('preface.html">Title B' in page for page in pages if "preface.html\">Title" in page)
    assert not [page for page in pages if 'preface.html">Title A' in page]


def _taken_runs(monkeypatch: pytest.MonkeyPatch) -> list:
    """What each build's :meth:`ReadiedRun.taken` returns (the process, or None), as the builds go."""
    taken: list = []
    original = ReadiedRun.taken

    def recorded(self, *args):
        taken.append(result := original(self, *args))
        return result
    monkeypatch.setattr(ReadiedRun, "taken", recorded)
    return taken


def _book_server_children() -> list[psutil.Process]:
    """The processes the fork server Jupyter Book runs from has started and that still run."""
    server = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    return [child for child in psutil.Process(server).children() if child.status() != psutil.STATUS_ZOMBIE] \
        if server and psutil.pid_exists(server) else []


def test_an_edit_s_sphinx_is_the_one_set_up_while_the_pages_were_written(tmp_path, monkeypatch):
    """An incremental build runs Jupyter Book in the process it started once the inputs were loaded,
    which set Sphinx up while the pages were written and then read the page written; with Jupyter
    Book's settings changed (the project's ``_config.yml``), the same, set up with the new settings;
    with the file of settings it read touched after that, a new process. A build that stops on
    an error, or leaves Jupyter Book nothing to do, ends the process it started, and the last run's
    log stays as it was."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    taken = _taken_runs(monkeypatch)
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("abstract: ", "abstract: Edited first. ", 1), "utf-8")
    assert main(["build", str(root)]) == 0
    assert len(taken) == 1 and taken[0] is not None, "the readied process ran Sphinx"
    pages = root / "_build" / "html" / "book" / "papers"
    assert "Edited first." in "".join(path.read_text("utf-8") for path in pages.glob("*.html"))

    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace("home_page_in_navbar: true",
                                                        'home_page_in_navbar: true\n  extra_footer: "Footer added"'), "utf-8")
    assert main(["build", str(root)]) == 0
    assert len(taken) == 2 and taken[1] is not None, "set up with the configuration the build wrote first"
    assert "Footer added" in (root / "_build" / "html" / "book" / "preface.html").read_text("utf-8")

    original = pipeline.write_pages

    def settings_touched_first(*args, **kwargs):
        later = time.time() + 60
        os.utime(root / "_build" / ".proceedings" / "work" / "_config.yml", (later, later))
        return original(*args, **kwargs)
    monkeypatch.setattr(pipeline, "write_pages", settings_touched_first)
    accepted.write_text(accepted.read_text("utf-8").replace("Edited first.", "Edited again."), "utf-8")
    assert main(["build", str(root)]) == 0
    assert len(taken) == 3 and taken[2] is None, "the settings Sphinx read are not the file it would read"
    assert "Edited again." in "".join(path.read_text("utf-8") for path in pages.glob("*.html"))
    monkeypatch.setattr(pipeline, "write_pages", original)

    log = root / "_build" / ".proceedings" / "work" / "jupyter-book.log"
    last_log = log.read_text("utf-8")
    assert "build succeeded" in last_log
    accepted.write_text(accepted.read_text("utf-8") + "# A comment changes no page.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    assert log.read_text("utf-8") == last_log, "the process readied, then ended, wrote its log apart"
    assert len(taken) == 3

    accepted.write_text(accepted.read_text("utf-8").replace("Edited again.", "Edited last.").replace("title:", "title: [", 1),
                        "utf-8")
    assert main(["build", str(root)]) == 1
    deadline = time.monotonic() + 10
    while _book_server_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _book_server_children(), "the process readied for a build that found errors was ended"
    assert len(taken) == 3


def test_a_readied_sphinx_that_ended_before_the_pages_were_written_is_replaced(tmp_path, monkeypatch):
    """Jupyter Book's readied process killed while the build loads the inputs (by the kernel's
    out-of-memory killer, say): the build runs Jupyter Book in a new process, and the site has the edit."""
    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    taken = _taken_runs(monkeypatch)
    original = pipeline.write_pages

    def readied_killed_first(*args, **kwargs):
        deadline = time.monotonic() + 30
        while not _book_server_children() and time.monotonic() < deadline:
            time.sleep(0.02)
        for child in _book_server_children():
            child.kill()
            child.wait(10)
        return original(*args, **kwargs)
    monkeypatch.setattr(pipeline, "write_pages", readied_killed_first)
    accepted = root / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("abstract: ", "abstract: Edited once killed. ", 1), "utf-8")
    assert main(["build", str(root)]) == 0
    assert taken == [None]
    pages = root / "_build" / "html" / "book" / "papers"
    assert "Edited once killed." in "".join(path.read_text("utf-8") for path in pages.glob("*.html"))
