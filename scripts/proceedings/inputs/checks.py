"""Checks of a project beyond what ``papers/`` says of itself: hand-written pages where the tool
writes, a site URL that disagrees with the workshop's, papers without a PDF or a slot."""

from __future__ import annotations

from ..model.locations import GENERATED_DIRS, GENERATED_MARKER, Project
from ..model.volume import Proceedings
from ..model.workshop import Workshop
from ..records.diagnostics import Diagnostics
from ..records.sources import Located, load_yaml
from ..util.files import foreign_files
from .loader import load_workshop


def check_project(project: Project, volume: Proceedings | None) -> Diagnostics:
    """Problems of the project beyond ``papers/``: hand-written pages inside the folders the tool
    generates (they would be overwritten), a site URL in ``_config.yml`` that disagrees with
    ``workshop.yml``, and papers published without a PDF or presented in no slot."""
    diags = Diagnostics()
    for name in GENERATED_DIRS:
        for path in foreign_files(project.book / name, GENERATED_MARKER):
            diags.error(project.relative(path), None, None,
                        f"hand-written page inside book/{name}/, which `proceedings` generates; move it elsewhere in book/")
    config_file = project.root / "_config.yml"
    config = load_yaml(config_file, "_config.yml", diags) if config_file.is_file() else None
    # Shown with the problems of papers/, not after they are fixed: the workshop alone says the URL.
    workshop = volume.workshop if volume else load_workshop(project)[0]
    if workshop is not None:
        _check_base_url(config, workshop, diags)
    if volume is not None:
        _check_papers(project, volume, diags)
    return diags


def _check_base_url(config: object, workshop: Workshop, diags: Diagnostics) -> None:
    html = config.get("html") if isinstance(config, Located) else None
    if not isinstance(html, Located):
        return
    baseurl = str(html.get("baseurl") or "")
    if not baseurl:
        diags.warning("_config.yml", html.line, "html.baseurl", f"empty: set it to {workshop.base_url!r} "
                      "(workshop.yml's url) for canonical links, Open Graph tags and the sitemap")
    elif baseurl.rstrip("/") != workshop.base_url.rstrip("/"):
        diags.error("_config.yml", html.line_of("baseurl"), "html.baseurl",
                    f"{baseurl!r} differs from workshop.yml's url {workshop.base_url!r}; make them equal")


def _check_papers(project: Project, volume: Proceedings, diags: Diagnostics) -> None:
    paper_list = project.relative(project.paper_list)
    for paper in volume.cited_papers:
        if not paper.pdf:
            diags.warning(paper_list, None, paper.id, "no PDF: the paper is published without one")
        if volume.program and not volume.slots_of(paper.id):
            diags.warning("papers/program.yml", None, paper.id, "the paper is presented in no slot of the program")
