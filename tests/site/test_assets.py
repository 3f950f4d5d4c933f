"""The files beside the pages: the volume PDF, started early and cached."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pypdf import PdfReader

from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.site import assets
from proceedings.site.assets import start_volume_pdf

from conftest import write_project


def test_the_volume_pdf_is_made_in_a_process_once_then_taken_from_its_cache(tmp_path, monkeypatch):
    project = Project(write_project(tmp_path / "project"))
    volume, diags = load(project)
    assert volume is not None and not diags.has_errors
    path = start_volume_pdf(project, volume)()
    assert path is not None and path.parent == project.volume_pdfs
    assert len(PdfReader(path).pages) > len(volume.bound_papers)
    monkeypatch.setattr(assets, "ProcessPoolExecutor", lambda *args, **kwargs: pytest.fail("made again"))
    assert start_volume_pdf(project, volume)() == path
    assert start_volume_pdf(project, replace(volume, volume_pdf=False))() is None
    # Another title is another volume: the old file goes, the new one is made.
    monkeypatch.undo()
    retitled = replace(volume, papers=(replace(volume.papers[0], title="A new title"), *volume.papers[1:]))
    new_path = start_volume_pdf(project, retitled)()
    assert new_path != path and new_path.is_file() and not path.exists()
