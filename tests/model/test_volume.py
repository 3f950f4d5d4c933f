"""The volume as a whole: what the build lets go of once the pages are written."""

from __future__ import annotations

from dataclasses import replace

from proceedings.inputs.loader import load
from proceedings.model.locations import Project

from conftest import REPO


def test_without_pdf_texts_the_volume_keeps_everything_else_and_what_was_worked_out():
    volume, _ = load(Project(REPO))
    assert volume is not None and any(facts.text for facts in volume.pdfs.values())
    keys, ranges = volume.keys, volume.page_ranges
    slim = volume.without_pdf_texts()
    assert all(facts.text == "" for facts in slim.pdfs.values())
    assert {path: replace(facts, text="") for path, facts in volume.pdfs.items()} == slim.pdfs
    assert replace(slim, pdfs=volume.pdfs) == volume
    assert slim.keys is keys and slim.page_ranges is ranges  # carried over, not worked out again
    assert slim.authors == volume.authors  # and what was not yet worked out is, from the same records
