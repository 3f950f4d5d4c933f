"""The site's search index: Pagefind bundles that the search page merges.

Pagefind has no incremental mode: indexing 1,000 paper pages takes seconds, however few changed. So
past :data:`SHARD_SIZE` paper pages, the papers are split into shards of their own
(``pagefind-papers/<n>/``) beside the bundle of every other page (``pagefind/``), and a build
re-indexes only the bundles whose pages changed. The search page reads the list of shards from
``pagefind/merge.json`` and merges them into its results (Pagefind's ``mergeIndex``).

A shard holds a run of the paper pages in name order, which is the order Sphinx writes them in:
while Sphinx writes the later pages, the shards of the earlier ones are indexed on the core it
leaves (:meth:`SiteIndex.follow`), and after it only the rest (:meth:`SiteIndex.finish`). The runs
are kept from build to build (an added paper joins the shard whose run it falls in), so that an
edit re-indexes one shard.

A shard is not indexed again for a few changed pages: each paper page carries its search revision
(``util.search_revision``), a digest of what Pagefind indexes of it, and the pages whose revision
changed since their shard was indexed (or that were added to its run) are indexed apart, in the small
bundle :data:`RECENT`, until more than a tenth of the shard's pages changed (:data:`RECENT_SHARE`).
``merge.json`` lists the revisions the shards hold that are no longer the pages' (those of pages
changed or removed since), and the search page leaves them out of its results and filter counts
(``sphinxext/search_api/pagefind.js``). An edited abstract is then indexed in 0.1-0.4 s rather
than with the 250 pages of its shard (1.1-1.5 s at 1,000 papers, the largest part of the rebuild after
Sphinx). The price: a page indexed apart is scored against the few pages of its bundle, as a
shard's are against its own (below), until its shard is indexed again (a cold build indexes every
shard whole).

The price of shards: each ignores the words of a query it does not hold (or matches, for a word it
lacks, the longest word it holds that begins it), so a query with a rare word also lists partial
matches from the shards without it, scored against their own pages. The search page's interface
lists the pages that hold every word first (``sphinxext/search_api/pagefind.js``).
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from functools import cache
from pathlib import Path

from ..model.locations import Project, paper_docname
from ..model.volume import Proceedings
from ..util.files import (
    file_names,
    file_signature,
    known_digest,
    read_json,
    remove_tree,
    replacing,
    signature_if_file,
    write_if_changed,
)
from ..util.priority import lower_thread_priority
from ..util.search_revision import REVISION_FILTER, with_revision, written_revision
from ..util.software import installed_version
from .errors import BuildError

SHARD_SIZE = 250
"""Paper pages per shard: one is indexed in about a second."""
MAX_SHARDS = 8
"""Each shard costs every search its own chunks of the index: a three-word query on 1,000 papers
fetched 221 kB of index in 9 files from 4 shards, 624 kB in 25 from 10 (Chromium). Its metadata and
filters are a few kB more; Pagefind's program is the main bundle's, shared by the merged shards."""
PRIMARY = "pagefind"
"""The bundle of every page but the papers', which the search page loads first."""
SHARDS = "pagefind-papers"
"""The folder of the paper shards' bundles."""
RECENT = f"{SHARDS}/recent"
"""The bundle of the paper pages changed since their shard was indexed, or added to its run."""
RECENT_SHARE = 10
"""A shard is indexed again once more than this fraction of its pages (a tenth; at least one)
changed or were added or removed since it was: until then they are indexed apart, in :data:`RECENT`."""
BALLAST = 24
"""Paper pages of the shards indexed in :data:`RECENT` beside the changed ones, as superseded entries
(their revision :data:`BALLAST_REVISION`): they give it the words and the page counts of a small
shard. A bundle of one page lacked most words of any query, and Pagefind then matches what it holds
instead (see below): the edited page was listed, last, for 7 of 10 queries it does not match at 1,000
papers (for none of 12 with the ballast)."""
BALLAST_REVISION = "ballast"
"""The revision the ballast's entries carry, superseded whenever :data:`RECENT` is there."""
_REVISED = f"{REVISION_FILTER}:"
"""What a page's state begins with when it is the page's revision (:func:`_search_state`)."""
BUNDLE_FOLDERS = (f"{PRIMARY}/", f"{SHARDS}/")
"""Where the search index is written in the site."""
FOLLOW_SECONDS = 0.02
"""How often the thread that indexes the shards Sphinx has written looks at how far it is: an edited
page's shard is indexed once Sphinx has begun the page after the shard's last, about a tenth of a
second before it ends (at 0.2 s, the look after that came once it had ended, in most builds)."""
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


