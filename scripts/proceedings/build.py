"""The build: generated pages and files from the model, then Jupyter Book, then the site."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from collections.abc import Iterator
from dataclasses import replace
from importlib import metadata
from multiprocessing import forkserver, get_context
from pathlib import Path

from .citation import FORMATS, ReferenceCache
from .diagnostics import Diagnostics
from .ics import program_ics
from .loader import load
from .materials import notice_files, recording_file
from .output import file_signature, file_signatures, foreign_files, publish, remove_others, sync_shared_folder, write_if_changed
from .pages import (
    authors_pages,
    committee_page,
    keywords_pages,
    paper_page,
    paper_text,
    papers_index,
    track_page,
)
from .pdf import PdfCache
from .previews import previews
from .progress import Timings, progress
from .program_pages import program_page, speakers_list, talk_page
from .project import (
    GENERATED_DIRS,
    GENERATED_MARKER,
    MATERIAL_SUFFIXES,
    Project,
    material_stem,
    paper_docname,
    talk_docname,
)
from .search import index_site
from .sitezip import site_zip
from .sources import Located, load_yaml
from .volume import Proceedings
from .volume_pdf import plain_paragraphs, volume_pdf

def generated_pages(volume: Proceedings) -> Iterator[tuple[str, str]]:
    """Every generated page: its path relative to ``book/`` and its MyST text, one at a time (a
    thousand papers make a hundred megabytes of pages)."""
    yield "papers/index.md", papers_index(volume)
    yield "people/committee.md", committee_page(volume)
    yield from authors_pages(volume).items()
    yield from keywords_pages(volume).items()
    yield "program/index.md", program_page(volume)
    yield "program/speakers.txt", speakers_list(volume)
    for track in volume.workshop.tracks:
        yield f"tracks/{track.id}.md", track_page(volume, track)
    for paper in progress(volume.papers, len(volume.papers), "paper pages"):
        yield f"papers/{paper.id}.md", paper_page(volume, paper)
        if text := paper_text(volume, paper):
            yield f"papers/{paper.id}.txt", text
    for talk in volume.talks:
        yield f"talks/{talk.id}.md", talk_page(volume, talk)


def check_project(project: Project, volume: Proceedings | None) -> Diagnostics:
    """Problems of the project beyond ``papers/``: hand-written pages inside the folders the tool
    generates (they would be overwritten), and a site URL in ``_config.yml`` that disagrees with
    ``workshop.yml``."""
    diags = Diagnostics()
    for name in GENERATED_DIRS:
        for path in foreign_files(project.book / name, GENERATED_MARKER):
            diags.error(project.relative(path), None, None,
                        f"hand-written page inside book/{name}/, which `proceedings` generates; move it elsewhere in book/")
    config = load_yaml(project.root / "_config.yml", "_config.yml", diags) if (project.root / "_config.yml").is_file() else None
    html = config.get("html") if isinstance(config, Located) else None
    if volume and isinstance(html, Located):
        baseurl = str(html.get("baseurl") or "")
        if not baseurl:
            diags.warning("_config.yml", html.line, "html.baseurl", f"empty: set it to {volume.workshop.base_url!r} "
                          "(workshop.yml's url) for canonical links, Open Graph tags and the sitemap")
        elif baseurl.rstrip("/") != volume.workshop.base_url.rstrip("/"):
            diags.error("_config.yml", html.line_of("baseurl"), "html.baseurl",
                        f"{baseurl!r} differs from workshop.yml's url {volume.workshop.base_url!r}; make them equal")
    for paper in volume.cited_papers if volume else ():
        if not paper.pdf:
            diags.warning("papers/accepted.yml", None, paper.id, "no PDF: the paper is published without one")
        if volume.program and not volume.slots_of(paper.id):
            diags.warning("papers/program.yml", None, paper.id, "the paper is presented in no slot of the program")
    return diags


def store_pdf_facts(project: Project, volume: Proceedings) -> None:
    """Cache the facts of the volume's PDFs so that an unchanged PDF is never parsed again."""
    cache = PdfCache(project.cache)
    for facts in volume.pdfs.values():
        cache.put(facts)


def write_pages(project: Project, volume: Proceedings) -> int:
    """Write the generated MyST pages under ``book/``; the number of files that changed."""
    written, pages = 0, set()
    for path, text in generated_pages(volume):
        pages.add(project.book / path)
        written += write_if_changed(project.book / path, text)
    # A paper's text file goes with its page, or with its PDF's text; other text files are not ours.
    texts = {page.with_suffix(".txt") for page in (project.book / "papers").glob("*.md")} - pages
    for name in GENERATED_DIRS:
        remove_others(project.book / name, pages, "*.md")
    for path in texts:
        path.unlink(missing_ok=True)
    return written


