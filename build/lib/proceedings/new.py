"""``proceedings new``: a project made from the scaffold, with a commented example of every input and
a GitHub workflow that installs exactly the tool that made it."""

from __future__ import annotations

import json
import shutil
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import unquote, urlparse

from . import DISTRIBUTION, __version__
from .outputs.samples import sample_pdf
from .util.git import git_output


def create_project(target: Path) -> str:
    """Copy the scaffold into ``target`` (which must be empty or absent), with an example PDF; what
    the workflow installs, and from where, in words."""
    with resources.as_file(resources.files("proceedings") / "scaffold") as scaffold:
        shutil.copytree(scaffold, target, dirs_exist_ok=True)
    # Packaging drops dotfiles, so the scaffold's .gitignore and workflow travel without their dots.
    (target / "gitignore").rename(target / ".gitignore")
    workflow = target / ".github" / "workflows" / "proceedings.yml"
    workflow.parent.mkdir(parents=True)
    (target / "github-workflow.yml").rename(workflow)
    requirement, origin = install_requirement(_direct_url())
    workflow.write_text(workflow.read_text("utf-8").replace("INSTALL-REQUIREMENT", requirement).replace(
        "INSTALL-COMMENT", f"This tool, as `proceedings new` found it: {origin}. To use another version, change this line."),
        "utf-8")
    sample_pdf(target / "papers" / "pdf" / "example-paper.pdf", "An Example Paper about E = mc^2",
               ["Marie Skłodowska-Curie", "Johannes van der Waals", "Nguyễn Văn An"],
               "What the paper does, in a paragraph or two.", pages=3)
    return f"{requirement} ({origin})"


def enclosing_project_folder(target: Path) -> Path | None:
    """The folder of another project that ``target`` would lie in, whose build reads or writes it:
    its ``papers/`` (each file of a project made there was that project's input, its example PDF
    one that "no paper publishes"), ``book/`` or ``_build/``."""
    target = target.resolve()
    for root in target.parents:
        if (root / "papers" / "workshop.yml").is_file():
            return next((folder for folder in (root / "papers", root / "book", root / "_build")
                         if target.is_relative_to(folder)), None)
    return None


def _direct_url() -> dict:
    """Where pip installed this tool from, as it recorded it (PEP 610); empty for an index install."""
    text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    return json.loads(text) if text else {}


def install_requirement(direct_url: dict) -> tuple[str, str]:
    """The pip requirement that installs exactly this tool elsewhere, and where it comes from: the
    git commit it was installed from (or that its local checkout is at, when that checkout has a
    public remote), else its released version."""
    url = direct_url.get("url", "")
    if commit := direct_url.get("vcs_info", {}).get("commit_id"):
        return f"{DISTRIBUTION} @ git+{url}@{commit}", f"git commit {commit[:12]} of {url}"
    if url.startswith("file://"):
        folder = Path(unquote(urlparse(url).path))
        if found := _checkout(folder):
            remote, commit = found
            return f"{DISTRIBUTION} @ git+{remote}@{commit}", f"git commit {commit[:12]} of {remote} (its checkout's remote)"
        return (f"{DISTRIBUTION}=={__version__}", f"installed from the folder {folder}, which has no https git remote; "
                "replace the line below with where CI can get the same version, e.g. git+https://...@<commit>")
    return f"{DISTRIBUTION}=={__version__}", f"version {__version__} from PyPI"


def _checkout(folder: Path) -> tuple[str, str] | None:
    """The https remote and the commit of the git checkout at ``folder``, if it is one that has them."""
    if not folder.is_dir():
        return None
    remote, commit = git_output(folder, "remote", "get-url", "origin"), git_output(folder, "rev-parse", "HEAD")
    return (remote, commit) if remote.startswith("https://") and commit else None
