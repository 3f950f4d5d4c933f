"""The build, stage by stage: read ``papers/`` into the model, write the generated pages, run Jupyter
Book while the files beside the pages are made and zipped, then index the site for search while the
rest is zipped and staged for publishing."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .inputs.checks import book_problems, check_project
from .inputs.loader import load
from .inputs.pdf import PdfCache
from .model.locations import Project
from .outputs.citation import Citations
from .pages.book import pages_changed_by_hand, write_pages
from .pages.generated import INDEX_PAGE_LIMIT
from .records.diagnostics import Diagnostics
from .records.fields import math_checks_kept_in
from .site.assets import VOLUME_PDF, put_volume_pdf, start_volume_pdf, write_assets
from .site.book_server import start_jupyter_book_server
from .site.errors import BuildError, InputsChanged
from .site.jupyter_book import (
    NOTEBOOK_REPORTS,
    BookRun,
    ReadiedRun,
    WrittenPages,
    forget_book_run,
    planned_run,
    readied_run,
    run_jupyter_book,
    without_repeats,
)
from .site.publish import publish
from .site.search import BUNDLE_FOLDERS, SiteIndex, docname, finish_index, site_index
from .site.sitezip import SITE_ZIP, site_zip
from .site.stamp import (
    build_inputs,
    changed_sources,
    forget_last_build,
    found_if_unchanged,
    paper_digests,
    published_digest,
    published_site,
    record_build,
)
from .util.files import FilesPut, exclusive, file_signatures, signatures_among, without, without_leftovers
from .util.priority import LAST_NICENESS, lower_thread_priority
from .util.progress import Timings

ZIP_FOLLOW_SECONDS = 0.2
"""How often the zip looks at how far Sphinx has written, to take the pages written: each batch of
pages costs it a pass over the last zip's entries (10,000 at 1,000 papers), and it waits for the
search index at its end anyway (the search index looks more often: ``search.FOLLOW_SECONDS``)."""


@dataclass(frozen=True)
class BuildOptions:
    """How to build, as the command line sets it."""

    keep_going: bool = False
    """Build what is valid: leave out records with errors, and files that cannot be used."""
    verbose: bool = False
    """Show Jupyter Book's whole log as it runs, instead of its warnings at the end."""
    volume_pdf: bool = True
    """Make the volume PDF, which also gives every paper its page numbers."""
    index_page_limit: int = INDEX_PAGE_LIMIT
    """Past this many links to papers, the papers index lists the tracks, and the author and keyword
    indexes get a page per initial letter."""


def build(project: Project, timings: Timings, options: BuildOptions = BuildOptions(),
          diags: Diagnostics | None = None) -> tuple[bool, Diagnostics]:
    """Validate the inputs and, when they hold no error (or with ``keep_going``: whatever is valid),
    write pages and files, build the site and publish it.

    Returns whether the site is built (False when errors stopped the build) and every diagnostic, put
    into ``diags`` (when given) as they are found: a build stopped by one of its own files damaged by
    hand (an OSError) has found them too. Raises :class:`~proceedings.site.errors.BuildError` when
    Jupyter Book or Pagefind fails. A second build of the project started meanwhile waits for this one
    (the project's folder is the lock: a build that finds errors writes nothing, not even a lock file).
    """
    diags = Diagnostics() if diags is None else diags
    if not project.root.is_dir():  # nothing to lock, nor to build: what loading it says
        diags.extend(load(project)[1])
        return False, diags
    with exclusive(project.root, "Another build of this project is running: waiting for it to end."):
        try:
            return _build(project, timings, options, diags), diags
        except BuildError as error:
            error.diagnostics.extend(diags)
            raise


