"""Build-time benchmark on projects of N real paper records (ICLR 2020, from ``shared/data``).

Run ``python scripts/benchmark.py --sizes 300,1000,3000`` from the repository. For each N it
prints the cold build split into stages, the rebuilds (nothing changed, one abstract edited, one
paper added, one PDF replaced), the peak memory of the whole process tree, PDF facts on one worker
against all cores, and at the first size the same pages built with every paper in the global table
of contents (the baseline); then pass/fail lines for the targets. Generated PDFs are cached under
``--work`` (default ``_build/benchmark``) between runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import psutil
import yaml

from proceedings.build import build
from proceedings.inputs.pdf import PdfCache, pdf_facts
from proceedings.model.locations import Project
from proceedings.outputs.samples import sample_pdf
from proceedings.site.search import PRIMARY, SHARDS
from proceedings.util.progress import Timings, progress

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
        authors = [name.strip() for name in row["authors"].split("|") if name.strip()]
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


def make_project(n: int, work: Path, pages: int = 8, name: str = "") -> Project:
    """A fresh project of ``n`` papers under ``work`` (no build output, no caches)."""
    root = work / (name or f"n{n}")
    if root.exists():
        shutil.rmtree(root)
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

    def split(self) -> dict[str, float]:
        """Seconds by the stages of the report; "other outputs" is the rest of the wall-clock time (the
        files beside the pages, made while Sphinx runs, count only for the time they add)."""
        split = {stage: self.stages.get(stage, 0.0) for stage in STAGES[:-1]}
        split["other outputs"] = self.seconds - sum(split.values())
        return split


STAGES = ("load", "PDF facts", "pages", "sphinx", "search index", "other outputs")


@dataclass
class _PeakMemory:
    """Samples the resident memory of this process tree until stopped."""

    peak: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        me = psutil.Process()
        while not self.stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.stop.wait(0.1)


def timed_build(project: Project) -> Run:
    """One build of ``project``, timed, with the peak memory of every process it ran."""
    memory = _PeakMemory()
    sampler = threading.Thread(target=memory.sample, daemon=True)
    sampler.start()
    timings = Timings()
    start = time.perf_counter()
    volume, diags = build(project, timings)
    seconds = time.perf_counter() - start
    memory.stop.set()
    sampler.join()
    if volume is None:
        raise SystemExit("\n".join(map(str, diags.sorted())))
    return Run(seconds, dict(timings.stages), memory.peak)


def edit_abstract(project: Project) -> None:
    """Change the first paper's abstract."""
    records = _read_records(project)
    records[0]["abstract"] += " (Edited for the benchmark.)"
    _write_records(project.root, records)


def add_paper(project: Project, work: Path, pages: int) -> None:
    """Add one paper (a copy of the first under a new id) with its PDF."""
    records = _read_records(project)
    record = dict(records[0], id="added-paper", pdf="pdf/added-paper.pdf", title=records[0]["title"] + " (added)")
    shutil.copy2(cached_pdf(work, records[0], pages), project.papers / record["pdf"])
    _write_records(project.root, records + [record])


def replace_pdf(project: Project, work: Path, pages: int) -> None:
    """Replace the second paper's PDF with a revised one."""
    records = _read_records(project)
    shutil.copy2(cached_pdf(work, records[1], pages, variant="-revised"), project.papers / records[1]["pdf"])


def pdf_speedup(project: Project) -> tuple[float, float]:
    """Seconds to read every PDF's facts with an empty cache on one worker, and on all cores."""
    paths = sorted((project.papers / "pdf").glob("*.pdf"))
    times = []
    for workers in (1, os.cpu_count() or 1):
        start = time.perf_counter()
        pdf_facts(paths, PdfCache(project.build / "no-cache"), workers)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


@dataclass
class Size:
    """Everything measured at one size."""

    n: int
    cold: Run
    rebuilds: dict[str, Run]
    pdf_serial: float
    pdf_parallel: float
    index_bytes: int
    baseline: Run | None = None


