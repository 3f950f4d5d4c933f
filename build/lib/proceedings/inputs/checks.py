"""Checks of a project beyond what ``papers/`` says of itself: hand-written pages where the tool
writes, the scaffold's examples still in place, site settings that ``workshop.yml`` overrides, and a
table of contents naming a page that is not there."""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import re
import unicodedata
import warnings
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from ..model.locations import (
    GENERATED_DIRS,
    GENERATED_MARKER,
    LISTING_DOCNAMES,
    PAGE_SUFFIXES,
    Project,
    is_generated_listing,
    page_files,
)
from ..model.volume import Proceedings
from ..model.workshop import Workshop
from ..records.diagnostics import Diagnostics
from ..records.sources import Located, did_you_mean, load_yaml
from ..util import myst
from ..util.files import foreign_files
from .loader import load_workshop


def check_project(project: Project, volume: Proceedings | None) -> Diagnostics:
    """Problems of the project beyond ``papers/``' records and the book (:func:`book_problems`): the
    scaffold's examples still in the project, and a site title or URL in ``_config.yml`` that is not
    ``workshop.yml``'s."""
    diags = Diagnostics()
    _check_placeholders(project, diags)
    config_file = project.root / "_config.yml"
    config = load_yaml(config_file, "_config.yml", diags) if config_file.is_file() else None
    if isinstance(config, Located):
        _check_myst_extensions(config, config_file, diags)
        _check_sphinx_extensions(config, config_file, diags)
    _check_notebook_kernels(project, config, diags)
    # Shown with the problems of papers/, not after they are fixed: the workshop alone says the URL.
    workshop = volume.workshop if volume else load_workshop(project)[0]
    if workshop is not None:
        _check_site_settings(config, workshop, diags)
    return diags


def _check_myst_extensions(config: Located, config_file: Path, diags: Diagnostics) -> None:
    """An error, at its line, for each name of ``parse: myst_enable_extensions`` that MyST does not
    know: MyST then refuses the whole list, and every page loses its colon fences and math, with
    one line in Jupyter Book's log."""
    parse = config.get("parse")
    names = parse.get("myst_enable_extensions") if isinstance(parse, Located) else None
    if not isinstance(parse, Located) or not isinstance(names, list):
        return
    unknown = [name for name in names if not isinstance(name, str) or name not in myst.MYST_EXTENSIONS]
    for name, line in _item_lines(config_file, parse.line_of("myst_enable_extensions"), unknown):
        diags.error("_config.yml", line, "parse.myst_enable_extensions",
                    f"{name!r} is no MyST extension{did_you_mean(str(name), sorted(myst.MYST_EXTENSIONS))}: MyST "
                    "then enables none of the list on any page (its colon fences and dollar math show as typed)")


def _check_sphinx_extensions(config: Located, config_file: Path, diags: Diagnostics) -> None:
    """An error, at its line, for each name of ``sphinx: extra_extensions`` that names no module
    installed here: Jupyter Book stops at it with a traceback (``No module named ...``)."""
    sphinx = config.get("sphinx")
    names = sphinx.get("extra_extensions") if isinstance(sphinx, Located) else None
    if not isinstance(sphinx, Located) or not isinstance(names, list):
        return
    missing = [name for name in names if not _is_module(name)]
    for name, line in _item_lines(config_file, sphinx.line_of("extra_extensions"), missing):
        diags.error("_config.yml", line, "sphinx.extra_extensions",
                    f"{name!r} is no Python module installed here, so Jupyter Book would stop at it: install the "
                    "package that provides it (into this environment) or remove it from the list")


def _item_lines(config_file: Path, start: int, items: list) -> list[tuple[object, int]]:
    """Each of ``items`` of a list whose key is on line ``start`` of ``config_file``, with the first
    line from there that names it (else ``start``): the YAML read keeps no list item's line. The
    file is read only when there is an item to find."""
    lines = config_file.read_text("utf-8", errors="replace").split("\n") if items else []
    return [(item, next((number for number in range(start, len(lines) + 1) if str(item) in lines[number - 1]), start))
            for item in items]


