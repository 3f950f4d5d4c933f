"""Checks of a project beyond what ``papers/`` says of itself: hand-written pages where the tool
writes, the scaffold's examples still in place, site settings that ``workshop.yml`` overrides."""

from __future__ import annotations

import re

from ..model.locations import GENERATED_DIRS, GENERATED_MARKER, Project
from ..model.volume import Proceedings
from ..model.workshop import Workshop
from ..records.diagnostics import Diagnostics
from ..records.sources import Located, load_yaml
from ..util.files import foreign_files
from .loader import load_workshop


def check_project(project: Project, volume: Proceedings | None) -> Diagnostics:
    """Problems of the project beyond ``papers/``: hand-written pages inside the folders the tool
    generates, the scaffold's examples still in the project, and a site title or URL in
    ``_config.yml`` that is not ``workshop.yml``'s."""
    diags = Diagnostics()
    for name in GENERATED_DIRS:
        for path in foreign_files(project.book / name, GENERATED_MARKER):
            diags.error(project.relative(path), None, None,
                        f"hand-written page inside book/{name}/, which `proceedings` generates; move it elsewhere in book/")
    _check_placeholders(project, diags)
    config_file = project.root / "_config.yml"
    config = load_yaml(config_file, "_config.yml", diags) if config_file.is_file() else None
    # Shown with the problems of papers/, not after they are fixed: the workshop alone says the URL.
    workshop = volume.workshop if volume else load_workshop(project)[0]
    if workshop is not None:
        _check_site_settings(config, workshop, diags)
    return diags


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
