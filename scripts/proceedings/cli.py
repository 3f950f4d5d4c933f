"""The ``proceedings`` command: its arguments, and each command in a few lines."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path

from . import __version__
from .build import BuildOptions, build
from .inputs.checks import book_problems, check_project, placeholders_left
from .inputs.loader import load, load_workshop
from .model.locations import Project
from .pages.book import pages_changed_by_hand
from .pages.generated import INDEX_PAGE_LIMIT
from .records.diagnostics import Diagnostics
from .site.errors import BuildError, InputsChanged, PublishError
from .site.publish import push_to_branch
from .site.serve import PreviewServer, serving
from .site.stamp import changed_since_last_build, paper_digests
from .site.watch import watch
from .site.zenodo import SANDBOX_API, STATE_FILE, TOKEN_VARIABLE, ZENODO_API, Zenodo, ZenodoError, deposit, zenodo_token
from .util.processes import INTERRUPTED
from .util.progress import Timings
from .util.text import plural

KEPT_GOING = 3
"""The exit status of ``build --keep-going`` when inputs had errors: the site was built without them."""


def _report(diags: Diagnostics, as_json: bool = False) -> None:
    if as_json:
        print(diags.to_json())
        return
    for diagnostic in diags.sorted():
        print(diagnostic, file=sys.stderr)
    if diags.items:
        print(f"{diags.error_count} error(s), {len(diags.items) - diags.error_count} warning(s)", file=sys.stderr)


def cmd_new(args: argparse.Namespace) -> int:
    """Create a new proceedings project from the scaffold."""
    # Here: it imports fpdf for the sample PDFs, 0.4 s that every command paid.
    from .new import create_project, enclosing_project_folder

    target = Path(args.dir)
    if target.exists() and any(target.iterdir()):
        print(f"{target} exists and is not empty; choose a new folder", file=sys.stderr)
        return 1
    if folder := enclosing_project_folder(target):
        print(f"{target} is inside {folder}, a folder of the project in {folder.parent}, whose build would read or "
              "overwrite it; choose a folder outside it", file=sys.stderr)
        return 1
    installed = create_project(target)
    print(f"Created {target}. Edit {target}/papers/, then run: proceedings build {shlex.quote(str(target))}")
    print(f"Its GitHub workflow installs {installed}.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a project's inputs and report every problem; exit 1 on any error."""
    project = Project(Path(args.dir).resolve())
    volume, diags = load(project, digests=paper_digests(project))
    diags.extend(book_problems(project, volume))
    diags.extend(pages_changed_by_hand(project))
    diags.extend(check_project(project, volume))
    _report(diags, args.json)
    if volume is not None and not args.json:
        withheld = sum(not recording.published for recording in volume.recordings)
        print(f"{plural(len(volume.papers), 'paper')} ({len(volume.papers) - len(volume.cited_papers)} withdrawn or "
              f"retracted), {plural(len(volume.talks), 'talk')}, {plural(len(volume.program), 'program slot')}, "
              f"{plural(len(volume.recordings), 'recording')} ({withheld} withheld), "
              f"{len(volume.authors)} authors and speakers")
    if not diags.has_errors and not args.json:
        print(f"{project.root}: inputs are valid")
    return 1 if diags.has_errors else 0


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, generate pages and files, and build the HTML site."""
    project = Project(Path(args.dir).resolve())
    status = _built(project, _build_options(args))
    if status in (0, KEPT_GOING):
        print(f"Open {project.html / 'index.html'} or run: proceedings serve {shlex.quote(args.dir)}")
    return status


def _build_options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(args.keep_going, args.verbose, args.volume_pdf, args.index_page_limit)


def _built(project: Project, options: BuildOptions, watched: bool = False) -> int:
    """Build ``project``, reporting what was found; the exit status. ``watched``: for ``serve``,
    which builds again by itself once the files change."""
    start = time.perf_counter()
    diags = Diagnostics()
    try:
        built, _ = build(project, Timings(echo=True), options, diags)
    except BuildError as exc:
        _report(exc.diagnostics)
        print(f"{exc}{_then(exc, watched)}", file=sys.stderr)
        return 1
    except OSError as error:
        if not _in_build_folder(project, error):
            raise
        # The build's own files, damaged by hand (a folder become a file): a traceback said nothing of
        # what to do. What the inputs hold is said first (a trial's warnings were hidden by it).
        _report(diags)
        print(f"The build could not use {error.filename}: {error.strerror}. It is one of the build's own files: "
              f"remove {project.root / '_build'} and build again.", file=sys.stderr)
        return 1
    _report(diags)
    if not built:
        then = ": the site is built again once you save the fix" if watched else " and build again"
        print(f"Nothing was written: fix the errors above{then}.", file=sys.stderr)
        return 1
    # Not the sum of the stages: some run at the same time.
    print(f"Built in {time.perf_counter() - start:.1f} s.")
    if diags.has_errors:  # built with --keep-going: what had errors was left out, which CI must notice
        print("Built without what had errors" + ("." if watched else f" (exit status {KEPT_GOING})."), file=sys.stderr)
        return KEPT_GOING
    return 0


def _in_build_folder(project: Project, error: OSError) -> bool:
    """Whether ``error`` concerns a file under the project's ``_build/``."""
    names = [name for name in (error.filename, error.filename2) if isinstance(name, str)]
    return any(Path(name).resolve().is_relative_to((project.root / "_build").resolve()) for name in names)