def _build(project: Project, timings: Timings, options: BuildOptions, diags: Diagnostics) -> bool:
    """Whether the site is built, every diagnostic found on the way put into ``diags``."""
    inputs = build_inputs(project, _output_options(options))
    if (found := found_if_unchanged(project, inputs)) is not None and not (again := _checked_again(project)).has_errors:
        diags.extend(found)
        recorded = set(found.items)
        diags.extend(Diagnostics([finding for finding in again.items if finding not in recorded]))
        record_build(project, inputs, found)  # with the files' new times, if any were touched: not read again
        print("Nothing changed since the last build: the site is up to date.", flush=True)
        return True
    start_jupyter_book_server()  # it imports Jupyter Book (a core for a second) while the inputs load
    # Once they are loaded, Jupyter Book's process sets Sphinx up as the last run did while the pages
    # are written, and waits for them.
    with readied_run(project, options.verbose) as readied:
        return _site_built(project, timings, options, diags, inputs, readied)


def _output_options(options: BuildOptions) -> dict:
    """The options as the build's inputs record them: the log's verbosity is the one option that
    changes no output."""
    return {**asdict(options), "verbose": None}


def _site_built(project: Project, timings: Timings, options: BuildOptions, diags: Diagnostics, inputs: dict,
                readied: ReadiedRun | None) -> bool:
    """Whether the site is built from the inputs, read first as ``inputs`` and changed since the
    last build, with Jupyter Book's ``readied`` process if it can be taken; every diagnostic found
    on the way put into ``diags``."""
    pdf_cache = PdfCache(project.pdf_facts)
    with timings.stage("load"):
        with math_checks_kept_in(project.math_checks) as math_checks:
            volume, found = load(project, keep_going=options.keep_going, timings=timings,
                                 digests=paper_digests(project, inputs), pdf_cache=pdf_cache)
        book = book_problems(project, volume)
        book.extend(pages_changed_by_hand(project))
        found.extend(book)
        found.extend(check_project(project, volume))
    diags.extend(found)
    if volume is None or book.has_errors or (found.has_errors and not options.keep_going):
        return False
    math_checks.save()
    if readied:
        readied.start(volume.workshop)
    volume = replace(volume, volume_pdf=options.volume_pdf)
    forget_last_build(project)
    volume_pdf = start_volume_pdf(project, volume)
    citations = Citations(volume, project.references, project.citation_records)
    with timings.stage("pages"):
        pages = write_pages(project, citations, pdf_cache.text, options.index_page_limit)
    print(f"{len(volume.papers)} papers: {pages} page(s) updated.", flush=True)
    # Before the thread below starts: walking book/ while it runs waited for the interpreter lock at
    # every file (1.3 s instead of 0.02 s at 1,000 papers).
    book_run = planned_run(project, volume.workshop)
    index = site_index(project, volume)
    # Sphinx runs in a process of its own, on one core, and needs none of the files published beside
    # the pages: those (previews, the volume PDF, citations) are made meanwhile, the search index of
    # the pages it has written, and the zip of those files.
    def inputs_read_again() -> dict:
        again = build_inputs(project, _output_options(options), inputs)
        if changed := changed_sources(inputs, again):
            # A file of papers/ only feeds the pages written before Sphinx read them, which the next
            # build writes again if it changed: Sphinx then reads those alone. Forgetting its run
            # after any change ran it again over every page (20 s at 1,701 papers, for a second
            # save while `serve` built the first).
            if any(not name.startswith("papers/") for name in changed):
                forget_book_run(project)
            raise InputsChanged(changed)
        return again

    written = WrittenPages(project).current
    with ThreadPoolExecutor(max_workers=1) as background, _indexing_written_pages(index, written, book_run) as indexed:
        files = background.submit(_timed_assets, project, citations, pdf_cache, timings)
        volume_file = background.submit(_timed_volume_pdf, project, volume_pdf, timings)
        with _zipped_and_published(project, (files, volume_file), timings, inputs_read_again, written,
                                   index.paper_pages) as finishing:
            with timings.stage("sphinx"):
                if book_run:
                    diags.extend(without_repeats(run_jupyter_book(project, book_run, options.verbose, readied), diags))
                else:
                    if readied:
                        readied.end()
                    print("The book's pages and settings are unchanged: Jupyter Book had nothing to do.\n", end="", flush=True)
            finishing.built.set()
            with timings.stage("search index"):
                finish_index(index, indexed)
            finishing.searched.set_result(None)
    # As read once every input was: a change made since is not in the site, and the next build sees it.
    record_build(project, {**finishing.inputs, "site": published_site(project), "published": published_digest(finishing.site)},
                 diags)  # Jupyter Book's warnings too
    return True


