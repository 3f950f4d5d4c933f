"""Build-time benchmark on projects of N real paper records (ICLR 2020, from ``shared/data``).

Run ``python scripts/benchmark.py --sizes 300,1000,3000`` from the repository. For each N it
prints the cold build split into stages, the rebuilds (nothing changed, one abstract edited, one
paper added, one PDF replaced; and an abstract edited while ``proceedings serve`` watches), the
peak memory of the whole process tree, the CPU time of all its processes (and the wall-clock time
that takes at least on this machine's cores: where a build is near it, only less work makes it
faster), PDF facts on one worker against all cores; the same N
papers built as plain Sphinx pages (basic theme, ``-j 2``) in the same run, cold, with nothing
changed and with one abstract edited, and our times as ratios to those; at the first size the same
pages built with every paper in the global table of contents (the baseline); the shipped archive's
cold build; then pass/fail lines for the targets. Every figure is the median of ``--runs`` runs,
with the load average when its run started. Generated PDFs are cached under ``--work`` (default
``_build/benchmark``) between runs.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import psutil
import yaml

from proceedings.inputs.loader import load
from proceedings.inputs.pdf import PdfCache, pdf_facts
from proceedings.model.locations import Project
from proceedings.outputs.apa import citeproc_reference, framed_reference
from proceedings.outputs.citation import TextCache, csl_item
from proceedings.outputs.samples import sample_pdf
from proceedings.site.search import PRIMARY, SHARDS
from proceedings.util.progress import progress

REPO = Path(__file__).resolve().parents[1]
MINICONF = REPO.parent / "shared" / "data" / "iclr2020-miniconf" / "papers.csv"


def miniconf_records(n: int, source: Path = MINICONF) -> list[dict]:
    """``n`` accepted-paper records from the real ICLR 2020 list; past its end, records are reused
    under new ids with their author lists shuffled."""
    with source.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    records = []
    for index in range(n):
        row = rows[index % len(rows)]
        # One cell of the list names two people ("A and B"); the check asks the organizer to split it.
        authors = [name.strip() for cell in row["authors"].split("|") for name in re.split(r"\s+and\s+", cell) if name.strip()]
        if index >= len(rows):
            random.Random(index).shuffle(authors)
        records.append({
            "id": f"p{index:05d}",
            "title": row["title"].strip(),
            "authors": [{"name": name} for name in authors],
            "abstract": row["abstract"].strip() or "No abstract.",
            "keywords": [k.strip() for k in row["keywords"].split("|") if k.strip()],
            "track": "full" if index % 5 else "tiny",
            "pdf": f"pdf/p{index:05d}.pdf",
        })
    return records


def cached_pdf(work: Path, record: dict, pages: int, variant: str = "") -> Path:
    """The generated PDF of a record, made once and kept under ``work`` for later runs."""
    cached = work / "pdf-cache" / f"{record['id']}-{pages}{variant}.pdf"
    if not cached.is_file():
        partial = cached.with_suffix(".partial")  # an interrupted run leaves no truncated PDF in the cache
        sample_pdf(partial, record["title"], [a["name"] for a in record["authors"]], record["abstract"], pages,
                   f"Revised version {variant}." if variant else "")
        partial.replace(cached)
    return cached


def set_aside(folder: Path) -> None:
    """Move ``folder``, if there, into ``discarded/`` beside it, which :func:`remove_discarded` empties
    once every build is timed. On this machine's file system (ext4 without a journal) the kernel
    passes over every inode freed in the last minute (six while its block is not yet written back)
    for each file it creates (``recently_deleted`` in its inode allocator): our cold build of 1,000
    papers right after the last one's 17,000 files were removed took 30.9 s instead of 27.9 s (7.9 s
    of system CPU instead of 4.2), and plain Sphinx, which writes a fifth as many files, lost less. Both are timed
    without it; :func:`measure` times one cold build right after ``rm -rf _build`` too."""
    if folder.exists():
        folder.parent.joinpath("discarded").mkdir(exist_ok=True)
        folder.rename(folder.parent / "discarded" / f"{folder.name}-{time.time_ns()}")


def remove_discarded(work: Path) -> None:
    """Remove what :func:`set_aside` moved aside under ``work``, once nothing is timed any more."""
    shutil.rmtree(work / "discarded", ignore_errors=True)


def make_project(n: int, work: Path, pages: int = 8, name: str = "") -> Project:
    """A fresh project of ``n`` papers under ``work`` (no build output, no caches)."""
    root = work / (name or f"n{n}")
    set_aside(root)
    (root / "book").mkdir(parents=True)
    for file in ("_config.yml", "_toc.yml"):
        shutil.copy(REPO / file, root / file)
    for page in ("welcome.md", "preface.md"):
        shutil.copy(REPO / "book" / page, root / "book" / page)
    (root / "papers" / "pdf").mkdir(parents=True)
    for file in ("workshop.yml", "talks.yml"):
        shutil.copy(REPO / "papers" / file, root / "papers" / file)
    records = miniconf_records(n)
    # The tiny track's page limit is for real tiny papers; these all have `pages` pages.
    workshop = root / "papers" / "workshop.yml"
    workshop.write_text(workshop.read_text("utf-8").replace("max_pages: 4", "max_pages: 99"), "utf-8")
    with ProcessPoolExecutor() as pool:
        made = pool.map(cached_pdf, repeat(work), records, repeat(pages), chunksize=8)
        for record, pdf in zip(records, progress(made, n, "generating PDFs"), strict=True):
            shutil.copy2(pdf, root / "papers" / record["pdf"])
    _write_records(root, records)
    return Project(root)


def _write_records(root: Path, records: list[dict]) -> None:
    # JSON is YAML; the loader reads it as accepted.yml.
    (root / "papers" / "accepted.yml").write_text(json.dumps(records, ensure_ascii=False, indent=1), "utf-8")


def _read_records(project: Project) -> list[dict]:
    return json.loads((project.papers / "accepted.yml").read_text("utf-8"))


def global_toc_baseline(project: Project) -> None:
    """Turn the project into the baseline: its table of contents with every paper page an entry,
    after the tracks under the papers index."""
    toc = yaml.safe_load((project.root / "_toc.yml").read_text("utf-8"))
    papers = [{"file": f"book/papers/{record['id']}"} for record in _read_records(project)]
    chapters = [chapter for part in toc["parts"] for chapter in part["chapters"]]
    next(chapter for chapter in chapters if chapter["file"] == "book/papers/index")["sections"] += papers
    (project.root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), "utf-8")


@dataclass
class Run:
    """One measured build."""

    seconds: float
    """Wall-clock time of the whole build."""
    stages: dict[str, float]
    """Seconds by build stage."""
    peak_rss: int = 0
    """Peak resident memory of this process and all its children, in bytes."""
    cpu: float = 0.0
    """CPU seconds (user and system) of every process the build ran, as last sampled: a little
    less than they took (a process's last tenth of a second, or one shorter than that, is missed)."""
    load: float = 0.0
    """The one-minute load average when the run started (other work on the machine slows it)."""
    warnings: str = ""
    """What the build printed to stderr: its warnings, and Jupyter Book's."""

    def split(self) -> dict[str, float]:
        """Seconds by the stages of the report; "other outputs" is the rest of the wall-clock time (the
        files beside the pages, made while Sphinx runs, count only for the time they add)."""
        split = {stage: self.stages.get(stage, 0.0) for stage in STAGES[:-1]}
        split["other outputs"] = self.seconds - sum(split.values())
        return split


STAGES = ("load", "PDF facts", "pages", "sphinx", "search index", "other outputs")


@dataclass
class _ProcessTree:
    """Samples this process tree until stopped: its resident memory together (the peak), and the CPU
    time of each process started below this one since the sampler was made, as last seen."""

    peak: int = 0
    cpu: dict[psutil.Process, float] = field(default_factory=dict)
    """CPU seconds by process (psutil tells processes apart by id and start time: ids are reused)."""
    before: set[psutil.Process] = field(default_factory=lambda: {psutil.Process(), *psutil.Process().children(recursive=True)})
    """This process and those it ran before (a test's fork server): not the build's."""
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        me = psutil.Process()
        while not self.stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    with process.oneshot():
                        total += process.memory_info().rss
                        if process not in self.before:
                            times = process.cpu_times()
                            self.cpu[process] = times.user + times.system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.stop.wait(0.1)


def timed_build(project: Project) -> Run:
    """One build of ``project`` as an organizer runs it (``python -m proceedings build``, timed from
    start to exit, its interpreter's start and imports included, as the plain Sphinx runs are), with
    the peak memory and the CPU time of every process it ran. The stages are read from the lines the
    command prints."""
    command, run = _sampled([sys.executable, "-m", "proceedings", "build", str(project.root)], f"the build of {project.root}")
    run.stages, run.warnings = _stages(command.stdout), command.stderr
    return run


def _sampled(command: list[str], what: str) -> tuple[subprocess.CompletedProcess, Run]:
    """Run ``command`` (its output captured), timed from start to exit, with the peak memory and
    the CPU time of its processes (stages not filled in); stop the benchmark, saying ``what``
    failed, if it fails."""
    # The files the step before wrote are written back to the disk first: plain Sphinx's cold build,
    # timed right after ours in every other pair (see `alternated`), would otherwise share the
    # machine with the writing back of what ours wrote (its pages and its zip: 150 MB at 1,000 papers).
    os.sync()
    tree = _ProcessTree()
    sampler = threading.Thread(target=tree.sample, daemon=True)
    sampler.start()
    load = os.getloadavg()[0]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    tree.stop.set()
    sampler.join()
    if completed.returncode != 0:
        raise SystemExit(f"{completed.stderr}\n{what} failed (exit {completed.returncode})")
    return completed, Run(seconds, {}, tree.peak, sum(tree.cpu.values()), load)


def _stages(output: str) -> dict[str, float]:
    """Seconds by stage, from the lines the command prints as each stage ends ("  sphinx  12.3 s")."""
    stages: dict[str, float] = {}
    for name, seconds in re.findall(r"^  (\S.*?) +(\d+\.\d) s$", output, re.MULTILINE):
        stages[name] = stages.get(name, 0.0) + float(seconds)
    return stages


def median(runs: list[Run]) -> Run:
    """The run of median time (the lower middle one of an even number), its stages with it."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


def repeated(runs: int, one_run) -> Run:
    """The median of ``runs`` calls of ``one_run``, which changes what it needs and returns a Run."""
    return median([one_run(index) for index in range(runs)])


def plain_sphinx_project(records: list[dict], root: Path) -> Path:
    """The papers as plain Sphinx pages (reStructuredText, the basic theme, no extension): title,
    authors, abstract and a BibTeX block each, every page in one toctree. The engine's floor for
    these papers; returns the source folder."""
    source = root / "src"
    set_aside(root)
    (source / "papers").mkdir(parents=True)
    (source / "conf.py").write_text('project = "Plain"\nhtml_theme = "basic"\n', "utf-8")
    (source / "index.rst").write_text("Papers\n======\n\n.. toctree::\n   :glob:\n\n   papers/*\n", "utf-8")
    for record in records:
        _write_plain_page(source, record)
    return source


def _rst_text(text: str) -> str:
    """``text`` with every character reStructuredText reads as markup escaped."""
    return re.sub(r"([\\*`|_\[\]<>:])", r"\\\1", text)


def _write_plain_page(source: Path, record: dict) -> None:
    title = _rst_text(record["title"])
    authors = " and ".join(author["name"] for author in record["authors"])
    bibtex = (f"@inproceedings{{{record['id']},\n  title = {{{record['title']}}},\n  author = {{{authors}}},\n"
              f"  booktitle = {{Plain Proceedings}},\n  year = {{2026}}\n}}")
    text = "\n\n".join([title + "\n" + "=" * len(title), _rst_text(", ".join(a["name"] for a in record["authors"])),
                         "Abstract\n--------", _rst_text(record["abstract"]),
                         ".. code-block:: bibtex\n\n" + "\n".join("   " + line for line in bibtex.splitlines())])
    (source / "papers" / f"{record['id']}.rst").write_text(text + "\n", "utf-8")


def timed_sphinx(source: Path, jobs: int = 2) -> Run:
    """One ``sphinx-build`` of ``source`` into the folder beside it, timed, with its CPU time."""
    _, run = _sampled([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", str(jobs), str(source),
                       str(source.parent / "html")], f"sphinx-build of {source}")
    return run


class PlainSphinx:
    """Plain Sphinx on the same ``n`` papers: each call one timed build (the run's index given)."""

    def __init__(self, n: int, work: Path):
        self.records = miniconf_records(n)
        self.root = work / f"n{n}-plain-sphinx"

    def cold(self, _: int) -> Run:
        """A cold build of a new folder (the last one set aside)."""
        return timed_sphinx(plain_sphinx_project(self.records, self.root))

    def no_op(self, _: int) -> Run:
        """A build with nothing changed since the last."""
        return timed_sphinx(self.root / "src")

    def edit(self, index: int) -> Run:
        """A build after the first paper's abstract is edited."""
        self.records[0]["abstract"] += f" (Edit {index} for the benchmark.)"
        _write_plain_page(self.root / "src", self.records[0])
        return timed_sphinx(self.root / "src")


def alternated(runs: int, ours, theirs) -> tuple[Run, Run]:
    """The medians of ``runs`` calls each of ``ours`` and ``theirs`` (given the run's index, each
    returns a Run), made in pairs, the first of each pair in turn: ours, theirs, theirs, ours...
    On a shared machine the two are then timed in the same minutes; all of ours before all of plain
    Sphinx's compared them ten minutes apart, and plain Sphinx's cold build moved between 5.4 and
    7.4 s from one run of the benchmark to the next."""
    mine: list[Run] = []
    other: list[Run] = []
    for index in range(runs):
        pair = [(ours, mine), (theirs, other)]
        for one_run, found in pair if index % 2 == 0 else pair[::-1]:
            found.append(one_run(index))
    return median(mine), median(other)


def edit_abstract(project: Project, index: int = 0) -> None:
    """Change the first paper's abstract (differently for each ``index``)."""
    records = _read_records(project)
    records[0]["abstract"] += f" (Edit {index} for the benchmark.)"
    _write_records(project.root, records)


def add_paper(project: Project, work: Path, pages: int, index: int = 0) -> None:
    """Add one paper (a copy of the first under a new id for each ``index``) with its PDF."""
    records = _read_records(project)
    record = dict(records[0], id=f"added-paper-{index}", pdf=f"pdf/added-paper-{index}.pdf",
                  title=records[0]["title"] + f" (added {index})")
    shutil.copy2(cached_pdf(work, records[0], pages), project.papers / record["pdf"])
    _write_records(project.root, records + [record])


def replace_pdf(project: Project, work: Path, pages: int, index: int = 0) -> None:
    """Replace the second paper's PDF with a revised one (another for each ``index``)."""
    records = _read_records(project)
    shutil.copy2(cached_pdf(work, records[1], pages, variant=f"-revised{index}"), project.papers / records[1]["pdf"])


def shipped_archive(work: Path) -> Project:
    """A copy of the repository's own project (the shipped workshop archive), without build output."""
    root = work / "shipped"
    set_aside(root)
    root.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("book", "papers"):
        shutil.copytree(REPO / name, root / name)
    return Project(root)


def pdf_speedup(project: Project, runs: int = 1) -> tuple[float, float]:
    """Seconds to read every PDF's facts with an empty cache on one worker, and on all cores: the
    median of ``runs`` of each, taken in turns (a busier moment of the machine slows both)."""
    paths = sorted((project.papers / "pdf").glob("*.pdf"))
    def read_all(workers: int) -> Callable[[], object]:
        return lambda: pdf_facts(paths, PdfCache(project.build / "no-cache"), workers)
    return timed_in_turns(runs, read_all(1), read_all(os.cpu_count() or 1))


def apa_speedup(project: Project, runs: int = 1) -> tuple[float, float]:
    """Seconds to format every paper's APA reference with an empty cache on one core, by citeproc-py
    whole and from frames (citeproc formatting the frames, once in the process, and the papers they
    cannot hold): the median of ``runs`` of each, taken in turns."""
    volume = load(project)[0]
    assert volume is not None, f"{project.root} does not load"
    items = [csl_item(volume, paper) for paper in volume.cited_papers]
    def format_all(quick: Callable[[dict], str | None]) -> Callable[[], object]:
        return lambda: TextCache().make_all("apa", items, citeproc_reference, workers=1, quick=quick)
    return timed_in_turns(runs, format_all(lambda item: None), format_all(framed_reference))


def timed_in_turns(runs: int, first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """The median seconds of ``runs`` calls each of ``first`` and ``second``, made in turns: a busier
    moment of the machine slows both."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for call, seconds in zip((first, second), times, strict=True):
            start = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - start)
    first_median, second_median = (sorted(seconds)[(runs - 1) // 2] for seconds in times)
    return first_median, second_median


@dataclass
class Size:
    """Everything measured at one size (each build the median of the runs)."""

    n: int
    cold: Run
    rebuilds: dict[str, Run]
    served: Run
    """An edited abstract built by ``proceedings serve``, from the save to the build's end."""
    pdf_serial: float
    pdf_parallel: float
    apa_whole: float
    """Every APA reference formatted by citeproc-py whole, on one core (see :func:`apa_speedup`)."""
    apa_framed: float
    """Every APA reference put together from frames, on one core."""
    index_bytes: int
    sphinx: dict[str, Run]
    """Plain Sphinx on the same papers: "cold", "no-op" and "edit abstract"."""
    baseline: Run | None = None
    after_removal: Run | None = None
    """A cold build right after the last one's build folder was removed (see :func:`set_aside`)."""


def measure(n: int, work: Path, pages: int, baseline: bool, runs: int = 3) -> Size:
    """Build a project of ``n`` papers cold and in every rebuild scenario, and plain Sphinx on the
    same papers, each ``runs`` times."""
    project = Project(work / f"n{n}")

    def cold(index: int) -> Run:
        nonlocal project
        print(f"N = {n}: generating the project ...", flush=True)
        project = make_project(n, work, pages)
        print(f"N = {n}: cold build {index + 1} of {runs} ...", flush=True)
        return timed_build(project)

    sphinx = PlainSphinx(n, work)
    print(f"N = {n}: cold builds, each beside one of plain Sphinx on the same papers ...", flush=True)
    cold_run, sphinx_cold = alternated(runs, cold, sphinx.cold)
    print(f"N = {n}: cold build right after rm -rf _build ...", flush=True)
    shutil.rmtree(project.build)
    after_removal = timed_build(project)
    index_bytes = sum(p.stat().st_size for name in (PRIMARY, SHARDS) for p in (project.html / name).rglob("*") if p.is_file())
    print(f"N = {n}: rebuilds after no change and after an edited abstract, with plain Sphinx's ...", flush=True)
    no_op, sphinx_no_op = alternated(runs, lambda _: timed_build(project), sphinx.no_op)
    edit, sphinx_edit = alternated(runs, lambda index: _changed_build(project, lambda i: edit_abstract(project, i), index),
                                   sphinx.edit)
    set_aside(sphinx.root)
    rebuilds = {"no-op": no_op, "edit abstract": edit}
    for name, change in (("add paper", lambda index: add_paper(project, work, pages, index)),
                         ("replace PDF", lambda index: replace_pdf(project, work, pages, index))):
        print(f"N = {n}: rebuilds after '{name}' ...", flush=True)
        rebuilds[name] = repeated(runs, lambda index, change=change: _changed_build(project, change, index))
    print(f"N = {n}: edits while `proceedings serve` watches ...", flush=True)
    served = served_edits(project, runs)
    serial, parallel = pdf_speedup(project, runs)
    apa_whole, apa_framed = apa_speedup(project, runs)
    sphinx_runs = {"cold": sphinx_cold, "no-op": sphinx_no_op, "edit abstract": sphinx_edit}
    base = None
    if baseline:
        print(f"N = {n}: baseline (every paper in the global toc) ...", flush=True)
        other = make_project(n, work, pages, name=f"n{n}-baseline")
        global_toc_baseline(other)
        base = timed_build(other)
        set_aside(other.root)
    return Size(n, cold_run, rebuilds, served, serial, parallel, apa_whole, apa_framed, index_bytes, sphinx_runs, base,
                after_removal)


def served_edits(project: Project, runs: int) -> Run:
    """Abstracts edited one at a time while ``proceedings serve`` watches the project (its first
    build done): the median time from an edit's save to the end of the rebuild it starts, as the
    command prints it (the quarter-second looks of the watch included), with that build's stages."""
    command = [sys.executable, "-m", "proceedings", "serve", str(project.root), "--port", "0"]
    # A benchmark started in the background from a script (`cmd &`) ignores SIGINT, and so would the
    # serve it starts, which the SIGINT below then never stopped: the benchmark waited for ever. A
    # handled signal is the default in a program started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    lines: list[tuple[float, str]] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as server:
        def read() -> None:
            lines.extend((time.perf_counter(), line) for line in server.stdout or ())
        threading.Thread(target=read, daemon=True).start()
        try:
            watched = _lines_with(lines, server, WATCHING, 1)
            measured = []
            for index in range(runs):
                load = os.getloadavg()[0]
                edit_abstract(project, 100 + index)  # edits of their own: each changes the abstract
                start = time.perf_counter()
                end = _lines_with(lines, server, WATCHING, index + 2)
                output = "".join(line for _, line in lines[watched:end])
                if "Built in" not in output:
                    raise SystemExit(f"{output}\nthe served rebuild of {project.root} failed")
                measured.append(Run(lines[end - 1][0] - start, _stages(output), load=load))
                watched = end
        finally:
            server.send_signal(signal.SIGINT)
    return median(measured)


WATCHING = "Watching papers/, book/ and the settings"
"""What ``proceedings serve`` prints once each of its builds has ended."""


def _lines_with(lines: list[tuple[float, str]], process: subprocess.Popen, text: str, count: int) -> int:
    """How many of ``lines`` (a process's output, as it comes) there are up to the ``count``-th that
    holds ``text``, once it has come; stop the benchmark if the process ends before."""
    while True:
        found = [index for index, (_, line) in enumerate(list(lines)) if text in line]
        if len(found) >= count:
            return found[count - 1] + 1
        if process.poll() is not None:
            raise SystemExit("".join(line for _, line in lines) + "\nproceedings serve ended")
        time.sleep(0.01)


def _changed_build(project: Project, change, index: int) -> Run:
    change(index)
    return timed_build(project)


def shipped_cold_build(work: Path, runs: int = 3) -> Run:
    """The shipped archive's cold build (median of ``runs``)."""
    return repeated(runs, lambda _: timed_build(shipped_archive(work)))


def report(sizes: list[Size], shipped: Run | None = None) -> list[tuple[str, bool]]:
    """Print the table and return the targets as (description, passed)."""
    print("\nAgainst plain Sphinx on the same papers (basic theme, -j 2), timed in pairs, "
          "median of the runs (seconds; load average)")
    columns = ("cold", "no-op", "edit abstract", "edit, served")
    print(f"{'N':>6} " + " ".join(f"{name:>32}" for name in columns))
    for size in sizes:
        ours = {"cold": size.cold, **size.rebuilds, "edit, served": size.served}
        pairs = [(ours[name], size.sphinx[name.replace("edit, served", "edit abstract")]) for name in columns]
        cells = [f"{run.seconds:6.1f} / {plain.seconds:5.1f} = {run.seconds / plain.seconds:4.1f}x "
                 f"({run.load:.1f};{plain.load:.1f})" for run, plain in pairs]
        print(f"{size.n:>6} " + " ".join(f"{cell:>32}" for cell in cells))
    print("\nCold build (seconds)")
    print(f"{'N':>6} {'total':>8} " + " ".join(f"{s:>13}" for s in STAGES) + f" {'peak RSS':>10} {'index MB':>9}")
    for size in sizes:
        row = " ".join(f"{seconds:>13.1f}" for seconds in size.cold.split().values())
        print(f"{size.n:>6} {size.cold.seconds:>8.1f} {row} {size.cold.peak_rss / 2**20:>8.0f}MB {size.index_bytes / 1e6:>9.2f}")
    removal = ", ".join(f"N = {size.n} {size.after_removal.seconds:.1f} s (load {size.after_removal.load:.1f})"
                        for size in sizes if size.after_removal)
    print(f"Cold, right after rm -rf _build (the files removed in the last minute slow every file made): {removal}")
    print("\nRebuilds (seconds, and share of the cold build)")
    names = list(sizes[0].rebuilds)
    print(f"{'N':>6} " + " ".join(f"{name:>20}" for name in names))
    for size in sizes:
        cells = [f"{run.seconds:>9.1f} ({run.seconds / size.cold.seconds:>6.1%})" for run in size.rebuilds.values()]
        print(f"{size.n:>6} " + " ".join(f"{cell:>20}" for cell in cells))
    largest = sizes[-1]
    print(f"\nRebuilds at N = {largest.n}, by stage (seconds)")
    print(f"{'':>14} " + " ".join(f"{s:>13}" for s in STAGES))
    for name, run in {**largest.rebuilds, "edit, served": largest.served}.items():
        print(f"{name:>14} " + " ".join(f"{seconds:>13.1f}" for seconds in run.split().values()))
    cores = os.cpu_count() or 1
    print(f"\nCPU of every process of the build (seconds, sampled: a lower bound), and the wall-clock time it "
          f"takes at least on {cores} cores")
    print(f"{'N':>6} " + " ".join(f"{name:>20}" for name in ["cold", *names]))
    for size in sizes:
        cells = [f"{run.cpu:>9.1f} ({run.cpu / cores:>6.1f})" for run in [size.cold, *size.rebuilds.values()]]
        print(f"{size.n:>6} " + " ".join(f"{cell:>20}" for cell in cells))
        plain = ", ".join(f"{name} {run.cpu:.1f} ({run.cpu / cores:.1f})" for name, run in size.sphinx.items())
        print(f"{'':>6} plain Sphinx -j 2: {plain}")
    print("\nPDF facts, empty cache (seconds)")
    for size in sizes:
        print(f"{size.n:>6} 1 worker {size.pdf_serial:.1f}, {os.cpu_count()} workers {size.pdf_parallel:.1f}, "
              f"ratio {size.pdf_serial / size.pdf_parallel:.2f}")
    print("\nAPA references, empty cache, one core (seconds)")
    for size in sizes:
        print(f"{size.n:>6} citeproc-py whole {size.apa_whole:.2f}, from frames {size.apa_framed:.2f}, "
              f"ratio {size.apa_whole / size.apa_framed:.1f}")
    targets = []
    by_n = {size.n: size for size in sizes}
    for size in sizes:
        if size.baseline:
            ratio = size.baseline.seconds / size.cold.seconds
            print(f"\nBaseline at N = {size.n}: {size.baseline.seconds:.1f} s with every paper in the global toc, "
                  f"ours {size.cold.seconds:.1f} s: ratio {ratio:.1f}")
            targets.append((f"N={size.n}: ours >= 5x faster than the global-toc baseline ({ratio:.1f}x)", ratio >= 5))
    if 1000 in by_n and 3000 in by_n:
        ratio = by_n[3000].cold.seconds / by_n[1000].cold.seconds
        targets.append((f"cold build linear: t(3000)/t(1000) = {ratio:.2f} <= 3.3", ratio <= 3.3))
    reference = by_n.get(1000) or sizes[-1]
    ratio = reference.cold.seconds / reference.sphinx["cold"].seconds
    targets.append((f"N={reference.n}: cold build {ratio:.1f}x plain Sphinx -j 2 <= 3x", ratio <= 3))
    targets.append((f"N={reference.n}: no-op rebuild {reference.rebuilds['no-op'].seconds:.1f} s <= 2 s",
                    reference.rebuilds["no-op"].seconds <= 2))
    ratio = reference.rebuilds["edit abstract"].seconds / reference.sphinx["edit abstract"].seconds
    targets.append((f"N={reference.n}: edit abstract rebuild {ratio:.1f}x Sphinx's own edit <= 1.5x", ratio <= 1.5))
    ratio = reference.served.seconds / reference.sphinx["edit abstract"].seconds
    targets.append((f"N={reference.n}: edit abstract under `serve` {ratio:.1f}x Sphinx's own edit <= 1.5x", ratio <= 1.5))
    for name, limit in (("no-op", 0.05), ("edit abstract", 0.10), ("add paper", 0.15)):
        share = reference.rebuilds[name].seconds / reference.cold.seconds
        targets.append((f"N={reference.n}: {name} rebuild {share:.1%} of cold <= {limit:.0%}", share <= limit))
    ratio = reference.pdf_serial / reference.pdf_parallel
    targets.append((f"N={reference.n}: PDF facts {ratio:.2f}x faster on {os.cpu_count()} workers >= 1.7", ratio >= 1.7))
    targets.append((f"N={largest.n}: peak memory {largest.cold.peak_rss / 2**30:.2f} GiB <= 2 GiB",
                    largest.cold.peak_rss <= 2 * 2**30))
    if shipped:
        print(f"\nThe shipped archive, cold: {shipped.seconds:.1f} s (load average {shipped.load:.1f})")
        targets.append((f"shipped archive cold build {shipped.seconds:.1f} s <= 5 s", shipped.seconds <= 5))
    if 1000 in by_n:
        targets.append((f"N=1000: cold build {by_n[1000].cold.seconds:.0f} s within 4 minutes (indicative)",
                        by_n[1000].cold.seconds <= 240))
    print()
    for text, passed in targets:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    return targets


def main(argv: list[str] | None = None) -> int:
    """Measure every size given and print the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="300,1000,3000", help="comma-separated paper counts")
    parser.add_argument("--pages", type=int, default=8, help="pages per generated PDF")
    parser.add_argument("--no-baseline", action="store_true", help="skip the global-toc baseline")
    parser.add_argument("--runs", type=int, default=3, help="builds per figure; the median is reported")
    parser.add_argument("--work", type=Path, default=REPO / "_build" / "benchmark")
    args = parser.parse_args(argv)
    if not MINICONF.is_file():
        raise SystemExit(f"needs the ICLR 2020 records at {MINICONF}")
    sizes = [int(size) for size in args.sizes.split(",")]
    # As pip byte-compiles an installed package, and Python an editable one at its first run: where
    # PYTHONDONTWRITEBYTECODE is set (this machine's environment), each build's processes compiled the
    # package's modules again, where Sphinx's came compiled (0.11 s of CPU in the command, 0.03 s in the fork server).
    compileall.compile_dir(REPO / "scripts" / "proceedings", quiet=1)
    results = [measure(n, args.work, args.pages, baseline=not args.no_baseline and index == 0, runs=args.runs)
               for index, n in enumerate(sizes)]
    print("The shipped archive: cold builds ...", flush=True)
    report(results, shipped_cold_build(args.work, args.runs))
    remove_discarded(args.work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