def write_assets(project: Project, volume: Proceedings) -> int:
    """Put the files published beside the pages (PDFs, previews, citations, recordings, the
    calendar) into the site being built; the number of files that changed."""
    papers = list(volume.cited_papers)
    pngs = previews({volume.facts(path).sha256: project.papers / path for item in (*volume.papers, *volume.talks)
                     for field in MATERIAL_SUFFIXES if (path := getattr(item, field, None))}, project.previews)
    files: dict = {project.work_html / f"proceedings.{f.ext}": f.write(volume, papers) for f in FORMATS}
    files[project.work_html / "program.ics"] = program_ics(volume).decode("utf-8")
    if volume.volume_pdf and volume.volume_papers:
        files[project.work_html / "proceedings.pdf"] = _volume_pdf(project, volume)
    for paper in volume.papers:
        page = project.work_html / paper_docname(paper.id)
        for f in FORMATS if paper.cited else ():
            files[page.with_suffix(f".{f.ext}")] = f.write(volume, [paper])
        files |= _materials(project, volume, paper, page.parent, pngs)
        files |= {page.parent / name: project.papers / path for name, path in notice_files(paper).items()}
    for talk in volume.talks:
        files |= _materials(project, volume, talk, project.work_html / talk_docname(talk.id).rsplit("/", 1)[0], pngs)
    return sync_shared_folder(project.work_html, files, project.work / "files.json")


def _volume_pdf(project: Project, volume: Proceedings) -> Path:
    """The volume PDF, made again only when its inputs or the code that makes it changed (it is
    cached under their hash)."""
    preface_file = project.book / "preface.md"
    preface = plain_paragraphs(preface_file.read_text("utf-8")) if preface_file.is_file() else []
    code = hashlib.sha256(Path(volume_pdf.__code__.co_filename).read_bytes()).hexdigest()
    inputs = json.dumps([code, repr(volume.workshop), preface,
                         [(p.id, p.title, repr(p.authors), volume.facts(p.pdf).sha256) for p in volume.volume_papers]])
    target = project.build / ".proceedings" / "volume" / f"{hashlib.sha256(inputs.encode()).hexdigest()}.pdf"
    if not target.is_file():
        for old in target.parent.glob("*.pdf"):
            old.unlink()
        # In a process of its own, whose memory (pypdf holds every page of the volume) is returned
        # when it ends; it needs the PDFs' page counts, not their texts.
        slim = replace(volume, pdfs={path: replace(facts, text="") for path, facts in volume.pdfs.items()},
                       references=ReferenceCache())
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as process:
            process.submit(volume_pdf, slim, project.papers, preface, target).result()
    return target


def _materials(project: Project, volume: Proceedings, item, folder: Path, pngs: dict[str, Path]) -> dict[Path, Path]:
    """A paper's or talk's PDFs, their first-page previews and its recording file, as published."""
    files = {}
    for name in MATERIAL_SUFFIXES:
        if path := getattr(item, name, None):
            stem = folder / material_stem(item.id, name)
            files[stem.with_suffix(".pdf")] = project.papers / path
            files[stem.with_suffix(".png")] = pngs[volume.facts(path).sha256]
    recording = volume.recording(item.id)
    if recording and recording.is_local_file:
        files[folder / recording_file(recording)] = project.papers / recording.url
    return files


def run_pagefind(project: Project, volume: Proceedings) -> None:
    """Index the built site for search (the bundles whose pages changed); raises when Pagefind fails."""
    papers = {f"{paper_docname(paper.id)}.html" for paper in volume.papers}
    failed = [name for name, ok in index_site(project.work_html, papers, project.work / "search.json").items() if not ok]
    if failed:
        raise BuildError(f"Pagefind could not index {', '.join(failed)}; the messages above say why")


# What else decides Jupyter Book's output, beside the project's files.
_BOOK_SOFTWARE = ("jupyter-book", "sphinx", "myst-parser", "myst-nb", "sphinx-book-theme", "pydata-sphinx-theme",
                  "sphinx-design", "sphinxext-opengraph")


def jupyter_book_inputs(project: Project) -> dict:
    """Everything Jupyter Book's output depends on: the book's files, its configuration, this package
    (the Sphinx extension, its templates and static files) and the versions of the software."""
    package = Path(__file__).parent
    return {"book": file_signatures(project.book),
            "config": {name: file_signature(path) if (path := project.root / name).is_file() else None
                       for name in ("_config.yml", "_toc.yml")},
            "package": {name: signature for name, signature in file_signatures(package).items()
                        if "__pycache__" not in name},
            "software": {name: metadata.version(name) for name in _BOOK_SOFTWARE}}


