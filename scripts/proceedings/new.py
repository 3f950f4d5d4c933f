"""``proceedings new``: a project made from the scaffold, with a commented example of every input."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from .outputs.samples import sample_pdf


def create_project(target: Path) -> None:
    """Copy the scaffold into ``target`` (which must be empty or absent), with an example PDF."""
    with resources.as_file(resources.files("proceedings") / "scaffold") as scaffold:
        shutil.copytree(scaffold, target, dirs_exist_ok=True)
    # Packaging drops dotfiles, so the scaffold's .gitignore and workflow travel without their dots.
    (target / "gitignore").rename(target / ".gitignore")
    (target / ".github" / "workflows").mkdir(parents=True)
    (target / "github-workflow.yml").rename(target / ".github" / "workflows" / "proceedings.yml")
    sample_pdf(target / "papers" / "pdf" / "example-paper.pdf", "An Example Paper about E = mc^2",
               ["Marie Skłodowska-Curie", "Johannes van der Waals", "Nguyễn Văn An"],
               "What the paper does, in a paragraph or two.", pages=3)