def docname(page: str) -> str:
    """The Sphinx document of a page of the site (``book/papers/x.html`` -> ``book/papers/x``), by
    which Sphinx orders its writing."""
    return page.removesuffix(".html")


def shard_starts(papers: list[str], before: list[str]) -> list[str]:
    """The document each shard but the first starts at, for the paper pages ``papers``: ``before``
    (the last build's) while the shards stay as many and each holds between half and twice its share,
    else the pages cut into runs of equal length."""
    names = sorted(map(docname, papers))
    count = shard_count(len(names), len(before) + 1 if before else 0)
    if before and count == len(before) + 1:
        edges = [0, *(bisect.bisect_left(names, start) for start in before), len(names)]
        share = len(names) / count
        if all(share / 2 <= high - low <= share * 2 for low, high in itertools.pairwise(edges)):
            return before
    return [names[len(names) * index // count] for index in range(1, count)] if count > 1 else []


def bundles(site: Path, paper_pages: set[str], starts: list[str] | None = None) -> dict[str, list[str]]:
    """The pages under ``site/book`` (paths relative to ``site``) by the folder of the bundle that
    indexes them; ``paper_pages`` are the papers' own pages, sharded by ``starts`` (see
    :func:`shard_starts`; computed afresh when not given)."""
    pages = sorted(f"book/{name}" for name in file_names(site / "book") if name.endswith(".html"))
    papers = [page for page in pages if page in paper_pages]
    starts = shard_starts(papers, []) if starts is None else starts
    if not starts:
        return {PRIMARY: pages}
    shards = {name: names for name, names in _shards(papers, starts).items() if names}
    return {PRIMARY: [page for page in pages if page not in paper_pages], **shards}


def _shards(papers: list[str], starts: list[str]) -> dict[str, list[str]]:
    """``papers`` by the shard whose run of documents holds them, in document order."""
    grouped: dict[str, list[str]] = {f"{SHARDS}/{number}": [] for number in range(len(starts) + 1)}
    for page in sorted(papers, key=docname):
        grouped[f"{SHARDS}/{bisect.bisect_right(starts, docname(page))}"].append(page)
    return grouped


class SiteIndex:
    """The search index of the site in ``site``, made bundle by bundle, each only when its pages
    changed since the run that wrote ``state`` (or its output is missing), a shard's few changed
    pages apart from it (see the module's description).

    A page has changed when what Pagefind indexes of it has: its search revision when it carries one,
    else its content (Sphinx rewrites the root page in every build, which re-indexed the bundle of
    every page but the papers' after any edit; and every paper page, its links to the pages beside it
    changed, after a paper was added). Each is read again only for the pages whose size or time
    changed."""

    def __init__(self, site: Path, paper_pages: set[str], state: Path):
        self.site = site
        """The built site (Sphinx's output)."""
        self.state = state
        """The record of what each bundle indexed, for the next build."""
        previous = read_json(state, {})
        self.previous: dict = previous if previous.get("settings") == _settings() else {}
        """The last successful run's record, if made with the same settings."""
        self.starts = shard_starts(list(paper_pages), self.previous.get("starts", []))
        """Where the shards' runs of documents start."""
        self.paper_pages = paper_pages
        """The papers' own pages (paths in the site), which may be sharded."""
        self.shards = _shards(list(paper_pages), self.starts) if self.starts else {}
        """The paper pages of each shard, as the model lists them (none when the papers are in the
        primary bundle)."""
        self.indexed: dict[str, dict[str, str]] = {}
        """The bundles indexed in this run, with the states of the pages they were made from."""
        self.results: dict[str, bool] = {}
        """Whether each bundle indexed in this run was made."""
        self.known: dict[str, list] = self.previous.get("pages", {})
        """Each page's size, time and state (:func:`_search_state`), as last seen."""
        # A run stopped half-way must not leave bundles marked as current.
        state.unlink(missing_ok=True)

    def follow(self, written: Callable[[], str | None], done: threading.Event, interval: float = FOLLOW_SECONDS) -> None:
        """Until ``done`` is set, index each shard that must be indexed whole once ``written()`` (the
        document Sphinx is writing) has passed its pages, one at a time and below the build's
        priority: Sphinx, on the build's longest path, keeps its core. :meth:`finish` checks each page
        again, and indexes the pages that changed apart from their shards."""
        lower_thread_priority()
        followed: set[str] = set()  # once each: a shard found unchanged was asked for its pages' sizes at every look
        while not done.wait(interval):
            current = written()
            for name, pages in self.shards.items():
                if done.is_set():
                    return
                if current and pages and name not in followed and docname(pages[-1]) < current:
                    followed.add(name)
                    with suppress(OSError, BuildError):  # a page missing, Pagefind missing: left to finish()
                        states = self._states(pages)
                        if self._changes_apart(name, states) is None:
                            self._index_if_stale(name, pages, states, [])

    def finish(self, followed: Callable[[], None] = lambda: None) -> dict[str, bool]:
        """Index every bundle not yet made from the pages as they are now, in parallel, and record
        the run; whether each bundle indexed in this run was made. ``followed()`` returns once
        :meth:`follow` has ended, the shard it was indexing made: the shards wait for it, the
        bundle of the other pages does not (0.4 s at 1,000 papers, on the core Sphinx has freed)."""
        grouped = bundles(self.site, self.paper_pages, self.starts)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            states = {PRIMARY: self._states(grouped[PRIMARY])}
            primary = pool.submit(self._index_if_stale, PRIMARY, grouped[PRIMARY], states[PRIMARY], [])
            followed()
            states |= {name: self._states(pages) for name, pages in grouped.items() if name != PRIMARY}
            apart, ballast = self._apart(grouped, states)
            shards = self.site / SHARDS
            for old in sorted(shards.glob("*")):
                if f"{SHARDS}/{old.name}" not in grouped:
                    shutil.rmtree(old)
            if shards.is_dir() and not any(shards.iterdir()):
                shards.rmdir()
            whole = [name for name in grouped if name not in apart and name != PRIMARY]
            list(pool.map(lambda name: self._index_if_stale(name, grouped[name], states[name],
                                                            ballast if name == RECENT else []), whole))
            primary.result()
        remove_tree(self.state.parent / "search-staging")
        if all(self.results.values()):
            superseded = sorted({stale for _, gone in apart.values() for stale in gone} | set(ballast and [BALLAST_REVISION]))
            merged = {"shards": [f"../{name}/" for name in sorted(grouped) if name != PRIMARY], "superseded": superseded}
            write_if_changed(self.site / PRIMARY / "merge.json", json.dumps(merged))
            record = {"settings": _settings(), "program": _program(), "starts": self.starts,
                      "pages": {page: self.known[page] for names in grouped.values() for page in names},
                      "bundles": {name: self._made(name) if name in apart else states[name] for name in grouped}}
            write_if_changed(self.state, json.dumps(record, sort_keys=True))
        return self.results

    def _apart(self, grouped: dict[str, list[str]],
               states: dict[str, dict[str, str]]) -> tuple[dict[str, tuple[list[str], list[str]]], list[str]]:
        """The shards of ``grouped`` whose few changes are indexed apart (see :meth:`_changes_apart`),
        and the ballast of the bundle of those changes (:data:`RECENT`), which ``grouped`` and
        ``states`` are given when there are any."""
        live = {state for held in states.values() for state in held.values()}
        apart = {name: changes for name in grouped if name != PRIMARY
                 and (changes := self._changes_apart(name, states[name], live)) is not None}
        ballast: list[str] = []
        if recent := sorted(page for changed, _ in apart.values() for page in changed):
            # Only pages that carry a revision, which the copy's replaces: another would be listed twice.
            ballast = _ballast([page for name in apart for page in grouped[name]
                                if states[name][page].startswith(_REVISED)], recent)
            grouped[RECENT] = [*recent, *ballast]
            states[RECENT] = {page: self.known[page][-1] for page in recent} | \
                {page: f"{BALLAST_REVISION}:{self.known[page][-1]}" for page in ballast}
        return apart, ballast

    def _states(self, pages: list[str]) -> dict[str, str]:
        """Each page's state (:func:`_search_state`), read again only when its size or time changed."""
        for page in pages:
            state = _search_state(self.site / page, self.known.get(page))
            if state is None:  # not written (yet)
                raise FileNotFoundError(self.site / page)
            self.known[page] = state
        return {page: self.known[page][-1] for page in pages}

    def _made(self, name: str) -> dict[str, str] | None:
        """The states of the pages the bundle ``name`` was made from, in this run or the last."""
        return self.indexed.get(name, self.previous.get("bundles", {}).get(name))

    def _changes_apart(self, name: str, states: dict[str, str],
                       live: set[str] | None = None) -> tuple[list[str], list[str]] | None:
        """For the shard ``name`` of pages in ``states``: its pages to index apart (changed or added
        since it was made) and the revisions it holds that are no longer the pages' (changed or
        removed since), both empty when it is current; or None when it is to be indexed whole: made
        by no run, gone, more than a tenth of it changed, or a superseded state that is no revision
        or that a page has again (in ``live``, every page's state, when known: a page moved from
        another shard's run, which the search page could not tell apart from its copy there)."""
        made = self._made(name)
        if not isinstance(made, dict) or not (self.site / name / "pagefind-entry.json").is_file():
            return None
        changed = [page for page, state in states.items() if made.get(page) != state]
        gone = [page for page in made if page not in states]
        if len(changed) + len(gone) > max(1, len(made) // RECENT_SHARE):
            return None
        stale = [made[page] for page in [*changed, *gone] if page in made]
        if any(not state.startswith(_REVISED) or (live is not None and state in live) for state in stale):
            return None
        return changed, [state.removeprefix(_REVISED) for state in stale]

    def _reusable(self) -> bool:
        """Whether a bundle may be made beside the files of the last run's: made with the same
        settings and program. Asked only as a bundle is made, beside Sphinx: finding the program
        imports asyncio (0.04 s)."""
        program = _program()
        return bool(self.previous and program) and self.previous.get("program") == program

    def _index_if_stale(self, name: str, pages: list[str], states: dict[str, str], ballast: list[str]) -> None:
        """Index the bundle ``name`` of ``pages`` (whose states are ``states``; ``ballast`` among
        them) unless it was made from the same pages, in this run or the last."""
        if self._made(name) != states or not (self.site / name / "pagefind-entry.json").is_file():
            self.results[name] = False  # until made: a run stopped by an error is run again by finish()
            self.results[name] = _index_bundle(self.site, pages, self.state.parent / "search-staging" / name,
                                               self.site / name, reuse=self._reusable(), ballast=ballast)
            if self.results[name]:
                self.indexed[name] = states


def index_site(site: Path, paper_pages: set[str], state: Path) -> dict[str, bool]:
    """Index ``site`` for search in one go (see :class:`SiteIndex`); whether each bundle indexed
    worked."""
    return SiteIndex(site, paper_pages, state).finish()


def _settings() -> dict:
    """What else the index depends on than the pages: Pagefind's version, what it leaves out, and
    the filter that holds the pages' revisions (the states recorded before it were digests)."""
    return {"pagefind": installed_version("pagefind") or "", "exclude": _EXCLUDE, "revision": REVISION_FILTER}


def _search_state(path: Path, known: object) -> list | None:
    """The page's size and time, and its state: what its search entry is made from, its revision
    (``revision:<value>``) when it carries one, else its contents' digest; ``known``'s (an earlier
    result) for a file of the same size and time. None when no file is there."""
    signature = signature_if_file(path)
    if signature is None:
        return None
    if (state := known_digest(signature, known)) is None:
        data = path.read_bytes()
        value = written_revision(data)
        state = f"{_REVISED}{value}" if value else hashlib.sha256(data).hexdigest()
    return [*signature, state]


def _program() -> list:
    """Pagefind's program, by path, size and time: ``PAGEFIND_BINARY_PATH`` may name another than
    the package's, which may write its files otherwise. Empty when it is not there (its run says so)."""
    try:
        program = Path(_pagefind())
        return [str(program), file_signature(program)]
    except (BuildError, OSError):
        return []


@cache
def _pagefind() -> Path:
    """Pagefind's program, run directly: ``python -m pagefind`` started an interpreter to find it,
    0.1 s of each run."""
    from pagefind.service import get_executable  # imports asyncio, which no other command needs

    program = get_executable()
    if program is None:
        raise BuildError("Pagefind's program was not found: reinstall this package (`pip install -e .`)")
    return program.resolve()  # PAGEFIND_BINARY_PATH may name it relative to where the build started


def _ballast(pages: list[str], recent: list[str]) -> list[str]:
    """:data:`BALLAST` of the paper ``pages`` but the ``recent`` ones, spread over them."""
    others = [page for page in pages if page not in set(recent)]
    return [others[index * len(others) // BALLAST] for index in range(min(BALLAST, len(others)))]


def _index_bundle(site: Path, pages: list[str], staging: Path, output: Path, reuse: bool,
                  ballast: Collection[str] = ()) -> bool:
    """Run Pagefind on ``pages`` of ``site`` alone (hard-linked into ``staging``/site at the same
    paths, so that their URLs are the site's; those of ``ballast`` copied, their revision
    :data:`BALLAST_REVISION`), putting the bundle in place of ``output``; whether it
    worked. With ``reuse``, the bundle is made beside the files of ``output`` that Pagefind names by
    their contents' hash: it neither compresses nor writes again those it would make the same (most
    of an edited shard's: a third of the 0.9 s of its Pagefind run at 1,000 papers). The files it
    writes are new, the ``output`` of the last run is not changed in place: the published snapshot
    holds them. Those it wrote the same as ``output``'s are then ``output``'s (see
    :func:`_keep_unchanged_files`)."""
    remove_tree(staging)
    pages_root, bundle = staging / "site", staging / "bundle"
    # Each folder made once: a mkdir per page, each raising that the folder exists, was a third of a
    # second of an edited abstract's shard, beside Sphinx.
    for folder in {os.path.dirname(page) for page in pages}:
        os.makedirs(pages_root / folder, exist_ok=True)
    for page in pages:
        if page in ballast:
            (pages_root / page).write_bytes(with_revision((site / page).read_bytes(), BALLAST_REVISION))
        else:
            os.link(site / page, pages_root / page)
    if reuse:
        _link_hashed_files(output, bundle)
    command = [str(_pagefind()), "--site", str(pages_root), "--output-path", str(bundle),
               "--silent", "--exclude-selectors", _EXCLUDE]
    try:
        made = subprocess.run(command).returncode == 0
    except OSError as error:  # not there, or not a program: reported with the bundle
        print(f"Pagefind could not be started: {error}", file=sys.stderr, flush=True)
        return False
    if made:
        for stale in _unnamed_hashed_files(bundle):
            stale.unlink()
        _keep_unchanged_files(output, bundle)
        remove_tree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        bundle.rename(output)
    return made


# Pagefind's files named by their contents' hash (``pagefind.<hash>.pf_meta`` beside them), which it
# does not write when they exist: "immutable" in its output code.
_HASHED_FOLDERS = ("fragment", "index", "filter")


def _hashed_files(bundle: Path) -> list[Path]:
    """The files of a Pagefind bundle named by their contents' hash."""
    return [*bundle.glob("pagefind.*.pf_meta"), *(file for folder in _HASHED_FOLDERS for file in bundle.glob(f"{folder}/*"))]


def _link_hashed_files(output: Path, bundle: Path) -> None:
    """Hard-link the hashed files of the bundle ``output`` (if any) into the folder ``bundle``."""
    files = [file.relative_to(output) for file in _hashed_files(output)]
    for folder in {file.parent for file in files}:  # only those it has: a new bundle has no empty folder
        os.makedirs(bundle / folder, exist_ok=True)
    for file in files:
        os.link(output / file, bundle / file)


def _keep_unchanged_files(output: Path, bundle: Path) -> None:
    """Put in ``bundle`` the files of ``output`` that Pagefind wrote again the same, under names
    that are no hash (its program, its interface, the WebAssembly), as the files they were: Pagefind
    writes them anew in every run, so the zip deflated them again and the snapshot copied them
    (600 kB a shard), and a reader's browser asked whether they had changed."""
    for new in bundle.iterdir():
        old = output / new.name
        if new.is_file() and old.is_file() and new.read_bytes() == old.read_bytes():
            with replacing(new) as temporary:
                os.link(old, temporary)


def _unnamed_hashed_files(bundle: Path) -> list[Path]:
    """The hashed files of ``bundle`` that its index does not name: those of an earlier run. Every
    file but the index of each language is named in that index (a gzip-compressed document, whose
    strings hold the names' hashes). None when the index cannot be read so: a file kept for nothing
    costs its bytes, one removed for nothing would break the search."""
    entry = read_json(bundle / "pagefind-entry.json", {})
    languages = entry.get("languages")
    hashes = [language.get("hash") for language in languages.values() if isinstance(language, dict)] \
        if isinstance(languages, dict) else []
    current = {f"pagefind.{value}.pf_meta" for value in hashes if isinstance(value, str)}
    if not current or len(current) != len(hashes):
        return []
    try:
        named = b"\0".join(gzip.decompress((bundle / name).read_bytes()) for name in sorted(current))
    except (OSError, EOFError, zlib.error):
        return []
    return [file for file in _hashed_files(bundle)
            if file.name not in current and (file.suffix == ".pf_meta" or file.stem.encode() not in named)]


def site_index(project: Project, volume: Proceedings) -> SiteIndex:
    """The search index of the project's built site, its papers' pages sharded."""
    return SiteIndex(project.work_html, {f"{paper_docname(paper.id)}.html" for paper in volume.papers},
                     project.work / "search.json")


def finish_index(index: SiteIndex, followed: Callable[[], None]) -> None:
    """:meth:`SiteIndex.finish` (``followed()`` returning once the shards followed are made);
    raises when Pagefind fails."""
    failed = [name for name, ok in index.finish(followed).items() if not ok]
    if failed:
        raise BuildError(f"Pagefind could not index {', '.join(sorted(failed))}; the messages above say why")
