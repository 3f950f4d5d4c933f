"""Shared fixtures: small proceedings projects written into temporary folders."""

from __future__ import annotations

import hashlib
import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.model.volume import Proceedings
from proceedings.outputs.samples import sample_pdf

REPO = Path(__file__).resolve().parents[1]

# A shell starts a command put in the background (`nohup python -m pytest &`) with SIGINT ignored, and
# Python then leaves it so: the tests of what a Ctrl-C does need it heard, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
SHARED_DATA = REPO.parent / "shared" / "data"

SITE_URL = "https://example.org/test-ws/"
WORKSHOP_YML = """\
id: test-ws-2026
title: "Test Workshop on Foundation Models"
booktitle: "Proceedings of the Test Workshop on Foundation Models"
venue: "Test Conference 2026"
date: 2026-04-27
location: "Rio de Janeiro, Brazil"
timezone: America/Sao_Paulo
url: "https://example.org/test-ws/"
archival: false
tracks:
  - id: full
    title: Full papers
  - id: tiny
    title: Tiny papers
organizers:
  - name: Ada Lovelace
    affiliation: Example University
program_committee:
  - name: Konstantin Schürholt
    affiliation: Univ. St.Gallen
  - name: Lanasse Francois
    family: Lanasse
    given: Francois
"""

PAPERS_YML = """\
- id: paper-one
  title: "Neural Operators for PDEs"
  authors:
    - name: Jürgen Müller
      affiliation: Uni Hamburg
      orcid: 0000-0002-1825-0097
    - name: Johannes van der Waals
  abstract: |
    We learn $u_t = \\Delta u$ with a neural operator.

    A second paragraph.
  keywords: [operators, PDEs]
  track: full
  award: Best Paper
  openreview: AbCdEf123
  pdf: pdf/paper-one.pdf
- id: paper-two
  title: "A Tiny Idea"
  authors:
    - name: Łucja Wróbel
  abstract: Short.
  track: tiny
  pdf: pdf/paper-two.pdf
"""


TALKS = """\
- id: keynote
  title: "A Keynote"
  speaker: {name: Ada Lovelace, affiliation: Example University, url: "https://example.org/ada"}
- id: panel
  kind: panel
  title: "A Panel"
  speakers: [{name: A}, {name: B}]
"""


PROGRAM = """\
- start: "09:00"
  end: "09:45"
  kind: invited
  title: Keynote
  talk: keynote
- start: 9:45
  end: "10:30"
  kind: contributed
  title: Talks
  papers: [paper-one, paper-two]
"""


RECORDINGS = """\
- item: paper-one
  platform: youtube
  url: "https://www.youtube.com/watch?v=abcdefghijk"
  permission: public
- item: paper-two
  platform: vimeo
  url: "https://vimeo.com/12345"
  permission: link
- item: keynote
  platform: slideslive
  url: "https://slideslive.com/38900000"
  permission: withheld
- item: panel
  platform: youtube
  url: "https://youtu.be/abcdefghijk"
"""


def write_project(root: Path, workshop: str = WORKSHOP_YML, papers: str = PAPERS_YML,
                  pdfs: tuple[str, ...] = ("paper-one", "paper-two")) -> Path:
    """A complete small project in ``root``: the repository's book layout with the given inputs."""
    (root / "book").mkdir(parents=True)
    (root / "papers").mkdir()
    (root / "_toc.yml").write_text((REPO / "_toc.yml").read_text("utf-8"), "utf-8")
    config = (REPO / "_config.yml").read_text("utf-8")
    (root / "_config.yml").write_text(config.replace("https://fm-science.github.io/proceedings/", SITE_URL), "utf-8")
    (root / "book" / "welcome.md").write_text("# Test workshop\n\n- [All papers](papers/index.md)\n", "utf-8")
    (root / "book" / "preface.md").write_text("# Preface\n\nHello.\n", "utf-8")
    (root / "papers" / "workshop.yml").write_text(textwrap.dedent(workshop), "utf-8")
    (root / "papers" / "accepted.yml").write_text(textwrap.dedent(papers), "utf-8")
    for name in pdfs:
        sample_pdf(root / "papers" / "pdf" / f"{name}.pdf", f"Title of {name}", ["Jürgen Müller"],
                   "An abstract.", pages=3, phrase=f"Only the {name} PDF says zanzibar quokka.")
    return root


def with_accepted_csv(root: Path, text: str) -> Path:
    """The project at ``root`` with its papers listed in ``papers/accepted.csv`` (``text``) instead of
    ``accepted.yml``."""
    (root / "papers" / "accepted.yml").unlink()
    (root / "papers" / "accepted.csv").write_text(text, "utf-8")
    return root


def edit_while_jupyter_book_runs(monkeypatch: pytest.MonkeyPatch, edit: Callable[[], object]) -> Callable[[], None]:
    """Make each Jupyter Book run of a build call ``edit`` first, as an organizer saving a file while
    Sphinx reads; what puts the real run back."""
    import proceedings.build as pipeline

    original = pipeline.run_jupyter_book

    def edited_first(*args):
        edit()
        return original(*args)
    monkeypatch.setattr(pipeline, "run_jupyter_book", edited_first)
    return lambda: monkeypatch.setattr(pipeline, "run_jupyter_book", original)


def tree_state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its content, to prove nothing was written."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def running(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped by whoever adopted it, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A valid small project."""
    return write_project(tmp_path / "project")


@pytest.fixture(scope="session")
def shipped_volume() -> Proceedings:
    """The shipped archive's proceedings, as a build loads them (tests read it, never change it)."""
    volume, diags = load(Project(REPO))
    assert volume is not None, [str(d) for d in diags.items]
    return volume


@pytest.fixture
def shared_data() -> Path:
    """The shared real-world test data, or a skip when this checkout has none beside it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA
