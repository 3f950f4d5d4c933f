"""The whole volume as one PDF, as aclpub2 makes it: cover, front matter, table of contents, every
paper with page numbers stamped, bookmarks, and an author index. pypdf merges, stamps and bookmarks;
fpdf2 writes the pages of our own."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from anyascii import anyascii
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from .records import paragraphs_of
from .volume import Proceedings

_MARGIN = 20


def latin1(text: str) -> str:
    """Text the PDF core fonts can show: Latin-1 kept, anything else transliterated."""
    return "".join(char if ord(char) < 256 else anyascii(char) for char in " ".join(text.split()))


def plain_paragraphs(text: str) -> list[str]:
    """The paragraphs of a hand-written MyST page, without its markup (headings, emphasis, links)."""
    paragraphs = []
    for block in paragraphs_of(text):
        block = re.sub(r"^#+\s*", "", block)
        block = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
        block = re.sub(r"[*_`]", "", block)
        if block and not block.startswith(("```", ":::", "%", "(")):
            paragraphs.append(block)
    return paragraphs


class _Pages(FPDF):
    """Our own pages: A4, core fonts, a roman page number in the footer when asked."""

    roman = False

    def footer(self) -> None:
        if self.roman:
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 10, _roman(self.page_no()), align="C")


def _roman(number: int) -> str:
    values = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in values:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", size=10)


def _paragraph(pdf: FPDF, text: str, height: float = 5) -> None:
    pdf.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def front_matter(volume: Proceedings, preface: list[str], ranges: dict[str, tuple[int, int]]) -> bytes:
    """Cover, preface, committee and table of contents, numbered in roman."""
    workshop = volume.workshop
    pdf = _Pages(format="A4")
    pdf.set_margins(_MARGIN, _MARGIN)
    pdf.set_creation_date(_fixed_date(volume))
    pdf.set_title(latin1(workshop.booktitle))
    pdf.add_page()
    pdf.set_y(80)
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 11, latin1(workshop.booktitle), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", size=13)
    details = [workshop.venue, f"{workshop.location}, {workshop.date:%d %B %Y}", workshop.license or ""]
    for line in filter(None, details):
        pdf.multi_cell(0, 8, latin1(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.roman = True
    if preface:
        pdf.add_page()
        _heading(pdf, "Preface")
        for text in preface:
            _paragraph(pdf, text)
    people = [("Organizers", workshop.organizers), ("Area chairs", workshop.area_chairs),
              ("Program committee", workshop.program_committee)]
    if any(group for _, group in people):
        pdf.add_page()
        for title, group in people:
            if group:
                _heading(pdf, title)
                _paragraph(pdf, "; ".join(p.name + (f" ({p.affiliation})" if p.affiliation else "") for p in group))
    pdf.add_page()
    _heading(pdf, "Contents")
    for paper in volume.volume_papers:
        first, _ = ranges[paper.id]
        pdf.set_font("Helvetica", "B", 10)
        title = latin1(paper.title)
        # The title may wrap: the authors go below its last line, and the entry is never split by a page break.
        lines = len(pdf.multi_cell(pdf.epw - 15, 5, title, dry_run=True, output="LINES"))
        if pdf.will_page_break(5 * lines + 12):
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_x(pdf.l_margin + pdf.epw - 15)
        pdf.cell(15, 5, str(first), align="R")
        pdf.set_xy(pdf.l_margin, top)
        pdf.multi_cell(pdf.epw - 15, 5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "I", 9)
        pdf.multi_cell(pdf.epw - 15, 5, latin1(", ".join(a.name for a in paper.authors)), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def author_index_pages(volume: Proceedings, ranges: dict[str, tuple[int, int]], first_page: int) -> bytes:
    """The author index: each author with the first pages of their papers, numbered on from the papers."""
    pdf = _Pages(format="A4")
    pdf.set_margins(_MARGIN, _MARGIN)
    pdf.set_creation_date(_fixed_date(volume))
    pdf.add_page()
    _heading(pdf, "Author index")
    for entry in volume.authors:
        pages = [str(ranges[pid][0]) for pid in entry.papers if pid in ranges]
        if pages:
            pdf.cell(pdf.epw - 30, 5, latin1(entry.person.name))
            pdf.cell(30, 5, ", ".join(pages), align="R", new_x="LMARGIN", new_y="NEXT")
    out = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    for offset, page in enumerate(out.pages):
        _stamp(page, str(first_page + offset))
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue()


def _fixed_date(volume: Proceedings) -> dt.datetime:
    """A creation date that keeps the file byte-identical across builds."""
    return dt.datetime.combine(volume.workshop.date, dt.time(0), dt.timezone.utc)


# Helvetica's digits are all 556/1000 em wide, so a page number is centred without font metrics.
_DIGIT_EM = 0.556
_STAMP_SIZE = 9
_STAMP_FONT = NameObject("/ProceedingsPageNumber")


def _stamp(page, text: str) -> None:
    """Write the page number ``text`` centred at the foot of ``page``, over whatever is there.

    The page's own content is wrapped in q/Q (a state it leaves changed cannot move the number) and
    the number appended as a content stream of its own: parsing and merging an overlay page took
    two thirds of the volume's time."""
    box = page.mediabox
    x = float(box.left) + (float(box.width) - len(text) * _DIGIT_EM * _STAMP_SIZE) / 2
    y = float(box.bottom) + 20
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    fonts[_STAMP_FONT] = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                           NameObject("/Subtype"): NameObject("/Type1"),
                                           NameObject("/BaseFont"): NameObject("/Helvetica")})
    contents = page.get_contents()
    if contents is None:  # not `or`: a stream is a dictionary, and an empty one is false
        contents = ContentStream(None, None)
    number = f"BT {_STAMP_FONT} {_STAMP_SIZE} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET"
    contents.set_data(b"q\n" + contents.get_data() + f"\nQ\n{number}\n".encode("ascii"))
    page.replace_contents(contents)
    page.compress_content_streams()


def volume_pdf(volume: Proceedings, papers_dir: Path, preface: list[str], target: Path) -> int:
    """Write the volume to ``target``; its number of pages."""
    ranges = volume.page_ranges
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front_matter(volume, preface, ranges))))
    writer.add_outline_item(title="Front matter", page_number=0)
    sections = {}
    for paper in volume.volume_papers:
        first, last = ranges[paper.id]
        start = len(writer.pages)
        reader = PdfReader(papers_dir / paper.pdf, password=paper.pdf_password or None)
        for number, page in zip(range(first, last + 1), reader.pages):
            writer.add_page(page)
            _stamp(writer.pages[-1], str(number))
        track = volume.workshop.track(paper.track)
        if track.id not in sections:
            sections[track.id] = writer.add_outline_item(title=track.title, page_number=start)
        writer.add_outline_item(title=latin1(paper.title), page_number=start, parent=sections[track.id])
    index_start = len(writer.pages)
    last_page = max((last for _, last in ranges.values()), default=0)
    writer.append(PdfReader(io.BytesIO(author_index_pages(volume, ranges, last_page + 1))))
    writer.add_outline_item(title="Author index", page_number=index_start)
    writer.add_metadata({"/Title": volume.workshop.booktitle, "/Producer": "proceedings (pypdf, fpdf2)"})
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    with temporary.open("wb") as stream:
        writer.write(stream)
    temporary.replace(target)
    return len(writer.pages)