# Jupyter Book runs in a child of a fork server that has imported it and the Sphinx extensions it
# loads while this process read the inputs and wrote the pages: importing them took about two of
# the three seconds of a rebuild after a one-page change. (Forking this process itself could
# deadlock: it runs threads.) Not sphinxext-opengraph, nor our extension, which imports it: it
# prints a notice when imported, which belongs in Jupyter Book's log.
_BOOK_MODULES = ["jupyter_book.cli.main", "jupyter_book.sphinx", "sphinx.application", "sphinx.builders.html",
                 "myst_nb", "myst_nb.sphinx_ext", "sphinx_book_theme", "pydata_sphinx_theme", "sphinx_design",
                 "sphinx_external_toc", "sphinx_jupyterbook_latex", "sphinx_thebe", "sphinx_togglebutton",
                 "sphinx_copybutton", "sphinx_comments", "sphinx_multitoc_numbering", "proceedings.build"]
_BOOK_PROCESSES = get_context("forkserver")


def start_jupyter_book_server() -> None:
    """Start the fork server that Jupyter Book runs from; it imports in the background."""
    _BOOK_PROCESSES.set_forkserver_preload(_BOOK_MODULES)
    forkserver.ensure_running()


def _jupyter_book_main(argv: list[str], cwd: str, log: str | None) -> None:
    """Run Jupyter Book's command line in this (forked) process, its output into ``log`` if given."""
    os.chdir(cwd)
    if log:
        descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
    from jupyter_book.cli.main import main

    sys.argv = ["jupyter-book", *argv]
    main()


def run_jupyter_book(project: Project, verbose: bool = False) -> bool:
    """Build the HTML with Jupyter Book into the work folder, incrementally unless the last build
    there was interrupted (its half-written pages would look up to date); raises when it fails.
    Not run at all (False) when none of its inputs changed since it last succeeded: starting it
    takes seconds, only to find nothing to do.

    Sphinx's log is shown only when ``verbose``; otherwise its warnings are shown once, at the end."""
    interrupted = project.work / "BUILDING"
    stamp = project.work / "jupyter-book-inputs.json"
    inputs = json.dumps(jupyter_book_inputs(project), sort_keys=True)
    if not interrupted.exists() and stamp.is_file() and stamp.read_text("utf-8") == inputs:
        return False
    argv = ["build", str(project.root), "--builder", "html", "--path-output", str(project.work)]
    if interrupted.exists():
        argv.append("--all")
    project.work.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    interrupted.touch()
    log = project.work / "jupyter-book.log"
    process = _BOOK_PROCESSES.Process(target=_jupyter_book_main, args=(argv, str(project.root), None if verbose else str(log)))
    process.start()
    process.join()
    if not verbose:
        output = log.read_text("utf-8", errors="replace")
        warnings = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line or process.exitcode]
        if warnings:
            print("Jupyter Book says:\n" + "\n".join(warnings), file=sys.stderr)
    if process.exitcode != 0:
        raise BuildError(f"jupyter-book build failed (exit {process.exitcode}); the messages above say why")
    interrupted.unlink()
    stamp.write_text(inputs, "utf-8")
    return True


class BuildError(Exception):
    """A stage of the build failed after the inputs were validated."""


def build(project: Project, timings: Timings, keep_going: bool = False, verbose: bool = False,
          volume_pdf: bool = True) -> tuple[Proceedings | None, Diagnostics]:
    """Validate the inputs and, when they hold no error (or ``keep_going``: whatever is valid), write
    pages and files, build the site and publish it.

    Returns the model (None when nothing was built) and every diagnostic; raises :class:`BuildError`
    when Jupyter Book fails.
    """
    start_jupyter_book_server()
    volume, diags = timings.run("load", load, project, None, keep_going, timings)
    diags.extend(check_project(project, volume))
    if volume is None or (diags.has_errors and not keep_going):
        return None, diags
    volume = replace(volume, volume_pdf=volume_pdf,
                     references=ReferenceCache(project.build / ".proceedings" / "references.json"))
    timings.run("PDF cache", store_pdf_facts, project, volume)
    pages = timings.run("pages", write_pages, project, volume)
    print(f"{len(volume.papers)} papers: {pages} page(s) updated.", flush=True)
    # Sphinx and Pagefind run in processes of their own, on one core, and need none of the files
    # published beside the pages: those (previews, the volume PDF, citations) are made meanwhile.
    with ThreadPoolExecutor(max_workers=1) as background:
        files = background.submit(timings.run, "files", write_assets, project, volume)
        if not timings.run("sphinx", run_jupyter_book, project, verbose):
            print("The book's pages and settings are unchanged: Jupyter Book had nothing to do.", flush=True)
        timings.run("search index", run_pagefind, project, volume)
        print(f"{files.result()} file(s) beside the pages updated.", flush=True)
    volume.references.save()
    timings.run("site zip", site_zip, project.work_html, project.work / "site-zip.json")
    timings.run("publish", publish, project.work_html, project.sites, project.html)
    return volume, diags