def _is_module(name: object) -> bool:
    """Whether ``name`` is the name of a module that can be imported here (its parent packages are
    imported to find it, as Sphinx will)."""
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except Exception:  # a parent package missing or failing as it is imported, a relative name
        return False


def book_problems(project: Project, volume: Proceedings | None = None) -> Diagnostics:
    """An error for each hand-written page inside the folders the build writes, then the table of
    contents' (:func:`table_of_contents_problems`). ``--keep-going`` does not build past them: they
    are the book's, not a record's, and such a page, never overwritten, would be published where
    the build writes its own (a paper's page replaced by a hand-written one)."""
    diags = Diagnostics()
    for name in GENERATED_DIRS:
        for path in foreign_files(project.book / name, GENERATED_MARKER):
            diags.error(project.relative(path), None, None,
                        f"hand-written page inside book/{name}/, which `proceedings` generates; move it elsewhere in book/")
    diags.extend(table_of_contents_problems(project, volume))
    _check_notebooks(project, diags)
    if volume is not None:
        _check_links_to_generated_pages(project, _pages_the_build_writes(volume) or set(), diags)
    return diags


def _check_notebooks(project: Project, diags: Diagnostics) -> None:
    """An error, at its line where it has one, for each notebook of ``book/`` that MyST-NB cannot
    read (JSON cut short or broken, a file that is no notebook): Jupyter Book stopped at it with a
    traceback of Sphinx's, "0 error(s)" in the summary, and `check` said nothing."""
    for path in _notebooks(project):
        if problem := _notebook_problem(path.read_text("utf-8", errors="replace")):
            diags.error(project.relative(path), *problem)


def _notebooks(project: Project) -> list[Path]:
    """The notebooks among the hand-written pages of ``book/``."""
    return [path for page in sorted(_hand_written_pages(project)) if (path := project.root / f"{page}.ipynb").is_file()]


def _check_notebook_kernels(project: Project, config: object, diags: Diagnostics) -> None:
    """An error for each notebook of ``book/`` that the build runs (``execute_notebooks``: cache,
    force or inline, or auto for one with a code cell without outputs; not one that ``execute:
    exclude_patterns`` leaves out) with a kernel not installed here:
    Jupyter Book stopped at it with Sphinx's traceback ("NoSuchKernel") and "0 error(s)"."""
    execute = config.get("execute") if isinstance(config, dict) else None
    execute = execute if isinstance(execute, dict) else {}
    mode = execute.get("execute_notebooks", "auto")  # Jupyter Book's default
    excluded = execute.get("exclude_patterns")
    patterns = [pattern for pattern in excluded if isinstance(pattern, str)] if isinstance(excluded, list) else []
    run = {path: metadata for path in _notebooks(project) if (metadata := _runs(path, mode)) is not None
           and not any(PurePosixPath(path.as_posix()).match(pattern) for pattern in patterns)}  # as MyST-NB matches them
    named = {path: name for path, metadata in run.items()
             if isinstance(spec := metadata.get("kernelspec"), dict) and isinstance(name := spec.get("name"), str)}
    if not named:
        return
    from jupyter_client.kernelspec import find_kernel_specs  # here: most books run no notebook

    installed = find_kernel_specs()
    for path, name in named.items():
        if name not in installed:
            diags.error(project.relative(path), None, "metadata.kernelspec.name",
                        f"the build runs it (execute_notebooks: {mode}) with the kernel {name!r}, which is not installed "
                        f"here (installed: {', '.join(sorted(installed)) or 'none'}): install it, or name one of those")


def _runs(path: Path, mode: object) -> dict | None:
    """The metadata of the notebook at ``path`` if the build runs it in ``mode`` (MyST-NB's
    ``execute_notebooks``: auto runs a notebook with a code cell without outputs); None if not, or
    if it is no notebook (:func:`_check_notebooks` says so)."""
    if mode not in ("auto", "cache", "force", "inline"):
        return None
    try:
        notebook = json.loads(path.read_text("utf-8", errors="replace"))
        cells, metadata = notebook.get("cells", []), notebook.get("metadata", {})
        missing = any(cell.get("cell_type") == "code" and not cell.get("outputs") for cell in cells)
    except (ValueError, AttributeError, TypeError, RecursionError):
        return None
    return metadata if isinstance(metadata, dict) and (mode != "auto" or missing) else None