def _then(error: BuildError, watched: bool) -> str:
    """What to do after ``error``: for inputs changed while the build ran, build again, which
    ``serve`` does by itself once the organizer's files settle (not once the tool is upgraded)."""
    if not isinstance(error, InputsChanged):
        return ""
    if not watched:
        return " Build again once the change is done."
    if {"package", "software"} & set(error.changed):
        return " The tool or its software changed: start serve again."
    return " It is built again once the change has settled."


def cmd_import_openreview(args: argparse.Namespace) -> int:
    """Write papers/accepted.yml from an OpenReview export, merging with hand edits."""
    # Imported by the commands that write papers/ alone: ruamel.yaml, which keeps a file's comments
    # and order, was 0.03 s of every build's start.
    from .inputs.openreview import ImportRefused, import_notes, read_export

    project = Project(Path(args.dir).resolve())
    workshop, diags = load_workshop(project)
    if workshop is None:
        _report(diags)
        return 1
    try:
        notes = read_export(Path(args.notes))
    except (OSError, ValueError) as exc:
        print(f"{args.notes}: cannot read the export: {exc}", file=sys.stderr)
        return 1
    try:
        report = import_notes(notes, project.papers, workshop, Path(args.pdfs) if args.pdfs else None,
                              args.include_submissions, args.add_removed)
    except ImportRefused as refusal:
        print(f"{args.notes}: nothing imported: {refusal}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    written = "Wrote" if report.written else "Nothing to change in"
    print(f"{written} {project.papers / 'accepted.yml'}; run: proceedings check {args.dir}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Push the built site to a branch (gh-pages) of the project's git repository with ghp-import."""
    project = Project(Path(args.dir).resolve())
    if not _has_site(project, args.dir):
        return 1
    changed = changed_since_last_build(project)
    if (changed is None or changed) and not args.as_built:
        more = f" and {len(changed) - 5} more" if changed and len(changed) > 5 else ""
        why = "the last build did not finish: the site is the one built before it" if changed is None else \
            f"{', '.join(changed[:5])}{more} changed since the site was built"
        print(f"Not published: {why}. Build it first (`proceedings build {shlex.quote(args.dir)}`), or publish the site "
              "as it was built with --as-built.", file=sys.stderr)
        return 1
    examples = placeholders_left(project)
    if examples.items and not args.with_examples:
        _report(examples)
        print("Not published: the scaffold's examples above are still in the project; replace them (or publish "
              "anyway with --with-examples).", file=sys.stderr)
        return 1
    try:
        print(push_to_branch(project, args.remote, args.branch))
    except PublishError as error:
        print(f"Not published: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_deposit_zenodo(args: argparse.Namespace) -> int:
    """Deposit the papers on Zenodo; with --write-dois, write the DOIs it gives into accepted.yml."""
    from .inputs.dois import DoisNotWritten, write_dois  # see cmd_import_openreview

    project = Project(Path(args.dir).resolve())
    volume, diags = load(project)
    if volume is None or diags.has_errors:
        _report(diags)
        print("Nothing deposited: fix the errors above first.", file=sys.stderr)
        return 1
    unknown = set(args.paper or ()) - {paper.id for paper in volume.papers}
    if unknown:
        print(f"Nothing deposited: no paper has the id {', '.join(sorted(unknown))}.", file=sys.stderr)
        return 1
    volume = replace(volume, volume_pdf=args.volume_pdf)
    api = args.api_url or (SANDBOX_API if args.sandbox else ZENODO_API)
    try:
        report = deposit(volume, project.papers, Zenodo(api, zenodo_token()), args.publish,
                         set(args.paper) if args.paper else None)
    except ZenodoError as error:
        print(f"Stopped: {str(error).rstrip('.')}.{_deposit_kept(project)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"Stopped (interrupted).{_deposit_kept(project)}", file=sys.stderr)
        return INTERRUPTED
    if args.write_dois and report.dois:
        try:
            print("\n".join(write_dois(project.papers, report.dois)))
        except DoisNotWritten as refusal:
            print(f"DOIs not written: {refusal}", file=sys.stderr)
            return 1
    if report.drafts:
        print(f"{report.drafts} deposition(s) are drafts: their reserved DOIs resolve once published (--publish)"
              + ("." if args.write_dois else "; --write-dois writes the DOIs into papers/accepted.yml."))
    return 0


def _deposit_kept(project: Project) -> str:
    """What a stopped deposit says about its state file, if it wrote one."""
    if (project.papers / STATE_FILE).is_file():
        return f" What was done so far is kept in papers/{STATE_FILE}: run the command again to go on."
    return ""


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the site on localhost; unless told not to, build it first and again as its files change."""
    project = Project(Path(args.dir).resolve())
    if not args.watch and _build_options(args) != BuildOptions():
        print("serve --no-watch builds nothing, so the build's options (--keep-going, -v, --no-volume-pdf, "
              "--index-page-limit) would do nothing: leave them out, or --no-watch", file=sys.stderr)
        return 2
    if not args.watch and not _has_site(project, args.dir):
        return 1
    if args.watch and not project.papers.is_dir():
        _report(load(project)[1])  # why this is no project, as `build` says it
        return 1
    try:
        server = PreviewServer(project.html, args.port, args.watch)
    except OSError as error:  # the port is taken, or not ours to use
        print(f"Cannot serve on port {args.port}: {error.strerror}; choose another with --port", file=sys.stderr)
        return 1
    with serving(server):
        if args.watch:
            options = _build_options(args)
            watch(project, lambda: _built_for_preview(project, options))
        else:
            _wait_for_interrupt()
    return 0


def _built_for_preview(project: Project, options: BuildOptions) -> None:
    try:
        _built(project, options, watched=True)
    except Exception:  # a bug, or a file gone as it was read: shown, and the preview goes on
        traceback.print_exc()
        print("The build stopped on the error above.", file=sys.stderr)
    print("Watching papers/, book/ and the settings: the site is built again when they change (Ctrl+C stops).",
          flush=True)


def _wait_for_interrupt() -> None:
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()


def _has_site(project: Project, name: str) -> bool:
    """Whether the project has a built site; if not, says how to make one."""
    if (project.html / "index.html").is_file():
        return True
    print(f"No site in {project.html}; run: proceedings build {shlex.quote(str(name))}", file=sys.stderr)
    return False


def _positive(text: str) -> int:
    """A whole number of at least 1, for argparse."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _port(text: str) -> int:
    """A TCP port number (0 to 65535), for argparse."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    main_parser = argparse.ArgumentParser(prog="proceedings", description="Build a workshop proceedings archive.")
    main_parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="create a new proceedings project")
    new.add_argument("dir")
    new.set_defaults(run=cmd_new)
    for name, run, text in (("check", cmd_check, "validate the inputs in papers/"),
                            ("build", cmd_build, "build the site into _build/html"),
                            ("serve", cmd_serve, "preview the site on localhost, building it again as its files change")):
        command = commands.add_parser(name, help=text)
        command.add_argument("dir", nargs="?", default=".", help="the project folder (default: here)")
        command.set_defaults(run=run)
    commands.choices["check"].add_argument("--json", action="store_true", help="print diagnostics as JSON")
    importer = commands.add_parser("import-openreview", help="write papers/accepted.yml from an OpenReview export")
    importer.add_argument("notes", help="the export: a JSON list of API v2 notes")
    importer.add_argument("dir", nargs="?", default=".", help="the project folder (default: here)")
    importer.add_argument("--pdfs", help="folder with the PDFs, named <forum id>.pdf or <number>.pdf")
    importer.add_argument("--include-submissions", action="store_true",
                          help="import submissions without a decision too (their venue still says Submission)")
    importer.add_argument("--add-removed", action="store_true",
                          help="add again the papers an earlier import added and that were deleted from accepted.yml since")
    importer.set_defaults(run=cmd_import_openreview)
    for builder in (commands.choices["build"], commands.choices["serve"]):
        builder.add_argument("--keep-going", action="store_true",
                             help="build what is valid: leave out records with errors, and unusable files (with a warning)")
        builder.add_argument("-v", "--verbose", action="store_true", help="show Jupyter Book's whole log")
        builder.add_argument("--volume-pdf", action=argparse.BooleanOptionalAction, default=True,
                             help="make proceedings.pdf, which also gives every paper its page numbers (default: yes)")
        builder.add_argument("--index-page-limit", type=_positive, default=INDEX_PAGE_LIMIT, metavar="N",
                             help="past N links to papers, the papers index lists the tracks and the author and keyword "
                                  f"indexes get a page per letter (default: {INDEX_PAGE_LIMIT})")
    commands.choices["serve"].add_argument("--port", type=_port, default=8000, help="the port (default: 8000; 0: any free one)")
    commands.choices["serve"].add_argument(
        "--watch", action=argparse.BooleanOptionalAction, default=True,
        help="build the site first, and again whenever papers/, book/ or the settings change; the pages shown "
             "reload themselves (default: yes; --no-watch serves the site as it is)")
    publisher = commands.add_parser("publish", help="push the built site to the gh-pages branch (ghp-import)")
    publisher.add_argument("dir", nargs="?", default=".", help="the project folder, a git repository (default: here)")
    publisher.add_argument("--remote", default="origin")
    publisher.add_argument("--branch", default="gh-pages")
    publisher.add_argument("--as-built", action="store_true",
                           help="publish the site as last built, though papers/, book/ or the settings changed since")
    publisher.add_argument("--with-examples", action="store_true",
                           help="publish even though the scaffold's examples are still in the project")
    publisher.set_defaults(run=cmd_publish)
    depositor = commands.add_parser("deposit", help="deposit the papers with a DOI agency (Zenodo)")
    agencies = depositor.add_subparsers(dest="agency", required=True)
    zenodo = agencies.add_parser("zenodo", help=f"deposit each paper (PDF and metadata) on Zenodo; the token is read "
                                                f"from {TOKEN_VARIABLE}")
    zenodo.add_argument("dir", nargs="?", default=".", help="the project folder (default: here)")
    zenodo.add_argument("--publish", action="store_true",
                        help="publish the depositions (registers their DOIs for good); default: drafts only")
    zenodo.add_argument("--sandbox", action="store_true", help="use sandbox.zenodo.org, Zenodo's test site")
    zenodo.add_argument("--write-dois", action="store_true", help="write the DOIs Zenodo gives into papers/accepted.yml")
    zenodo.add_argument("--paper", action="append", metavar="ID", help="deposit only this paper (repeatable)")
    zenodo.add_argument("--api-url", help="another Zenodo API's base URL (a local test server, an InvenIO instance)")
    zenodo.add_argument("--volume-pdf", action=argparse.BooleanOptionalAction, default=True,
                        help="give each paper its pages in the volume, as the build does (default: yes)")
    zenodo.set_defaults(run=cmd_deposit_zenodo)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    """Run the command named in ``argv``; 130 when interrupted (Ctrl-C)."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        published = hasattr(args, "dir") and Project(Path(args.dir)).html.exists()
        site = ", and the site published last is still in place" if published else ""
        print(f"\nInterrupted. Every file is written in one step, so none is left half-written{site}: run the "
              "command again to finish.", file=sys.stderr)
        return INTERRUPTED
