"""The site's search index: Pagefind bundles that the search page merges.

Pagefind has no incremental mode: indexing 1,000 paper pages takes seconds, however few changed. So
past :data:`SHARD_SIZE` paper pages, the papers are split by a hash of their file name into shards
of their own (``pagefind-papers/<n>/``) beside the bundle of every other page (``pagefind/``), and a
build re-indexes only the bundles whose pages changed, in parallel. The search page reads the list
of shards from ``pagefind/merge.json`` and merges them into its results (Pagefind's ``mergeIndex``).

The price: each shard ignores the words of a query it does not hold, so a query with a rare word
lists, after the pages that hold every word, partial matches from the shards without it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import metadata
from pathlib import Path

from ..model.locations import Project, paper_docname
from ..model.volume import Proceedings
from ..util.files import file_hash, file_signature, read_json, write_if_changed
from .errors import BuildError

SHARD_SIZE = 250
"""Paper pages per shard: one is indexed in about a second."""
MAX_SHARDS = 8
"""Each shard costs the reader's browser a few small downloads (its metadata, its WebAssembly)."""
PRIMARY = "pagefind"
"""The bundle of every page but the papers', which the search page loads first."""
SHARDS = "pagefind-papers"
"""The folder of the paper shards' bundles."""
BUNDLE_FOLDERS = (f"{PRIMARY}/", f"{SHARDS}/")
"""Where the search index is written in the site."""
# Left out of the index and so of excerpts: the Cite section (LaTeX-encoded names, download labels;
# the paper's words are on the page already), math (its TeX source), and the "#" of heading permalinks.
_EXCLUDE = "section#cite, div.highlight-bibtex, div.highlight-text, span.math, div.math, a.headerlink"


def shard_count(papers: int, before: int = 0) -> int:
    """How many shards ``papers`` paper pages get: as many as the last build's (``before``) while
    they hold between half and twice :data:`SHARD_SIZE` pages each, so that adding a paper does not
    deal every page to a new shard."""
    if before and SHARD_SIZE / 2 <= papers / before <= SHARD_SIZE * 2:
        return before
    return min(MAX_SHARDS, math.ceil(papers / SHARD_SIZE))


def bundles(site: Path, paper_pages: set[str], shards_before: int = 0) -> dict[str, list[str]]:
    """The pages under ``site/book`` (paths relative to ``site``) by the folder of the bundle that
    indexes them; ``paper_pages`` are the papers' own pages, which may be sharded."""
    pages = sorted(path.relative_to(site).as_posix() for path in (site / "book").rglob("*.html"))
    papers = [page for page in pages if page in paper_pages]
    count = shard_count(len(papers), shards_before)
    if count <= 1:
        return {PRIMARY: pages}
    grouped: dict[str, list[str]] = {PRIMARY: [page for page in pages if page not in paper_pages]}
    for page in papers:
        grouped.setdefault(f"{SHARDS}/{zlib.crc32(page.encode()) % count}", []).append(page)
    return grouped


def index_site(site: Path, paper_pages: set[str], state: Path) -> dict[str, bool]:
    """Index ``site`` for search, re-indexing only the bundles whose pages changed since the run
    that wrote ``state`` (or whose output is missing); whether each bundle indexed worked.

    A page has changed when its content has: Sphinx rewrites the root page in every build, which
    re-indexed the bundle of every page but the papers' after any edit. The content's digest is
    computed again only for the pages whose size or time changed."""
    previous = read_json(state, {})
    if previous.get("settings") != _settings():
        previous = {}
    before = sum(name.startswith(SHARDS) for name in previous.get("bundles", {}))
    grouped = bundles(site, paper_pages, before)
    known = previous.get("pages", {})
    pages = {page: _page_state(site / page, known.get(page)) for names in grouped.values() for page in names}
    wanted = {name: {page: pages[page][-1] for page in names} for name, names in grouped.items()}
    stale = [name for name, digests in wanted.items()
             if previous.get("bundles", {}).get(name) != digests or not (site / name / "pagefind-entry.json").is_file()]
    shards = site / SHARDS
    for old in sorted(shards.glob("*")):
        if f"{SHARDS}/{old.name}" not in wanted:
            shutil.rmtree(old)
    if shards.is_dir() and not any(shards.iterdir()):
        shards.rmdir()
    state.unlink(missing_ok=True)  # a run stopped half-way must not leave bundles marked as current
    staging = state.parent / "search-staging"
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = pool.map(lambda name: _index_bundle(site, list(wanted[name]), staging / name, site / name), stale)
        indexed = dict(zip(stale, results, strict=True))
    shutil.rmtree(staging, ignore_errors=True)
    if all(indexed.values()):
        merged = [f"../{name}/" for name in sorted(wanted) if name != PRIMARY]
        write_if_changed(site / PRIMARY / "merge.json", json.dumps(merged))
        write_if_changed(state, json.dumps({"settings": _settings(), "pages": pages, "bundles": wanted}, sort_keys=True))
    return indexed


def _settings() -> dict:
    """What else the index depends on than the pages: Pagefind's version and what it leaves out."""
    try:
        version = metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        version = ""
    return {"pagefind": version, "exclude": _EXCLUDE}


def _page_state(page: Path, known: list | None) -> list:
    """The page's size, modification time and content digest; ``known`` (the last build's) when the
    size and time are the same."""
    signature = file_signature(page)
    if known and known[:2] == signature:
        return known
    return [*signature, file_hash(page)]


@cache
def _pagefind() -> Path:
    """Pagefind's program, run directly: ``python -m pagefind`` started an interpreter to find it,
    0.1 s of each run."""
    from pagefind.service import get_executable  # imports asyncio, which no other command needs

    program = get_executable()
    if program is None:
        raise BuildError("Pagefind's program was not found: reinstall this package (`pip install -e .`)")
    return program.resolve()  # PAGEFIND_BINARY_PATH may name it relative to where the build started


def _index_bundle(site: Path, pages: list[str], staging: Path, output: Path) -> bool:
    """Run Pagefind on ``pages`` of ``site`` alone (hard-linked into ``staging`` at the same paths,
    so that their URLs are the site's), writing the bundle to ``output`` afresh; whether it worked."""
    shutil.rmtree(staging, ignore_errors=True)
    for page in pages:
        (staging / page).parent.mkdir(parents=True, exist_ok=True)
        os.link(site / page, staging / page)
    shutil.rmtree(output, ignore_errors=True)  # Pagefind leaves the files of earlier runs behind
    command = [str(_pagefind()), "--site", str(staging), "--output-path", str(output),
               "--silent", "--exclude-selectors", _EXCLUDE]
    try:
        return subprocess.run(command).returncode == 0
    except OSError as error:  # not there, or not a program: reported with the bundle
        print(f"Pagefind could not be started: {error}", file=sys.stderr, flush=True)
        return False


def run_pagefind(project: Project, volume: Proceedings) -> None:
    """Index the built site for search (the bundles whose pages changed); raises when Pagefind fails."""
    papers = {f"{paper_docname(paper.id)}.html" for paper in volume.papers}
    failed = [name for name, ok in index_site(project.work_html, papers, project.work / "search.json").items() if not ok]
    if failed:
        raise BuildError(f"Pagefind could not index {', '.join(failed)}; the messages above say why")