def _notebook_problem(text: str) -> tuple[int | None, None, str] | None:
    """The line (if any) and what to say of a notebook whose ``text`` MyST-NB cannot read, as it
    reads it (nbformat, version 4); None when it can."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:  # with the place it broke
        if not text[:error.pos].strip():  # nothing of JSON before it: a text, a PDF, an empty file
            return error.lineno, None, "not a notebook Jupyter Book can read: it holds no JSON, as Jupyter saves a notebook"
        return error.lineno, None, (f"not a notebook Jupyter Book can read: its JSON breaks off at column {error.colno} "
                                    f"({error.msg}); save it again from Jupyter")
    except RecursionError:  # thousands of nested [ or {: Python's stack, not JSON's limit
        return None, None, "not a notebook Jupyter Book can read: its JSON is nested too deeply; save it again from Jupyter"
    import nbformat  # here: most books have no notebook

    try:
        with warnings.catch_warnings():  # of what nbformat mends as it reads (a cell without an id): Jupyter Book's to say
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises many kinds for what is no notebook
        return None, None, f"not a notebook Jupyter Book can read ({type(error).__name__}: {error}); save it again from Jupyter"
    # nbformat only logs what its schema refuses; MyST-NB stops at a cell of no known kind (KeyError).
    kinds = [cell.get("cell_type") if isinstance(cell, dict) else None for cell in notebook.get("cells", [])]
    if unknown := [number for number, kind in enumerate(kinds, 1) if kind not in ("markdown", "code", "raw")]:
        return None, None, (f"not a notebook Jupyter Book can read: cell {unknown[0]} is of no kind it knows (cell_type "
                            "markdown, code or raw); save it again from Jupyter")
    metadata = notebook.get("metadata")
    spec = metadata.get("kernelspec") if isinstance(metadata, dict) else None
    if isinstance(spec, dict) and "name" in spec and not isinstance(spec["name"], str):  # sphinx-thebe stops at it
        return None, None, "its kernel's name (metadata.kernelspec.name) is not text; save it again from Jupyter"
    return None


def _check_links_to_generated_pages(project: Project, written: set[str], diags: Diagnostics) -> None:
    """A warning, at its line, for each link of a hand-written page (Markdown's, or a ``{doc}``
    role) to a page in a folder the build writes that it does not write for these inputs: a removed
    paper's left the link leading nowhere, with a line among Jupyter Book's messages only."""
    for page in sorted(_hand_written_pages(project)):
        source = _page_file(project, page) or ""
        text = (project.root / source).read_text("utf-8", errors="replace") if source.endswith(".md") else ""
        if not any(f"{folder}/" in text for folder in GENERATED_DIRS):  # most pages: not parsed
            continue
        for line, target in _page_links(text):
            path = target.split("#", 1)[0]
            name = _without_suffix(posixpath.normpath(path.lstrip("/") if path.startswith("/") else
                                                      posixpath.join(posixpath.dirname(page), path)))
            if re.match(r"[a-z][a-z0-9+.-]*:", path, re.IGNORECASE) or not _in_generated_folder(name):
                continue
            if name not in written and not is_generated_listing(name):
                # Suggested as the link names pages: from the page's folder (a second trial pasted book/book/...).
                folder = posixpath.dirname(page) or "."
                nearest = did_you_mean(posixpath.relpath(name, folder), sorted(posixpath.relpath(other, folder)
                                                                                for other in written))
                diags.warning(source, line, None, f"links to {target!r}, a page the build does not write for these inputs "
                              f"(a paper, track or talk removed?): the link leads nowhere{nearest}")


def _page_links(text: str) -> list[tuple[int, str]]:
    """The line and target of each link of a MyST page: Markdown's, and ``{doc}`` roles (code and
    math left out, as they are no links)."""
    from markdown_it import MarkdownIt  # imported here: most builds have no page to read so

    found = []
    for block in MarkdownIt("commonmark").parse(text):
        line = block.map[0] + 1 if block.map else 1
        previous = None
        for token in block.children or ():
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type == "link_open":
                found.append((line, str(token.attrs.get("href", ""))))
            elif token.type == "code_inline" and previous is not None and previous.type == "text" and \
                    previous.content.endswith("{doc}"):
                found.append((line, token.content.rsplit("<", 1)[-1].rstrip(">").strip()))
            previous = token
    return found



def table_of_contents_problems(project: Project, volume: Proceedings | None = None) -> Diagnostics:
    """An error, at its line, for a ``_toc.yml`` that is missing, not YAML or empty, that has no
    root page, or that sphinx-external-toc (Jupyter Book's reader of it) refuses; for each root or
    ``file:`` entry that :func:`_check_pages` refuses, each ``glob:`` that :func:`_check_globs`
    refuses, and each ``url:`` that is not a web or mail address. Jupyter Book stopped with a
    traceback on most of these, and left a missing page or an empty glob out of the book with a
    warning among its own. ``volume`` (None when the inputs could not be read) says which pages the build writes."""
    diags = Diagnostics()
    if not (project.root / "_toc.yml").is_file():
        diags.error("_toc.yml", None, None, "missing: the book's table of contents (`proceedings new` writes one)")
        return diags
    toc = load_yaml(project.root / "_toc.yml", "_toc.yml", diags)
    if diags.has_errors:
        return diags
    if not isinstance(toc, Located) or not isinstance(toc.get("root"), str):
        if isinstance(toc, Located):
            diags.error("_toc.yml", toc.line_of("root"), "root", "names no root page, the book's first (`root: book/welcome`)")
        else:
            diags.error("_toc.yml", 1, None, f"{'is empty' if toc is None else 'is not a table of contents'} "
                        "(`format: jb-book`, `root: book/welcome`, then `chapters:` or `parts:`)")
        return diags
    lines = (project.root / "_toc.yml").read_text("utf-8", errors="replace").split("\n")
    entries = [(line, key, _as_written(lines, line, name)) for line, key, name in _toc_entries(toc) if isinstance(name, str)]
    if refused := _refused_by_jupyter_book(toc):
        hint = " (each entry is `- file: book/page`, `- glob: book/folder/*` or `- url: https://...`)" if "entry" in refused \
            else " (`format: jb-book` is missing)" if "format" not in toc else ""
        said = re.sub(r"<class '(\w+)'>", r"\1", refused)  # "must be str", not "must be <class 'str'>"
        diags.error("_toc.yml", _line_of_refusal(toc, lines, entries, refused), None,
                    f"Jupyter Book cannot read it: {said}{hint}")
    else:
        for line, key, subtrees_key, items_key in _ignored_keys(toc):
            diags.error("_toc.yml", line, key, f"an entry of '{subtrees_key}:' holds no {key!r}: Jupyter Book ignores it, and "
                        f"the pages under it are not in the sidebar (its pages go under '{items_key}:', a page's own under "
                        "that page's entry)")
    written = _pages_the_build_writes(volume)
    _check_pages(project, entries, written, _include_patterns(project, diags), diags)
    _check_globs(project, _toc_entries(toc, ("glob",)), written, diags)
    _check_unlisted_pages(project, entries, _toc_entries(toc, ("glob",)), diags)
    for line, key, address in _toc_entries(toc, ("url",)):
        if isinstance(address, str) and not re.match(r"(https?|mailto):", address, re.IGNORECASE):
            diags.error("_toc.yml", line, key, f"{address!r}: the sidebar links only http://, https:// and mailto: addresses "
                        "(another, such as javascript:, would run in the reader's browser)")
    return diags


def _as_written(lines: list[str], line: int, name: str) -> str:
    """``name`` as ``_toc.yml`` spells it on ``line``: its text is read NFC-normalized, while Jupyter
    Book reads it as written, accents decomposed (as macOS writes them) included."""
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    decomposed = unicodedata.normalize("NFD", name)
    return decomposed if name not in written and decomposed in written else name


def _check_pages(project: Project, entries: list[tuple[int, str, str]], written: set[str] | None,
                 patterns: list[str] | None, diags: Diagnostics) -> None:
    """An error for each root or ``file:`` entry that names no page, is spelt otherwise than from
    the project's folder, names a page listed before under another spelling (Jupyter Book showed
    it twice), or is a hand-written page the book does not hold (outside ``book/``, or outside the
    ``include_patterns`` that ``_config.yml`` gives, when it gives them)."""
    folders = ", ".join(f"book/{folder}/" for folder in GENERATED_DIRS)
    seen: dict[str, tuple[int, str]] = {}
    for line, key, name in entries:
        plain, page = posixpath.normpath(name), _without_suffix(name)
        if plain != name or name.startswith("/"):
            diags.error("_toc.yml", line, key, f"{name!r}: write it as {plain.lstrip('/')!r}, from the project's folder")
            continue
        if page in seen and seen[page][1] != name:  # the same spelling twice: sphinx-external-toc says so
            diags.error("_toc.yml", line, key, f"{name!r} is {seen[page][1]!r} of line {seen[page][0]} again: list a page once")
        seen.setdefault(page, (line, name))
        if _in_generated_folder(name):
            if written is not None and page not in written and not is_generated_listing(page):
                diags.error("_toc.yml", line, key, f"{name!r} names no page the build writes for these inputs"
                            f"{did_you_mean(name, sorted(written))}")
        elif (source := _page_file(project, name)) is None:
            missing = name if name != page else f"{name}.md (nor .ipynb, .rst)"
            diags.error("_toc.yml", line, key, f"{name!r} names no page: there is no {missing} in the project, and the "
                        f"build writes pages only in {folders}{_missing_page_hint(project, page)}")
        elif patterns is None and not name.startswith("book/"):
            diags.error("_toc.yml", line, key, f"{name!r} is outside book/, which is all the book holds (unless "
                        "_config.yml sets sphinx: config: include_patterns): move the page into book/")
        elif patterns is not None and not any(_matches_a_page(pattern, [source]) for pattern in patterns):
            diags.error("_toc.yml", line, key, f"{name!r}: {source} is not among the files _config.yml's include_patterns "
                        f"({', '.join(patterns)}) let the book hold")


def _missing_page_hint(project: Project, page: str) -> str:
    """Why a hand-written ``page`` of the table of contents may seem to be there: a page of the
    book whose name differs only in how its accents are encoded (macOS writes them decomposed), or
    one spelt nearly the same."""
    pages = sorted(_hand_written_pages(project))
    if same := [other for other in pages if unicodedata.normalize("NFC", other) == unicodedata.normalize("NFC", page)]:
        return (f" ({same[0]!r} looks the same but its accents are other characters, as macOS writes them: "
                "type its name again in the file's name or here)")
    return did_you_mean(page, pages)


def _check_globs(project: Project, globs: list[tuple[int, str, object]], written: set[str] | None,
                 diags: Diagnostics) -> None:
    """An error for each ``glob:`` that is not a text or matches no page (that the build writes,
    when it is in one of its folders and the inputs could be read)."""
    for line, key, pattern in globs:
        if not isinstance(pattern, str):
            diags.error("_toc.yml", line, key, f"{pattern!r}: a glob is a text, such as `glob: book/tracks/*`")
        elif (written is not None or not _in_generated_folder(pattern)) and \
                not _matches_a_page(pattern, {*_hand_written_pages(project), *(written or ())}):
            bare = _without_suffix(pattern)
            hint = f" (a glob names pages without their suffix: {bare!r})" if bare != pattern else ""
            diags.error("_toc.yml", line, key, f"{pattern!r} matches no page{hint}")


def _check_unlisted_pages(project: Project, entries: list[tuple[int, str, str]], globs: list[tuple[int, str, object]],
                          diags: Diagnostics) -> None:
    """A warning for each hand-written page of ``book/`` that the table of contents neither lists
    nor matches with a glob, unless its front matter says ``orphan: true``: Jupyter Book publishes
    it all the same (a trial's draft reached the published site and its search), and the sidebar
    does not link it."""
    listed = {_without_suffix(name) for _, _, name in entries}
    patterns = [pattern for _, _, pattern in globs if isinstance(pattern, str)]
    for page in sorted(_hand_written_pages(project) - listed):
        source = _page_file(project, page)
        if source is None or any(_matches_a_page(pattern, [page]) for pattern in patterns):
            continue
        if source.endswith(".md"):
            text = (project.root / source).read_text("utf-8", errors="replace")
            front_matter = text[:myst.front_matter_end(text)]
            if myst.declares_orphan(front_matter) and myst.readable_front_matter(front_matter):
                continue
        diags.warning(source, None, None, "no entry of _toc.yml lists it, yet it is published (and found by search), "
                      "with no link in the sidebar: list it in _toc.yml; if your pages link to it, write `orphan: true` "
                      "in its front matter; to keep it unpublished, move it out of book/")


def _pages_the_build_writes(volume: Proceedings | None) -> set[str] | None:
    """The pages (Sphinx's names) the build writes for ``volume`` whose names its records give:
    each paper's, track's and talk's, and the indexes and listings but those per initial letter
    (:func:`~proceedings.model.locations.is_generated_listing` knows them by their form). None
    without a volume."""
    if volume is None:
        return None
    return {*LISTING_DOCNAMES, *(f"book/papers/{paper.id}" for paper in volume.papers),
            *(f"book/tracks/{track.id}" for track in volume.workshop.tracks), *(f"book/talks/{talk.id}" for talk in volume.talks)}


def _without_suffix(name: str) -> str:
    """A page of a table of contents without the suffix it may be given with (``.md``, ...)."""
    return next((name.removesuffix(suffix) for suffix in PAGE_SUFFIXES if name.endswith(suffix)), name)


def _in_generated_folder(name: str) -> bool:
    return any(name.startswith(f"book/{folder}/") for folder in GENERATED_DIRS)


def _hand_written_pages(project: Project) -> set[str]:
    """The pages of ``book/`` outside the folders the build writes, by Sphinx's names (those
    folders not walked: a thousand papers' pages are there)."""
    pages = set()
    for folder, subfolders, files in os.walk(project.book):
        if Path(folder) == project.book:
            subfolders[:] = [name for name in subfolders if name not in GENERATED_DIRS]
        pages |= {(Path(folder) / name).relative_to(project.root).with_suffix("").as_posix()
                  for name in files if name.endswith(PAGE_SUFFIXES)}
    return pages


def _matches_a_page(pattern: str, pages: Iterable[str]) -> bool:
    """Whether ``pattern`` matches one of ``pages``, as Sphinx and sphinx-external-toc match globs
    and ``include_patterns``."""
    from sphinx.util.matching import patmatch

    return any(patmatch(page, pattern) for page in pages)


def _refused_by_jupyter_book(toc: Located) -> str | None:
    """What sphinx-external-toc, which reads the table of contents for Jupyter Book, says is wrong
    with it (an entry that is not a mapping, a key it does not know, a page listed twice), if
    anything. Imported here: only a build or a check reads a table of contents."""
    from sphinx_external_toc.parsing import MalformedError, parse_toc_data

    try:
        parse_toc_data(toc)
    except MalformedError as error:
        return str(error).split(" (You may need to migrate", 1)[0]
    except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as error:  # `options: 7`: not expected
        return f"{type(error).__name__}: {error}"
    return None


def _ignored_keys(toc: Located) -> list[tuple[int, str, str, str]]:
    """The line and name of each key of a part (or of a ``subtrees:`` entry) that sphinx-external-toc
    reads past without a word, with the key of the list it is in and the key the part's pages go
    under: ``sections:`` indented onto a part dropped every page under it from the sidebar. Asked
    only of a table of contents it accepts."""
    from sphinx_external_toc.parsing import FILE_FORMATS, TOCTREE_OPTIONS

    file_format = FILE_FORMATS[toc.get("format", "default")]
    found, documents = [], [(toc, 0)]
    while documents:
        document, depth = documents.pop()
        items_key, subtrees_key = file_format.get_items_key(depth), file_format.get_subtrees_key(depth)
        subtrees = [document] if items_key in document else document.get(subtrees_key, [])
        for subtree in subtrees:
            if subtree is not document:
                found += [(subtree.line_of(key), key, subtrees_key, items_key) for key in subtree
                          if key != items_key and key not in TOCTREE_OPTIONS]
            documents += [(item, depth + 1) for item in subtree[items_key] if "file" in item]
    return sorted(found)


def _line_of_refusal(toc: Located, lines: list[str], entries: list[tuple[int, str, str]], refusal: str) -> int:
    """The line a refusal of :func:`_refused_by_jupyter_book` is about: the deepest record or list
    item (a text one found among the ``lines`` of the file after its list's) its
    ``@ '/parts/0/chapters/1'`` reaches, or the last entry of the page it names twice."""
    if named := re.search(r"used multiple times: '(.*)'$", refusal):
        return max((line for line, _, name in entries if name == named.group(1)), default=toc.line)
    line, node = toc.line, toc
    for step in (found.group(1).strip("/").split("/") if (found := re.search(r"@ '([^']*)'", refusal)) else []):
        if isinstance(node, Located) and step in node:
            line, node = node.line_of(step), node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
            item = re.compile(rf"\s*-\s+{re.escape(str(node))}\s*(#.*)?$")
            line = node.line if isinstance(node, Located) else \
                next((number for number in range(line + 1, len(lines) + 1) if item.match(lines[number - 1])), line)
    # "'title' must be str": the line of that key of the record reached, where it has it.
    keys = [key for key in re.findall(r"'([\w-]+)'", refusal.partition("@")[2]) if isinstance(node, Located) and key in node]
    return node.line_of(keys[0]) if keys and isinstance(node, Located) else line


def _include_patterns(project: Project, diags: Diagnostics) -> list[str] | None:
    """The ``include_patterns`` that ``_config.yml`` gives Sphinx (the book is then not only
    ``book/``), if it gives any; an error when they are not a list of texts (our extension's setup
    stopped on ``include_patterns: 7`` with a traceback)."""
    config = load_yaml(project.root / "_config.yml", "_config.yml", Diagnostics()) \
        if (project.root / "_config.yml").is_file() else None
    sphinx = config.get("sphinx") if isinstance(config, dict) else None
    settings = sphinx.get("config") if isinstance(sphinx, dict) else None
    if not isinstance(settings, Located) or "include_patterns" not in settings:
        return None
    patterns = settings["include_patterns"]
    if not isinstance(patterns, list) or not all(isinstance(pattern, str) for pattern in patterns):
        diags.error("_config.yml", settings.line_of("include_patterns"), "include_patterns",
                    "is a list of patterns, such as [\"book/**\", \"about.md\"]")
        return None
    return patterns


def _toc_entries(toc: object, keys: tuple[str, ...] = ("root", "file")) -> list[tuple[int, str, Any]]:
    """The line, key and value of every entry of a table of contents with one of ``keys`` (the root
    and the pages, by default), at any depth (parts, chapters, sections, subtrees)."""
    found = []
    if isinstance(toc, Located):
        found += [(toc.line_of(key), key, toc[key]) for key in keys if key in toc]
    children = toc.values() if isinstance(toc, dict) else toc if isinstance(toc, list) else ()
    for child in children:
        if isinstance(child, (dict, list)):
            found += _toc_entries(child, keys)
    return found


def _page_file(project: Project, name: str) -> str | None:
    """The file (relative to the project) of the page ``name`` of a table of contents, its suffix
    left out or given, if there is one."""
    return next((found.relative_to(project.root).as_posix() for found in page_files(project.root / name)
                 if found.is_file()), None)


# What `proceedings new` writes that an organizer replaces before publishing: the file, a text
# only the scaffold has, and what it is. (tests/test_organizer.py checks each is in the scaffold.)
PLACEHOLDERS = (
    ("papers/workshop.yml", "example.org", "example URL"),
    ("papers/workshop.yml", "My Workshop on Something Important", "example title"),
    ("papers/workshop.yml", "Proceedings of My Workshop 2026", "example booktitle"),
    ("papers/workshop.yml", "Some Conference 2026", "example venue"),
    ("papers/workshop.yml", "Ada Lovelace", "example organizer"),
    ("papers/workshop.yml", "Alan Turing", "example committee member"),
    ("papers/workshop.yml", "my-workshop-2026", "example id"),
    ("papers/workshop.yml", "MyWS 2026", "example short title"),
    ("papers/workshop.yml", "Example University", "example affiliation"),
    ("papers/workshop.yml", "Example Institute", "example affiliation"),
    ("papers/accepted.yml", "id: example-paper", "example paper"),
    ("papers/accepted.yml", "University of Example City", "example affiliation"),
    ("papers/talks.yml", "Example Navy Lab", "example affiliation"),
    ("papers/talks.yml", "Grace Hopper", "example speaker"),
    ("papers/talks.yml", "A Keynote about Something", "example talk"),
    ("papers/program.yml", "Ada Lovelace", "example speaker"),
    ("book/welcome.md", "# My Workshop 2026", "example heading"),
    ("book/welcome.md", "Write here what a visitor should read first", "example welcome text"),
    ("book/welcome.md", "Welcome to the proceedings of My Workshop 2026", "example welcome text"),
    ("papers/accepted.yml", "example.org", "example address"),
    ("papers/talks.yml", "example.org", "example URL"),
    ("book/preface.md", "A preface by the organizers", "example preface"),
    # The whole line: an author that goes on ("The organizers of ...") is the organizer's own.
    ("_config.yml", "author: The organizers\n", "footer author"),
)


def placeholders_left(project: Project) -> Diagnostics:
    """A warning for each of the scaffold's examples still in the project, at its first line."""
    diags = Diagnostics()
    _check_placeholders(project, diags)
    return diags


def _check_placeholders(project: Project, diags: Diagnostics) -> None:
    contents: dict[str, str] = {}  # each file read once, though several examples sit in it
    for name, text, what in PLACEHOLDERS:
        if name not in contents:
            path = project.root / name
            contents[name] = path.read_text("utf-8", errors="replace") if path.is_file() else ""
        content = contents[name]
        for found in re.finditer(re.escape(text), content):  # every one, so that one pass finds all
            line_start = content.rfind("\n", 0, found.start()) + 1
            if name.endswith(".yml") and content[line_start:found.start()].lstrip().startswith("#"):
                continue  # a commented-out example setting publishes nothing
            line = content.count("\n", 0, found.start()) + 1
            diags.warning(name, line, None, f"still the scaffold's {what} ({text.strip()!r}): replace it before publishing")


def _check_site_settings(config: object, workshop: Workshop, diags: Diagnostics) -> None:
    """A site title or URL in ``_config.yml`` that differs from ``workshop.yml``'s, which the build
    uses (they live there only)."""
    if not isinstance(config, Located):
        return
    html = config.get("html")
    stated = [("title", config, "title", workshop.short_title or workshop.title, "short_title (or title)")]
    if isinstance(html, Located):
        stated.append(("html.baseurl", html, "baseurl", workshop.base_url, "url"))
    for label, record, key, used, source in stated:
        value = record.get(key)
        if value and str(value).rstrip("/") != used.rstrip("/"):
            diags.warning("_config.yml", record.line_of(key), label, f"{value!r} is not used: the site's {key} is "
                          f"workshop.yml's {source}, {used!r}; delete this line")
