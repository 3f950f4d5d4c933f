"""The volume as a whole: the facts of its PDFs without their texts, which a cache holds apart."""

from __future__ import annotations

from dataclasses import fields

from proceedings.inputs.loader import load
from proceedings.inputs.pdf import PdfCache
from proceedings.model.locations import Project
from proceedings.model.pdf_facts import PdfFacts

from conftest import write_project


def test_the_volume_holds_no_pdf_text_and_the_cache_gives_each_by_its_hash(tmp_path):
    # The texts were most of the volume's memory (83 MB at 3,000 papers), and reading them with the
    # facts 0.05 s of every build at 1,000 papers, where an edit shows one of them.
    project = Project(write_project(tmp_path / "p"))
    assert "text" not in {field.name for field in fields(PdfFacts)}
    cache = PdfCache(project.pdf_facts)
    volume, _ = load(project, pdf_cache=cache)
    assert volume is not None and all(facts.has_text for facts in volume.pdfs.values())
    facts = volume.facts(volume.paper("paper-one").pdf)
    assert facts and "zanzibar quokka" in " ".join(cache.text(facts.sha256).split())
    cache.put_all(volume.pdfs.values())
    again = PdfCache(project.pdf_facts)
    volume_again, _ = load(project, pdf_cache=again)
    assert volume_again == volume and not again.texts
    assert again.text(facts.sha256) == cache.text(facts.sha256)
