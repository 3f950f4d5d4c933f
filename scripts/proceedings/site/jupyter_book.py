"""Running Jupyter Book on the project, in a process of its own, only when its inputs changed."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

import yaml

from ..model.locations import PAGE_SUFFIXES, Project, page_files
from ..model.workshop import Workshop
from ..records.diagnostics import Diagnostics
from ..util import myst
from ..util.files import (
    content_signature,
    content_signatures,
    file_signature,
    file_signatures,
    read_json,
    text_head,
    timeless,
    write_if_changed,
)
from ..util.processes import deaf_children
from ..util.software import installed_versions
from .book_server import BOOK_PROCESSES, jupyter_book_main
from .errors import BuildError

NOTEBOOK_REPORTS = "reports/"
"""Where MyST-NB writes the traceback of a notebook that failed to run, in Sphinx's output: it holds
the cells' code and the machine's paths, and stays after the notebook is fixed. Never published (the
build's message names it in the work folder)."""

# What else decides Jupyter Book's output, beside the project's files.
_BOOK_SOFTWARE = ("jupyter-book", "sphinx", "myst-parser", "myst-nb", "sphinx-book-theme", "pydata-sphinx-theme",
                  "sphinx-design", "sphinxext-opengraph")


def book_config(project: Project, workshop: Workshop) -> Path:
    """Jupyter Book's configuration, written into the work folder (only when it changed): the
    project's ``_config.yml`` with the site's title and URL from ``workshop.yml``, the one place
    where an organizer states them, and where the extension logs the pages it writes
    (:class:`WrittenPages`)."""
    path = project.root / "_config.yml"
    config = _table(yaml.safe_load(path.read_text("utf-8")) if path.is_file() else None)
    sphinx = _table(config.get("sphinx"))
    config |= {"title": workshop.short_title or workshop.title,
               "html": {**_table(config.get("html")), "baseurl": workshop.base_url},
               "sphinx": {**sphinx, "config": {**_table(sphinx.get("config")),
                                               "proceedings_page_log": str(_page_log(project))}}}
    target = _config_file(project)
    write_if_changed(target, yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return target


def _config_file(project: Project) -> Path:
    """Where :func:`book_config` writes Jupyter Book's configuration."""
    return project.work / "_config.yml"


def _table(value: object) -> dict:
    """``value`` if it is a mapping of settings (the organizer's file may hold anything), else none."""
    return value if isinstance(value, dict) else {}


def jupyter_book_inputs(project: Project, last: object = None) -> dict:
    """Everything Jupyter Book's output depends on: the book's files, its configuration, its
    navigation (the table of contents and the titles of the pages it may list), our Sphinx
    extension (its code, templates and static files, the helpers it imports, the package's version)
    and the versions of the software. The organizer's files with their contents' digests, taken
    from ``last`` (an earlier result) for those with the same size and time."""
    package = Path(__file__).parents[1]
    last = last if isinstance(last, dict) else {}
    extension = {f"{folder}/{name}": signature for folder in ("sphinxext", "util")
                 for name, signature in file_signatures(package / folder).items() if "__pycache__" not in name}
    toc = content_signature(project.root / "_toc.yml", last.get("navigation", {}).get("toc"))
    pages = content_signatures(project.book, last.get("book"))
    return {"book": pages,
            "config": content_signature(_config_file(project), last.get("config")),
            "navigation": {"toc": toc, "titles": page_titles(project.book, pages, last)},
            "extension": {**extension, "__init__.py": file_signature(package / "__init__.py")},
            "software": installed_versions(_BOOK_SOFTWARE)}


def compared_book_inputs(inputs: dict) -> dict:
    """:func:`jupyter_book_inputs` as compared with another's: a file touched or saved without a
    change (an editor, a checkout) is unchanged, and Jupyter Book is not run (nor run whole, for
    the table of contents)."""
    navigation = inputs.get("navigation", {})
    files = timeless({"config": inputs.get("config"), "toc": navigation.get("toc")})
    return {**inputs, "book": timeless(inputs.get("book", {})), "config": files["config"],
            "navigation": {**navigation, "toc": files["toc"]}}


def page_titles(book: Path, pages: dict[str, list], last: object = None) -> dict[str, str]:
    """The title of each page of ``book`` that the table of contents may list (every page not marked
    ``orphan``), by path (see :func:`_listed_title`). With the table of contents, what every page's
    sidebar and previous and next links are made of. ``pages`` are the book's files with their
    contents' digests (:func:`content_signatures`); a page whose digest ``last`` (an earlier
    :func:`jupyter_book_inputs`) gives too has the title it had, without being read (1,000 paper
    pages were read at every build, twice)."""
    last = last if isinstance(last, dict) else {}
    last_pages, last_titles = last.get("book"), last.get("navigation", {}).get("titles")
    last_pages = last_pages if isinstance(last_pages, dict) else {}
    last_titles = last_titles if isinstance(last_titles, dict) else {}
    titles = {}
    for name, signature in pages.items():
        if not name.endswith(PAGE_SUFFIXES):
            continue
        if _same_contents(last_pages.get(name), signature):
            if name in last_titles:
                titles[name] = last_titles[name]
        elif (title := _listed_title(book / name, signature)) is not None:
            titles[name] = title
    return titles


def _same_contents(before: object, now: list) -> bool:
    """Whether two of :func:`content_signatures`' entries give the same digest."""
    return isinstance(before, list) and len(before) == len(now) and before[-1] == now[-1]


def _listed_title(page: Path, signature: list) -> str | None:
    """The title of ``page``, whose :func:`content_signatures` entry is ``signature``: a MyST page's
    or a notebook's first heading (None for a MyST page marked ``orphan``, which no table of
    contents lists); the contents' digest for another page, or a notebook without such a heading
    (its title is not read here: any change of its contents is taken for a new title). The size and
    time were taken before: a notebook touched, or one of its cells edited, had every page read again."""
    if page.suffix == ".md":
        return _myst_title(page)
    title = _notebook_title(page) if page.suffix == ".ipynb" else None
    return signature[-1] if title is None else title


def _myst_title(page: Path) -> str | None:
    """The first heading of the MyST page ``page`` (empty if none), or None when it is marked ``orphan``."""
    # The front matter of a generated page is in its first hundred characters: most pages of a
    # large book (the papers') are orphans, found so without reading them whole.
    head = text_head(page, 1000)
    if myst.declares_orphan(head[:myst.front_matter_end(head)]):
        return None
    text = page.read_text("utf-8", errors="replace")
    end = myst.front_matter_end(text)
    if myst.declares_orphan(text[:end]):
        return None
    return _first_heading(text[end:]) or ""


# An ATX heading of any level (Sphinx titles a page by its first section, whatever the level), a
# setext heading's underline, and a fence's opening, in which a "# " line is code.
_HEADING = re.compile(r"#{1,6}(?:[ \t]+(.*?))?[ \t]*#*[ \t]*")
_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _first_heading(text: str) -> str | None:
    """The text of the first Markdown heading of ``text`` (ATX or setext, of any level, outside code
    fences), if any."""
    fence, paragraph = "", list[str]()  # the lines of the paragraph so far, which an underline makes a heading
    for line in text.splitlines():
        if fence:
            fence = "" if line.strip().startswith(fence) and not line.strip().strip(fence[0]) else fence
        elif opened := _FENCE.match(line):
            fence, paragraph = opened.group(1), []
        elif heading := _HEADING.fullmatch(line):
            return (heading.group(1) or "").strip()
        elif _UNDERLINE.fullmatch(line):
            if paragraph:
                return " ".join(paragraph)
            # else a thematic break (---), or text (===) that starts no heading
        elif line.strip():
            paragraph.append(line.strip())
        else:
            paragraph = []
    return None


def _notebook_title(page: Path) -> str | None:
    """The first heading of the notebook ``page``'s Markdown cells; None when it has none, or is not
    a notebook's JSON (which Jupyter Book reports)."""
    try:
        cells = json.loads(page.read_text("utf-8", errors="replace")).get("cells")
        for cell in cells if isinstance(cells, list) else ():
            source = cell.get("source", "") if isinstance(cell, dict) and cell.get("cell_type") == "markdown" else ""
            if (heading := _first_heading("".join(source) if isinstance(source, list) else str(source))) is not None:
                return heading
    except (ValueError, AttributeError, TypeError, RecursionError):
        return None
    return None


LOG_END_READ = 4096
"""How much of the end of the log of pages written :meth:`WrittenPages.current` reads: more than a
page's name."""


def _page_log(project: Project) -> Path:
    """Where our extension logs each page Sphinx begins to write (``proceedings_page_log``)."""
    return project.work / "pages-written.log"


class WrittenPages:
    """How far Jupyter Book's run has written the site, from the extension's log of the pages it
    begins to write; the log of an earlier run is removed first."""

    def __init__(self, project: Project):
        self.log = _page_log(project)
        """The log, which the extension appends to."""
        self.log.unlink(missing_ok=True)

    def current(self) -> str | None:
        """The page Sphinx is writing (every page it writes is named in order, so those named
        before it are written), or None before it writes any."""
        # Its end only: the log of a cold build at 1,000 papers is 30 kB, and the search index asks
        # fifty times a second.
        try:
            with self.log.open("rb") as log:
                start = max(log.seek(0, os.SEEK_END) - LOG_END_READ, 0)
                log.seek(start)
                lines = log.read().split(b"\n")
                if start and len(lines) < 3:  # fewer than two line ends in its end: a name longer than that
                    log.seek(0)
                    lines = log.read().split(b"\n")
        except OSError:
            return None
        # The last line ended: a page's name written whole.
        return lines[-2].decode("utf-8", "replace") if len(lines) > 1 else None


def forget_book_run(project: Project) -> None:
    """Drop the record of Jupyter Book's last run: the next build runs it over every page. For a
    build during which a page of the book, the settings or the software changed: a page edited then
    and changed back would otherwise look built, as Sphinx rendered it in between (and a title so
    changed would stay in every page's navigation)."""
    _last_inputs(project).unlink(missing_ok=True)


def _last_inputs(project: Project) -> Path:
    """Where the inputs of Jupyter Book's last successful run are kept."""
    return project.work / "jupyter-book-inputs.json"


def _running_marker(project: Project) -> Path:
    """The file that is there while Jupyter Book runs: still there, the run was interrupted."""
    return project.work / "BUILDING"


@dataclass(frozen=True)
class BookRun:
    """A run of Jupyter Book that its inputs call for."""

    argv: list[str]
    """Jupyter Book's command line."""
    inputs: str
    """:func:`jupyter_book_inputs` as JSON, recorded once the run succeeds."""


def planned_run(project: Project, workshop: Workshop) -> BookRun | None:
    """How to build the HTML with Jupyter Book into the work folder: incrementally unless the last
    build there was interrupted (its half-written pages would look up to date) or the tool or the
    software changed. None when none of its inputs changed since it last succeeded: starting it
    takes seconds, only to find nothing to do."""
    config = book_config(project, workshop)
    last = read_json(_last_inputs(project), {})
    current = jupyter_book_inputs(project, last)
    last, compared = compared_book_inputs(last), compared_book_inputs(current)
    interrupted = _running_marker(project).exists()
    if not interrupted and last == compared:
        return None
    argv = _argv(project, config)
    # Sphinx rewrites only pages whose sources changed, and copies static files only when it writes:
    # a new version of our extension or of the software must reach every page, and so must a new
    # table of contents or a listed page's new title, which every page's sidebar and previous and
    # next links show.
    if interrupted or any(last.get(part) != compared[part] for part in ("extension", "software", "navigation")):
        argv.append("--all")
    return BookRun(argv, json.dumps(current, sort_keys=True))


def _argv(project: Project, config: Path) -> list[str]:
    """Jupyter Book's command line for an incremental run (``--all`` is added for a whole one)."""
    return ["build", str(project.root), "--builder", "html", "--path-output", str(project.work), "--config", str(config)]


class ReadiedRun:
    """Jupyter Book's process started once the build has loaded the inputs, before it writes the
    pages, as an incremental run: forked from the server, it sets Sphinx up (reads the configuration
    and the table of contents, sets the extensions up, loads the environment Sphinx pickled in its
    last run) while the command checks the inputs and writes the pages, then waits in
    ``Sphinx.build`` for word to go on (see :func:`~proceedings.site.book_server.jupyter_book_main`).
    That set-up was 0.45 s of an edited abstract's 4.2 s at 1,000 papers, on the critical path, while
    the second core idled. Started after the load rather than with the build: the thread that starts
    it waits for the server's imports, and while it runs the load's PDF workers could not be forks of
    the command (:func:`~proceedings.util.processes.worker_context`): reading 24 new PDFs took seconds
    longer, the workers waiting for the server and importing the PDF reader themselves.

    Taken only if the run the build then plans has the same command line (not ``--all``, which sets
    Sphinx up without the pickled environment) and the files Sphinx read as it started are as they
    were (:func:`_set_up_from`; the build writes Jupyter Book's configuration before this starts);
    otherwise it is ended and a new process runs, as is one that ended before it was told (Sphinx
    refused a setting, or it was killed). The pages it reads once told to go on. A file the build
    reads changed meanwhile is found as in any build (the inputs are read again once Sphinx has read
    them). Its log and warnings are written apart until it is taken, so that one ended leaves the last
    run's in place."""

    def __init__(self, project: Project):
        self.project = project
        """The project it builds."""
        self.argv: list[str] = []
        """The command line it was started with (none before :meth:`start`)."""
        self.set_up_from: dict[str, list | None] = {}
        """The files Sphinx reads as it starts, as they were before it started."""
        self._told, self._go = BOOK_PROCESSES.Pipe()  # the child's end, and ours
        self._process: BaseProcess | None = None
        self._starting: threading.Thread | None = None
        self._settled = False  # taken, or ended
        self._lock = threading.Lock()

    def start(self, workshop: Workshop) -> None:
        """Write Jupyter Book's configuration for ``workshop`` and start the process, from a thread
        (the server answers once it has imported Jupyter Book, a second after the build began)."""
        self.argv = _argv(self.project, book_config(self.project, workshop))
        self.set_up_from = _set_up_from(self.project)
        self._process = BOOK_PROCESSES.Process(target=jupyter_book_main, args=(
            self.argv, str(self.project.root), *map(str, _readied_logs(self.project)), self._told))
        self._starting = threading.Thread(target=self._start, args=(self._process,), name="readied Jupyter Book",
                                          daemon=True)
        self._starting.start()

    def _start(self, process: BaseProcess) -> None:
        with suppress(OSError, EOFError), deaf_children():  # the server gone: the command is ending
            process.start()
        self._told.close()  # the child's now
        with self._lock:
            if self._settled:  # ended while it started
                self._stop()

    def taken(self, argv: list[str]) -> BaseProcess | None:
        """The process, told to go on, if it runs ``argv`` and what Sphinx read as it started is
        unchanged, its log and warnings moved where a run's are (once it has set Sphinx up, which
        is waited for); else None, the process ended."""
        if self._starting is not None:
            self._starting.join()
        with self._lock:
            if not self._settled and self._process is not None and argv == self.argv \
                    and _set_up_from(self.project) == self.set_up_from and self._process.is_alive():
                try:
                    # Waited for if still setting up (a small book's pages are written first): a new
                    # process would take longer. Its logs are open once it has said so.
                    self._go.recv()
                    for readied, path in zip(_readied_logs(self.project), _logs(self.project), strict=True):
                        os.replace(readied, path)
                    self._go.send(True)
                except (OSError, EOFError):  # it ended meanwhile (a setting Sphinx refused): a new run says why
                    pass
                else:
                    self._settled = True
                    self._go.close()
                    return self._process
        self.end()
        return None

    def end(self) -> None:
        """End the process unless it was taken (if it is still starting, once started)."""
        with self._lock:
            if not self._settled:
                self._settled = True
                self._stop()

    def _stop(self) -> None:
        if self._process is not None and self._process.pid is not None:
            self._process.terminate()
            self._process.join()
            self._process.close()  # its descriptors now, not once a collection finds it
        self._go.close()
        if self._starting is None:  # else the thread that starts it closes the child's end
            self._told.close()
        for log in _readied_logs(self.project):
            log.unlink(missing_ok=True)


def _set_up_from(project: Project) -> dict[str, list | None]:
    """The files that Jupyter Book and Sphinx read as they start, with their contents' digests: its
    configuration and the table of contents. (The pickled environment and the record of the last
    build, which they also read, only a run writes.)"""
    return {"config": content_signature(_config_file(project)), "toc": content_signature(project.root / "_toc.yml")}


@contextmanager
def readied_run(project: Project, verbose: bool = False) -> Iterator[ReadiedRun | None]:
    """A :class:`ReadiedRun`, for the block, when Jupyter Book last ran and succeeded (else the run
    is ``--all``) and its log is not shown (``verbose``: Sphinx's first lines would be shown among
    the build's); ended at the block's end unless taken."""
    if verbose or not _last_inputs(project).is_file() or _running_marker(project).exists():
        yield None
        return
    readied = ReadiedRun(project)
    try:
        yield readied
    finally:
        readied.end()


def _logs(project: Project) -> tuple[Path, Path]:
    """Where Jupyter Book's process writes its log and its warnings."""
    return project.work / "jupyter-book.log", project.work / "jupyter-book-warnings.log"


def _readied_logs(project: Project) -> tuple[Path, Path]:
    """Where a :class:`ReadiedRun`'s process writes them until it is taken."""
    return project.work / "jupyter-book-readied.log", project.work / "jupyter-book-readied-warnings.log"


def run_jupyter_book(project: Project, run: BookRun, verbose: bool = False,
                     readied: ReadiedRun | None = None) -> Diagnostics:
    """Run Jupyter Book as ``run`` says, in a process of its own (``readied``'s, if it can be
    taken); raises when it fails.

    Sphinx's log is shown only when ``verbose``; its warnings are given back as diagnostics, reported
    and counted with the build's own (and shown as they are, with the log, when it fails)."""
    interrupted, stamp = _running_marker(project), _last_inputs(project)
    project.work.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    interrupted.touch()
    log, warnings = _logs(project)
    process = readied.taken(run.argv) if readied else None
    if process is None:
        process = BOOK_PROCESSES.Process(target=jupyter_book_main,
                                          args=(run.argv, str(project.root), None if verbose else str(log), str(warnings)))
        with deaf_children():
            process.start()
    try:
        process.join()
    except BaseException:
        # Interrupted: Sphinx must not go on writing into the work folder that the next build uses.
        process.terminate()
        process.join()
        raise
    said = _without_colours(warnings.read_text("utf-8", errors="replace"))
    exitcode = process.exitcode
    process.close()  # its descriptors now: in `serve`, a build stopped by an edit kept them until a collection
    if exitcode != 0:
        output = "" if verbose else _without_colours(log.read_text("utf-8", errors="replace"))
        print("Jupyter Book says:\n" + output + said, file=sys.stderr)
        raise BuildError(f"jupyter-book build failed (exit {exitcode}); the messages above say why")
    interrupted.unlink()
    stamp.write_text(run.inputs, "utf-8")
    return _warning_diagnostics(said, project, warnings)


# Jupyter Book's messages that say what check says of the same place, with less to act on.
_REPEATS = ("document isn't included in any toctree", "cross-reference target not found", "unknown document")


def without_repeats(said: Diagnostics, ours: Diagnostics) -> Diagnostics:
    """Jupyter Book's messages ``said`` but those that repeat one of ``ours`` (the same file and line)."""
    places = {(diagnostic.file, diagnostic.line) for diagnostic in ours.items}
    return Diagnostics([diagnostic for diagnostic in said.items
                        if (diagnostic.file, diagnostic.line) not in places or not any(
                            repeat in diagnostic.message for repeat in _REPEATS)])


def _without_colours(text: str) -> str:
    # The colour codes Sphinx writes even into a file, which a log or CI would show as codes.
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# Where a message of Sphinx's begins: "[where: ]LEVEL: ", where is "path[:line][:more]". Docutils'
# SEVERE (a missing {include}, which left the page without it) comes as CRITICAL.
_LEVEL = re.compile(r"(?:^|: )(WARNING|ERROR|CRITICAL|SEVERE): ")
# A longer "where" is no path (Linux's PATH_MAX), and is not looked for as one.
_MAX_PATH = 4096


def _warning_diagnostics(said: str, project: Project, warnings: Path) -> Diagnostics:
    """Sphinx's messages as warnings at the project's file and line they name (the file they were
    written to when they name none), so that the build reports and counts them with its own. They
    stay warnings, as the site was built; the level Sphinx gave (ERROR, CRITICAL) begins the message.
    A line that begins no message goes on the last one (docutils' messages quote the text at fault)."""
    diags = Diagnostics()
    root = f"{project.root}{os.sep}"
    for file, line, level, parts in _messages(said.splitlines(), project.root, _relative(warnings, project.root)):
        message = " ".join(parts)
        if file.endswith(".ipynb") and line and line > _NOTEBOOK_CELL_LINES:
            message, line = f"cell {line // _NOTEBOOK_CELL_LINES}, line {line % _NOTEBOOK_CELL_LINES - 1}: {message}", None
        diags.warning(file, line, None, f"Jupyter Book{'' if level == 'WARNING' else ' ' + level}: "
                                        f"{message.replace(root, '')}")
    return diags


# MyST-NB numbers the lines of a notebook's cell n (from 1) from n * 10000 + 1 (nb_to_tokens.py), to
# which MyST adds the line (from 1) in the cell.
_NOTEBOOK_CELL_LINES = 10_000


def _messages(lines: list[str], root: Path, otherwise: str) -> list[tuple[str, int | None, str, list[str]]]:
    """(file, line, level, the message's lines) of each message in Sphinx's warning stream ``lines``."""
    found: list[tuple[str, int | None, str, list[str]]] = []
    for text in lines:
        begun = _begun_message(text, root)
        if begun:
            file, line, level, message = begun
            found.append((file or otherwise, line, level, [message]))
        elif text.strip() and found:
            found[-1][3].append(text.strip())
        elif text.strip():
            found.append((otherwise, None, "WARNING", [text.strip()]))
    return found


def _begun_message(text: str, root: Path) -> tuple[str | None, int | None, str, str] | None:
    """(file, line, level, message) if ``text`` begins a message: at the first "LEVEL: " that begins
    it or has a file that exists before it (a file's name may hold ": WARNING: "), or none."""
    for level in _LEVEL.finditer(text, 0, _MAX_PATH + 20):
        if level.start() == 0:
            return None, None, level[1], text[level.end():]
        if where := _where(text[:level.start()], root):
            return _relative(where[0], root), where[1], level[1], text[level.end():]
    return None


def _where(prefix: str, root: Path) -> tuple[Path, int | None] | None:
    """The file that exists, and the line, that a message's ``prefix`` names: "path", "path:line",
    "path:line:more" or "path:more" (a path from the project's ``root``, or absolute)."""
    head, _, tail = prefix.rpartition(":")
    before, _, middle = head.rpartition(":")
    candidates: list[tuple[str, int | None]] = [(prefix, None)]
    if _DIGITS.fullmatch(tail):
        candidates.append((head, int(tail)))
    if _DIGITS.fullmatch(middle):
        candidates.append((before, int(middle)))
    candidates.append((head, None))
    return next(((file, line) for path, line in candidates if path and (file := _source_file(root / path))), None)


_DIGITS = re.compile(r"[0-9]+")


def _source_file(path: Path) -> Path | None:
    """The file at ``path``, or the page it names without its suffix (as Sphinx names some pages)."""
    if not path.name:
        return None
    return next((file for file in (path, *page_files(path)) if _is_file(file)), None)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name longer than the system takes, or holding a NUL, is no file
        return False


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to the project's ``root``, as the build's own diagnostics name files."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
