"""The files published beside the pages: PDFs and their previews, citation files, recordings, the
calendar and the volume PDF, put into the site being built."""

from __future__ import annotations

import hashlib
import json
import pickle
import zlib
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

from ..model.locations import (
    Project,
    material_stem,
    notice_files,
    paper_docname,
    published_materials,
    recording_file,
    talk_docname,
    volume_pdf_record,
)
from ..model.paper import Paper
from ..model.talk import Talk
from ..model.volume import Proceedings
from ..outputs.citation import FORMATS, Citations
from ..outputs.datacite import volume_record
from ..outputs.ics import program_digest, program_ics
from ..outputs.previews import render_previews
from ..outputs.unlocked import unlocked_copy
from ..util.files import FilesPut, read_json, remove_others, signature_if_file, sync_shared_folder
from ..util.myst import plain_paragraphs
from ..util.priority import lower_priority
from ..util.processes import deaf_children, worker_pool
from ..util.software import installed_versions

VOLUME_PDF = "proceedings.pdf"
"""The volume PDF's path in the site."""


def write_assets(project: Project, citations: Citations) -> FilesPut:
    """Put the files published beside the pages but the volume PDF (:func:`put_volume_pdf`) into
    the site being built, and save the texts ``citations`` made for them and for the pages."""
    volume = citations.volume
    readable = _readable_pdfs(project, volume)
    pngs = render_previews({volume.pdfs[path].sha256: file for path, file in readable.items()}, project.previews)
    papers = list(volume.cited_papers)
    # By their paths in the site, as strings: 16,000 pathlib paths made relative took a quarter of
    # a second of the build.
    files: dict[str, str | Path] = {f"proceedings.{f.ext}": f.write(citations, papers) for f in FORMATS}
    files["program.ics"] = citations.kept("ics", program_digest(volume), lambda: program_ics(volume).decode("utf-8"))
    files |= _datacite_files("proceedings", citations.datacite(volume_record(volume)))
    for paper in volume.papers:
        page = paper_docname(paper.id)
        folder = page.rpartition("/")[0]
        for f in FORMATS if paper.cited else ():
            files[f"{page}.{f.ext}"] = f.write(citations, [paper])
        if paper.cited or paper.doi:  # a withdrawn paper's DOI still resolves, to a record that says so
            files |= _datacite_files(page, citations.paper_datacite(paper))
        files |= _materials(project, volume, paper, folder, readable, pngs)
        files |= {f"{folder}/{name}": project.papers / path for name, path in notice_files(paper).items()}
    for talk in volume.talks:
        files |= _materials(project, volume, talk, talk_docname(talk.id).rpartition("/")[0], readable, pngs)
    # The pages and these files have made every text the build needs.
    citations.save()
    return sync_shared_folder(project.work_html, files, project.work / "files.json", project.replaced_whole)


def put_volume_pdf(project: Project, volume_pdf: Callable[[], Path | None]) -> None:
    """Put the volume PDF into the site being built once ``volume_pdf`` (:func:`start_volume_pdf`)
    has made it, or remove the one put there before when the volume has none now. Apart from the
    other files beside the pages: after an added paper or a new PDF it is made last, and the zip and
    the snapshot took the other files only once it was."""
    made = volume_pdf()
    sync_shared_folder(project.work_html, {VOLUME_PDF: made} if made else {}, project.work / "volume-file.json",
                       project.replaced_whole)


def _datacite_files(stem: str, texts: tuple[str, str]) -> dict[str, str | Path]:
    """A DataCite record's XML and JSON files, named after ``stem``."""
    return {f"{stem}.datacite.xml": texts[0], f"{stem}.datacite.json": texts[1]}


