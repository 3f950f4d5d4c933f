"""The files beside the pages: the volume PDF, started early and cached."""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import fields, replace
from functools import partial

import pytest
from pypdf import PdfReader

from proceedings.inputs.loader import load
from proceedings.model.locations import Project, volume_pdf_record
from proceedings.model.program import Slot
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
    monkeypatch.setattr(assets, "worker_pool", lambda *args, **kwargs: pytest.fail("made again"))
    assert start_volume_pdf(project, volume)() == path
    assert start_volume_pdf(project, replace(volume, volume_pdf=False))() is None
    # Another title is another volume: the new one is made, then the old one goes; the new one's
    # record stays beside it, for the next volume to take its unchanged papers' pages.
    monkeypatch.undo()
    retitled = replace(volume, papers=(replace(volume.papers[0], title="A new title"), *volume.papers[1:]))
    new_path = start_volume_pdf(project, retitled)()
    assert new_path != path and new_path.is_file() and not path.exists()
    assert sorted(project.volume_pdfs.iterdir()) == [volume_pdf_record(new_path), new_path]


def test_the_volume_pdf_is_made_again_when_a_package_that_writes_it_is_upgraded(tmp_path, monkeypatch):
    """Its pages, taken by the next volume, must be as the packages installed would write them."""
    code = assets._volume_pdf_code()
    (tmp_path / "pikepdf-99.0.dist-info").mkdir()  # found first on the path, as an upgrade's would be
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert assets._volume_pdf_code() != code


def test_the_volume_pdf_shows_the_volume_as_it_was_when_started(tmp_path):
    """The volume is sent to the process that makes its PDF as it is when that is started: the build
    goes on filling the volume's cached properties meanwhile, and a cold build's volume PDF failed
    as they changed while the pool sent it ("dictionary changed size during iteration")."""
    project = Project(write_project(tmp_path / "project"))
    volume, _ = load(project)
    assert volume is not None
    workshop = type(volume.workshop)

    class SlowToSend(workshop):  # type: ignore[valid-type, misc]
        """The volume's first field, slow to pickle (as a thousand papers are), then a workshop again."""

        def __reduce_ex__(self, protocol):
            time.sleep(0.5)
            return partial(workshop, **{f.name: getattr(self, f.name) for f in fields(workshop)}), ()

    object.__setattr__(volume, "workshop", SlowToSend(**{f.name: getattr(volume.workshop, f.name) for f in fields(workshop)}))
    made = start_volume_pdf(project, volume)
    # The volume's dictionary changed once started, as the build fills its cached properties: the
    # process must not see it.
    first, *others = volume.bound_papers
    volume.__dict__["bound_papers"] = (replace(first, title="Retitled after the start"), *others)
    text = "".join(page.extract_text() for page in PdfReader(made()).pages)
    assert "Retitled" not in text and first.title.split()[0] in text


def test_the_volume_pdf_is_made_again_when_its_contents_or_author_index_change(tmp_path):
    """The contents show each paper's DOI, and the author index names each author as the list of
    papers first writes them, with their pages ascending: a new DOI, or two papers swapped in the
    list while the program keeps their pages, make another volume (a trial found both kept the old)."""
    project = Project(write_project(tmp_path / "project"))
    volume, _ = load(project)
    assert volume is not None
    first, second = volume.papers
    author = first.authors[0]
    shouted = replace(author, name=author.name.upper(), affiliation=None)  # the same person, by ORCID
    # The second paper presented first: its pages come first, whatever the list's order.
    program = tuple(Slot(dt.time(9 + hour), dt.time(10 + hour), "contributed", f"Session {hour}", papers=(paper.id,))
                    for hour, paper in enumerate((second, first)))
    listed = replace(volume, papers=(first, replace(second, authors=(*second.authors, shouted))), program=program)
    swapped = replace(listed, papers=listed.papers[::-1])
    assert listed.page_ranges == swapped.page_ranges
    assert dict(listed.author_pages)[author.name] == [1, 4] and dict(swapped.author_pages)[shouted.name] == [1, 4]
    with_doi = replace(swapped, papers=(swapped.papers[0], replace(first, doi="10.5281/zenodo.7654321")))
    made = [start_volume_pdf(project, changed)() for changed in (listed, swapped, with_doi)]
    assert len(set(made)) == 3 and made[-1] is not None
    reader = PdfReader(made[-1])
    assert f"{shouted.name} 1, 4" in reader.pages[-1].extract_text().splitlines()
    assert any("DOI: 10.5281/zenodo.7654321" in page.extract_text() for page in reader.pages[:4])


def test_a_cached_file_emptied_in_place_is_made_again_by_the_next_build(tmp_path):
    """The site holds hard links to the cached previews and volume: one emptied by hand (a trial's
    doing) empties the published file too, and was published again by every build after."""
    from proceedings.cli import main

    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    project = Project(root)
    preview = project.html / "book" / "papers" / "paper-one.png"
    volume = project.html / "proceedings.pdf"
    for published in (preview, volume):
        cached = next(path for folder in project.replaced_whole if folder.is_dir()
                      for path in folder.iterdir() if path.samefile(published))
        cached.write_bytes(b"")
        assert published.stat().st_size == 0
    accepted = root / "papers" / "accepted.yml"  # a change that leaves the volume as it was
    accepted.write_text(accepted.read_text("utf-8").replace("abstract: ", "abstract: Changed. ", 1), "utf-8")
    assert main(["build", str(root)]) == 0
    assert preview.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and len(PdfReader(volume).pages) > 2


def test_a_volume_pdf_cut_short_in_place_is_made_again_by_the_next_build(tmp_path):
    """The published volume is a hard link to the cached one: cut short by hand (a trial's doing,
    not emptied), it was published again, and zipped, by every build after."""
    from proceedings.cli import main

    root = write_project(tmp_path / "project")
    assert main(["build", str(root)]) == 0
    volume = Project(root).html / "proceedings.pdf"
    whole = volume.read_bytes()
    with volume.open("r+b") as published:
        published.truncate(1000)
    accepted = root / "papers" / "accepted.yml"  # a change that leaves the volume as it was
    accepted.write_text(accepted.read_text("utf-8").replace("abstract: ", "abstract: Changed. ", 1), "utf-8")
    assert main(["build", str(root)]) == 0
    assert volume.read_bytes() == whole