def measure(n: int, work: Path, pages: int, baseline: bool) -> Size:
    """Build a project of ``n`` papers cold and in every rebuild scenario."""
    print(f"N = {n}: generating the project ...", flush=True)
    project = make_project(n, work, pages)
    print(f"N = {n}: cold build ...", flush=True)
    cold = timed_build(project)
    index_bytes = sum(p.stat().st_size for name in (PRIMARY, SHARDS) for p in (project.html / name).rglob("*") if p.is_file())
    rebuilds = {"no-op": timed_build(project)}
    for name, change in (("edit abstract", lambda: edit_abstract(project)),
                         ("add paper", lambda: add_paper(project, work, pages)),
                         ("replace PDF", lambda: replace_pdf(project, work, pages))):
        change()
        print(f"N = {n}: rebuild after '{name}' ...", flush=True)
        rebuilds[name] = timed_build(project)
    serial, parallel = pdf_speedup(project)
    base = None
    if baseline:
        print(f"N = {n}: baseline (every paper in the global toc) ...", flush=True)
        other = make_project(n, work, pages, name=f"n{n}-baseline")
        global_toc_baseline(other)
        base = timed_build(other)
        shutil.rmtree(other.root)
    return Size(n, cold, rebuilds, serial, parallel, index_bytes, base)


def report(sizes: list[Size]) -> list[tuple[str, bool]]:
    """Print the table and return the targets as (description, passed)."""
    print("\nCold build (seconds)")
    print(f"{'N':>6} {'total':>8} " + " ".join(f"{s:>13}" for s in STAGES) + f" {'peak RSS':>10} {'index MB':>9}")
    for size in sizes:
        row = " ".join(f"{seconds:>13.1f}" for seconds in size.cold.split().values())
        print(f"{size.n:>6} {size.cold.seconds:>8.1f} {row} {size.cold.peak_rss / 2**20:>8.0f}MB {size.index_bytes / 1e6:>9.2f}")
    print("\nRebuilds (seconds, and share of the cold build)")
    names = list(sizes[0].rebuilds)
    print(f"{'N':>6} " + " ".join(f"{name:>20}" for name in names))
    for size in sizes:
        cells = [f"{run.seconds:>9.1f} ({run.seconds / size.cold.seconds:>6.1%})" for run in size.rebuilds.values()]
        print(f"{size.n:>6} " + " ".join(f"{cell:>20}" for cell in cells))
    largest = sizes[-1]
    print(f"\nRebuilds at N = {largest.n}, by stage (seconds)")
    print(f"{'':>14} " + " ".join(f"{s:>13}" for s in STAGES))
    for name, run in largest.rebuilds.items():
        print(f"{name:>14} " + " ".join(f"{seconds:>13.1f}" for seconds in run.split().values()))
    print("\nPDF facts, empty cache (seconds)")
    for size in sizes:
        print(f"{size.n:>6} 1 worker {size.pdf_serial:.1f}, {os.cpu_count()} workers {size.pdf_parallel:.1f}, "
              f"ratio {size.pdf_serial / size.pdf_parallel:.2f}")
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
    for name, limit in (("no-op", 0.05), ("edit abstract", 0.10), ("add paper", 0.15)):
        share = reference.rebuilds[name].seconds / reference.cold.seconds
        targets.append((f"N={reference.n}: {name} rebuild {share:.1%} of cold <= {limit:.0%}", share <= limit))
    ratio = reference.pdf_serial / reference.pdf_parallel
    targets.append((f"N={reference.n}: PDF facts {ratio:.2f}x faster on {os.cpu_count()} workers >= 1.7", ratio >= 1.7))
    targets.append((f"N={largest.n}: peak memory {largest.cold.peak_rss / 2**30:.2f} GiB <= 2 GiB",
                    largest.cold.peak_rss <= 2 * 2**30))
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
    parser.add_argument("--work", type=Path, default=REPO / "_build" / "benchmark")
    args = parser.parse_args(argv)
    if not MINICONF.is_file():
        raise SystemExit(f"needs the ICLR 2020 records at {MINICONF}")
    sizes = [int(size) for size in args.sizes.split(",")]
    results = [measure(n, args.work, args.pages, baseline=not args.no_baseline and index == 0)
               for index, n in enumerate(sizes)]
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