def start_volume_pdf(project: Project, volume: Proceedings) -> Callable[[], Path | None]:
    """Start making the volume PDF, unless the volume has none or it is cached under the hash of its
    inputs and of the code that makes it; a function that waits for it and returns its path (None:
    no volume PDF).

    It is made in a process of its own, started as soon as the inputs are read: after an added paper
    or a replaced PDF it takes seconds, and was the longest path of the rebuild when it waited for
    the pages to be written."""
    if not (volume.volume_pdf and volume.bound_papers):
        return lambda: None
    preface_file = project.book / "preface.md"
    preface = plain_paragraphs(preface_file.read_text("utf-8")) if preface_file.is_file() else []
    # What the volume shows: its papers in their order (contents, bookmarks, pages) and the author
    # index, whose names and pages also follow from papers not bound and from the order of the list.
    inputs = json.dumps([_volume_pdf_code(), repr(volume.workshop), preface,
                         [(p.id, p.title, repr(p.authors), p.doi, volume.pdfs[p.pdf].sha256)
                          for p in volume.bound_papers if p.pdf], volume.author_pages])
    target = project.volume_pdfs / f"{hashlib.sha256(inputs.encode()).hexdigest()}.pdf"
    if _as_written(target):
        return lambda: target
    earlier = _earlier_volume(project.volume_pdfs)
    # Pickled here, before this thread goes on: the pool pickles a call in a thread of its own as it
    # sends it, while this thread fills the volume's cached properties, and a cold build's volume
    # failed with "dictionary changed size during iteration".
    call = pickle.dumps((volume, project.papers, preface, target, _volume_pdf_code(), earlier))
    # Spawned, so that its memory (the writer holds every page of the volume) is returned when it ends,
    # once the volume is written.
    process = worker_pool(1, get_context("spawn"), lower_priority)
    with deaf_children():
        made = process.submit(_write_volume_pdf, call)
    process.shutdown(wait=False)

    def made_volume() -> Path:
        made.result()  # raises what the process raised
        remove_others(project.volume_pdfs, {target, volume_pdf_record(target)})
        return target
    return made_volume


def _as_written(volume: Path) -> bool:
    """Whether the cached ``volume`` is there with the size and time its record says it was written
    with: the site holds a hard link to it, and one cut short by hand was published by every build after."""
    signature = signature_if_file(volume)
    return signature is not None and read_json(volume_pdf_record(volume), {}).get("file") == signature


def _earlier_volume(folder: Path) -> Path | None:
    """The volume PDF written last in ``folder``, which a new volume takes unchanged papers' pages
    from; the others are removed."""
    volumes = sorted(folder.glob("*.pdf"), key=lambda path: path.stat().st_mtime_ns)
    remove_others(folder, {kept for volume in volumes[-1:] for kept in (volume, volume_pdf_record(volume))})
    return volumes[-1] if volumes else None


def _write_volume_pdf(call: bytes) -> int:
    """:func:`~proceedings.outputs.volume_pdf.write_volume_pdf` of the pickled arguments in ``call``,
    imported only by the process that makes the volume: fpdf and pikepdf took a third of a second to
    import, on the build's longest path, and most builds find the volume made."""
    from ..outputs.volume_pdf import write_volume_pdf

    return write_volume_pdf(*pickle.loads(call))


_VOLUME_PACKAGES = ("pikepdf", "fpdf2", "fonttools", "sphinxext-opengraph")
"""The packages the volume PDF's bytes come from: qpdf (in pikepdf) writes it, fpdf2 and fontTools
make its own pages, in the font sphinxext-opengraph ships."""


def _volume_pdf_code() -> str:
    """A hash of the code the volume PDF depends on: its writer, the model (paper order, committees,
    page ranges), the text helpers (transliteration), and the versions of the packages and of zlib
    that write it: a new volume takes pages from the last one only if they are as it would write them."""
    package = Path(__file__).parents[1]
    files = [package / "outputs" / "volume_pdf.py", *sorted((package / "model").glob("*.py")),
             *sorted((package / "util").glob("*.py"))]
    versions = [*installed_versions(_VOLUME_PACKAGES).values(), zlib.ZLIB_RUNTIME_VERSION]
    return hashlib.sha256(b"".join(path.read_bytes() for path in files) + json.dumps(versions).encode()).hexdigest()


def _readable_pdfs(project: Project, volume: Proceedings) -> dict[str, Path]:
    """Each PDF the site publishes of the papers and talks, by its path in ``papers/``, as a file
    anyone can open: the organizer's own, or for a paper PDF with a ``pdf_password``, a copy without
    the password."""
    found = {}
    items: list[Paper | Talk] = [*volume.papers, *volume.talks]
    for item in items:
        for material, path in published_materials(item):
            password = item.pdf_password if isinstance(item, Paper) and material.field == "pdf" else None
            found[path] = (unlocked_copy(project.papers / path, password, volume.pdfs[path].sha256, project.unlocked)
                           if password else project.papers / path)
    return found


def _materials(project: Project, volume: Proceedings, item: Paper | Talk, folder: str, readable: dict[str, Path],
               pngs: dict[str, Path]) -> dict[str, str | Path]:
    """A paper's or talk's PDFs, their first-page previews and its recording file, as published in
    ``folder`` of the site."""
    files: dict[str, str | Path] = {}
    for material, path in published_materials(item):
        stem = f"{folder}/{material_stem(item.id, material)}"
        files[f"{stem}.pdf"] = readable[path]
        files[f"{stem}.png"] = pngs[volume.pdfs[path].sha256]
    recording = volume.recording(item.id)
    if recording and recording.is_local_file:
        files[f"{folder}/{recording_file(recording)}"] = project.papers / recording.url
    return files