def _checked_again(project: Project) -> Diagnostics:
    """The checks a build with nothing changed makes again: those that need no record of
    ``papers/``, and read what its signed inputs do not hold (the modules installed, pages outside
    ``book/`` that the table of contents names, a page put in a folder the build writes while it
    ran). Their findings are among those the last build recorded, unless one of those changed."""
    found = book_problems(project)
    found.extend(pages_changed_by_hand(project))
    found.extend(check_project(project, None))
    return found


def _timed_assets(project: Project, citations: Citations, pdf_cache: PdfCache, timings: Timings) -> FilesPut:
    """The volume's PDF facts cached (beside Sphinx: their texts are 0.3 s to write at 1,000 papers),
    then :func:`write_assets` as the stage "files", for the background thread."""
    with timings.stage("files"):
        # Which lets go of the texts of the PDFs read in this build, in the pages now: Sphinx runs beside
        # this process (at 3,000 papers its peak is the build's, near the 2 GiB target).
        pdf_cache.put_all(citations.volume.pdfs.values())
        return write_assets(project, citations)


def _timed_volume_pdf(project: Project, volume_pdf: Callable[[], Path | None], timings: Timings) -> None:
    """:func:`put_volume_pdf` as the stage "volume PDF" (most of it waiting for the process that
    makes it), for the background thread."""
    with timings.stage("volume PDF"):
        try:
            put_volume_pdf(project, volume_pdf)
        except Exception as error:  # its process's: a PDF it could not read (one replaced meanwhile?)
            raise BuildError(f"the volume PDF could not be made ({type(error).__name__}: {error})") from error


@contextmanager
def _indexing_written_pages(index: SiteIndex, written: Callable[[], str | None],
                            book_run: BookRun | None) -> Iterator[Callable[[], None]]:
    """Index the pages Sphinx writes for search while the body runs it (if ``book_run``), as
    ``written()`` (:meth:`WrittenPages.current`) says how far it is; yields a
    function that waits for the shard being indexed, once Sphinx has ended: the rest of the index
    must not begin before, but the zip and the snapshot may."""
    done = threading.Event()
    follower = threading.Thread(target=index.follow, args=(written, done), name="search index",
                                daemon=True)

    def followed() -> None:
        done.set()
        if follower.is_alive():
            follower.join()
    if book_run:
        follower.start()
    try:
        yield followed
    finally:
        followed()


@dataclass
class _Finishing:
    """What the zip and the snapshot wait for, as the build reaches it."""

    built: threading.Event = field(default_factory=threading.Event)
    """Set once Sphinx has ended: the pages are written."""
    searched: Future[None] = field(default_factory=Future)
    """Done once the search index is made; failed when the build failed."""
    inputs: dict = field(default_factory=dict)
    """The inputs as read again once Sphinx, the files beside the pages and the volume PDF had read
    them, before the snapshot was switched to (see :func:`~proceedings.site.stamp.build_inputs`)."""
    site: dict[str, list[int]] = field(default_factory=dict)
    """The files of the site as published, with their signatures."""


