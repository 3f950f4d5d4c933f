"""What the last successful build read, and what its checks found, so that a build with nothing changed
stops once the inputs are signed: regenerating every page and file only to find them the same took
seconds at 1,000 papers, and loading and checking them again 1.3 s more."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from ..model.locations import GENERATED_DIRS, Project
from ..records.diagnostics import Diagnostics
from ..util.files import (
    EDITOR_FILES,
    changed_names,
    content_signature,
    content_signatures,
    file_names,
    file_signatures,
    known_digest,
    link_targets,
    read_json,
    timeless,
    write_if_changed,
)
from ..util.software import installed_versions, requirements
from .jupyter_book import compared_book_inputs, jupyter_book_inputs

_STAMP = "build-inputs.json"


def build_inputs(project: Project, options: dict, last: object = None) -> dict:
    """Everything a build's output depends on: ``papers/``, ``book/`` (hand-written and generated
    pages), the settings, the tool's code and the software Jupyter Book runs, the build's options,
    and the snapshot the site links to. The organizer's files with their contents' digests, taken
    from ``last`` (an earlier result; by default the last successful build's) for those with the
    same size and time."""
    package = Path(__file__).parents[1]
    known = read_json(project.work / _STAMP, {}) if last is None else last
    known = known if isinstance(known, dict) else {}
    root = known.get("root")
    root = root if isinstance(root, dict) else {}
    return {"papers": content_signatures(project.papers, known.get("papers")),
            # A link's file is the file's: the check of where each leads has to see it change.
            "links": link_targets(project.papers),
            "book": jupyter_book_inputs(project, known.get("book")),
            # The settings and what they name beside them (a logo, a favicon).
            "root": {name: content_signature(project.root / name, root.get(name)) for name in root_files(project)},
            "package": {name: signature for name, signature in file_signatures(package).items() if "__pycache__" not in name},
            "software": _dependency_versions(),
            "options": options,
            "site": published_site(project)}


def root_files(project: Project) -> list[str]:
    """The files outside ``papers/`` and ``book/`` that a build reads, by path in the project: the
    settings, the table of contents, and each file the settings name (a logo, a favicon, a
    bibliography; each file of a folder they name) or of ``_static/``, in path order, but
    :data:`EDITOR_FILES`. No other file beside them is read: the organizer's notes, or a log
    (``build | tee out.txt``, which changed while each build ran, so that none was published)."""
    named = {project.root / "_config.yml", project.root / "_toc.yml"}
    for text in ["_static", *_strings(_settings(project))]:  # Jupyter Book publishes `_static/` unasked
        named |= _named_files(project, text)
    return sorted(path.relative_to(project.root).as_posix() for path in named
                  if path.is_file() and not EDITOR_FILES.search(path.name))


def _named_files(project: Project, text: str) -> set[Path]:
    """The file that the settings' value ``text`` names in the project, or each file of the folder
    it names; none for a value that names none (most: a title, a footer's HTML, a name too long)."""
    path = project.root / text
    try:
        if not _inside_project(project, path):
            return set()
        return {path} if path.is_file() else {path / name for name in file_names(path)}
    except (OSError, ValueError):
        return set()


def _settings(project: Project) -> object:
    """``_config.yml`` as YAML reads it (None when it cannot: check names why)."""
    try:
        return yaml.safe_load((project.root / "_config.yml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _strings(value: object, seen: set[int] | None = None) -> Iterator[str]:
    """Every string of a YAML document, at any depth; a value an alias repeats is read once (a
    billion laughs is a few nodes)."""
    seen = set() if seen is None else seen
    if isinstance(value, str):
        yield value
    elif isinstance(value, (dict, list)) and id(value) not in seen:
        seen.add(id(value))
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item, seen)


def _inside_project(project: Project, path: Path) -> bool:
    """Whether ``path`` is in the project, outside the folders signed on their own (``papers/``,
    ``book/``) and the build's (``_build/``), and is not the project itself; raises ValueError when
    it is outside, OSError when it cannot be a path."""
    inside = path.resolve().relative_to(project.root.resolve())
    return bool(inside.parts) and inside.parts[0] not in ("papers", "book", "_build") and path.exists()


def published_site(project: Project) -> str | None:
    """The snapshot the project's site links to, if it is there."""
    return os.readlink(project.html) if project.html.is_symlink() and project.html.resolve().is_dir() else None


def paper_digests(project: Project, inputs: dict | None = None) -> dict[str, str]:
    """The contents' SHA-256 of files in ``papers/``, by their path there: of each, from ``inputs``
    (see :func:`build_inputs`); else of those whose size and time the last successful build recorded
    (none is read: the others are hashed where they are used)."""
    if inputs is not None:
        return {name: signature[-1] for name, signature in inputs["papers"].items()}
    last = read_json(project.work / _STAMP, {})
    known = last.get("papers") if isinstance(last, dict) else None
    if not isinstance(known, dict):
        return {}
    current = file_signatures(project.papers)
    digests = {name: known_digest(current.get(name), signature) for name, signature in known.items()}
    return {name: digest for name, digest in digests.items() if digest}


def _dependency_versions() -> dict[str, str]:
    """The installed version of each package the tool depends on (pagefind, citeproc-py, pypdfium2, ...)."""
    names = {re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
             for requirement in requirements("workshop-proceedings-archive") if "extra ==" not in requirement}
    return {name: version or "" for name, version in installed_versions(sorted(names)).items()}


def changed_sources(before: dict, after: dict) -> list[str]:
    """What changed between two readings of the inputs, but the build's own output (an edit made
    while a build read the inputs may be in its site half, so that build must not be published):
    the organizer's files by their paths (``papers/...``, the file beside the settings, a
    hand-written page of ``book/``), else the part. A file saved meanwhile has changed even when
    its contents are again those read first: Sphinx may have read it in between."""
    # A page edited while Sphinx ran was recorded as read, and the next build found nothing to do.
    return _changed_files(before, after) + _changed_pages(before, after, generated=False) + \
        [part for part in ("package", "software", "options") if before[part] != after[part]]


def changed_since_last_build(project: Project) -> list[str] | None:
    """The organizer's files (``papers/...``, the settings and the pages of ``book/``) whose
    contents changed since the last successful build, which its site does not show; None when no
    build is recorded as finished (the last one stopped: the site is that of the one before)."""
    last = read_json(project.work / _STAMP, None)
    if not isinstance(last, dict) or not isinstance(last.get("options"), dict):
        return None
    before, after = _compared(last), _compared(build_inputs(project, last["options"], last))
    return _changed_files(before, after) + _changed_pages(before, after, generated=True)


def _changed_files(before: dict, after: dict) -> list[str]:
    """The files of ``papers/`` and beside the settings that differ between two readings of the
    inputs (as :func:`_compared` gives them), by their paths."""
    return [folder + name for part, folder in (("papers", "papers/"), ("root", ""))
            for name in changed_names(before[part], after[part])]


def _changed_pages(before: dict, after: dict, generated: bool) -> list[str]:
    """The pages of ``book/`` that differ between two readings of the inputs (as :func:`_compared`
    gives them), by their paths; those of the folders the build writes only if ``generated``."""
    return [f"book/{name}" for name in changed_names(before["book"].get("book", {}), after["book"].get("book", {}))
            if generated or name.partition("/")[0] not in GENERATED_DIRS or "/" not in name]


def found_if_unchanged(project: Project, inputs: dict) -> Diagnostics | None:
    """What the last build found (its checks' findings, Jupyter Book's warnings), if it succeeded
    with these inputs (files touched or saved without a change are the same) and its site is still
    there: the same inputs, read by the same code, give the same findings (the checks that read
    more than these inputs hold are made again: see ``build``). None otherwise."""
    last = read_json(project.work / _STAMP, None)
    if inputs["site"] is None or not isinstance(last, dict) or _compared(last) != _compared(json.loads(json.dumps(inputs))):
        return None
    # Asked last, as it walks the site: a page of it removed or changed by hand since (a trial's
    # build said the site was up to date with a page deleted from it) is put back.
    if last.get("published") != published_digest(file_signatures(project.html)):
        return None
    try:
        return Diagnostics.from_records(last["found"])
    except (KeyError, TypeError, ValueError):  # recorded by an older version, or damaged: checked again
        return None


def _compared(inputs: dict) -> dict:
    """The inputs without the times of the organizer's files, whose contents decide, nor what the
    checks found in them, nor the published site's files."""
    compared = {**inputs, "papers": timeless(inputs.get("papers", {})), "root": timeless(inputs.get("root", {})),
                "book": compared_book_inputs(inputs.get("book", {}))}
    compared.pop("found", None)
    compared.pop("published", None)
    return compared


def published_digest(files: dict[str, list[int]]) -> str:
    """A digest of the published site's ``files`` (their paths, sizes and times), for the record
    of a build (``published``): the build knows them, a build with nothing changed walks the site."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def forget_last_build(project: Project) -> None:
    """Drop the record before a build changes anything: one stopped half-way must not look done."""
    (project.work / _STAMP).unlink(missing_ok=True)


def record_build(project: Project, inputs: dict, found: Diagnostics) -> None:
    """Remember what a successful build read, and what it ``found`` (its checks' findings, Jupyter
    Book's warnings). ``inputs`` without the digest of the published site's files (``published``:
    a build that found nothing changed, and the site's files as recorded) keep the one recorded."""
    if "published" not in inputs:
        last = read_json(project.work / _STAMP, {})
        inputs = {**inputs, "published": last.get("published") if isinstance(last, dict) else None}
    write_if_changed(project.work / _STAMP, json.dumps({**inputs, "found": found.as_records()}, sort_keys=True))