@contextmanager
def _zipped_and_published(project: Project, put: tuple[Future[FilesPut], Future[None]], timings: Timings,
                          read_again: Callable[[], dict], written: Callable[[], str | None],
                          pages: Collection[str]) -> Iterator[_Finishing]:
    """Zip the site and publish it as the body runs Sphinx and indexes the site. The zip takes the
    files beside the pages once ``put`` has put them, while Sphinx runs (the PDFs are most of its
    bytes), the paper ``pages`` as ``written()`` (:meth:`WrittenPages.current`) passes them, the rest
    of the site once the body sets ``built``, and the search index and the volume PDF once
    ``searched`` is done and ``put`` has put the volume too; the snapshot takes the site once Sphinx
    has ended, then those, and the zip last. It links what is only ever replaced whole (the files
    beside the pages, the volume, the index, the zip) rather than copying it, and is not made when
    ``read_again()``, called once every input has been read (by Sphinx, the files beside the pages
    and the volume PDF) while the search index is made, raises (an input changed while the build
    read it); what it returns is kept as ``inputs``. The snapshot before the published one, from
    which the new one is made, and the published one are read while Sphinx runs. The three run at
    the lowest priority, below the shards indexed while Sphinx writes."""
    finishing = _Finishing()
    files, volume_file = put
    made_last = (*BUNDLE_FOLDERS, VOLUME_PDF)
    late = (SITE_ZIP, *made_last)
    walking = threading.Lock()
    walked: list[dict[str, list[int]]] = []

    def site_as_built() -> dict[str, list[int]]:
        # Walked once, by the first of the zip and the snapshot to ask once Sphinx has ended: ten
        # thousand files at 1,000 papers, beside the search index; the files beside the pages are not
        # asked for their signatures again.
        with walking:
            if not walked:
                found = file_signatures(project.work_html, known=files.result().signatures)
                walked.append(without(without_leftovers(project.work_html, found), (*late, NOTEBOOK_REPORTS)))
            return walked[0]

    def site_written() -> None:
        finishing.built.wait()
        if finishing.searched.done():  # raises if the build failed: the site is not zipped or staged for nothing
            finishing.searched.result()

    def pages_as_written() -> Iterator[list[str]]:
        pending = sorted(pages, key=docname)
        while pending and not finishing.built.wait(ZIP_FOLLOW_SECONDS):
            if count := bisect.bisect_left(pending, written() or "", key=docname):
                yield pending[:count]
                del pending[:count]
        site_written()

    def zip_site() -> None:
        beside = files.result()
        print(f"{beside.written} file(s) beside the pages updated.\n", end="", flush=True)  # one write: see Timings.stage
        site_zip(project.work_html, project.work / "site-zip.json", made_last, indexed_and_bound,
                 beside.signatures, pages_as_written, site_as_built)

    def indexed_and_bound() -> None:
        finishing.searched.result()
        volume_file.result()

    def publish_site() -> Path:
        return publish(project.work_html, project.sites, project.html, late, read_and_zipped,
                       lambda: {*files.result().signatures, *late}, site_as_built, site_written)

    def inputs_read_once_used() -> None:
        # Sphinx, the files beside the pages and the volume PDF have read every input by then: read
        # again beside the search index, rather than after it as the snapshot's last step (0.1-0.2 s
        # of an edited abstract's end at 1,000 papers).
        site_written()
        files.result()
        try:
            volume_file.result()
        finally:  # a PDF replaced while the volume read it is named as changed, rather than as unreadable
            finishing.inputs = read_again()

    def read_and_zipped() -> None:
        read.result()
        zipped.result()

    with ThreadPoolExecutor(max_workers=3, initializer=lower_thread_priority,
                            initargs=(LAST_NICENESS,)) as finishing_threads:
        try:
            zipped = finishing_threads.submit(zip_site)
            published = finishing_threads.submit(publish_site)
            read = finishing_threads.submit(inputs_read_once_used)
            yield finishing
        finally:
            if not finishing.searched.done():  # Sphinx or the index failed, or the build was stopped
                finishing.searched.set_exception(BuildError("the search index was not made"))
            finishing.built.set()  # so that the threads end
        with timings.stage("zip and publish"):
            published.result()
            finishing.site = site_as_built() | signatures_among(project.work_html, late)
