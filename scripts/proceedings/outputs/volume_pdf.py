"""The whole volume as one PDF, as aclpub2 makes it: cover, preface and committee, table of contents,
every paper with page numbers stamped, bookmarks, and an author index. pikepdf (qpdf) merges, stamps and
bookmarks; fpdf2 writes the pages of our own."""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import shutil
import tempfile
import unicodedata
import zlib
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import CharVPos
from pikepdf import (
    Array,
    Dictionary,
    Name,
    NameTree,
    Object,
    ObjectStreamMode,
    OutlineItem,
    Page,
    Pdf,
    PdfError,
    Stream,
    StreamDecodeLevel,
    String,
)

from ..model.indexes import listed_name
from ..model.locations import volume_pdf_record
from ..model.paper import Paper
from ..model.pdf_facts import ACTIVE_ANNOTATIONS, active_kind
from ..model.volume import Proceedings
from ..model.workshop import Workshop
from ..util.files import file_hash, file_signature, package_folder, read_json, replacing
from ..util.latex import math_as_text
from ..util.text import transliterated

_MARGIN = 20
# Roboto Flex, which sphinxext-opengraph (a dependency) ships for its social cards: Latin with every
# accent, Vietnamese, Greek and Cyrillic, where the PDF core fonts have Latin-1 only (Ł became L).
_FONT_FILE = package_folder("sphinxext.opengraph") / "_static" / "Roboto-Flex.ttf"
_FONT = "Roboto"
# The tables of a variable font's other instances: we use its default one, and embedding them
# (fpdf2 subsets them glyph by glyph) took the volume of 1,000 papers from 2.8 s to 3.7 s.
_VARIATION_TABLES = ("fvar", "gvar", "avar", "cvar", "HVAR", "MVAR", "STAT")
# The authors under each title in the table of contents, in a dark grey (the font has no italic).
_AUTHOR_GREY = 85
# The height of a line of the contents and of the author index, in millimetres.
_LINE = 5


@lru_cache(maxsize=1)
def _font_characters() -> frozenset[int]:
    return frozenset(TTFont(_FONT_FILE, lazy=True).getBestCmap())


@lru_cache(maxsize=1)
def _static_font() -> Path:
    """Roboto Flex's default instance, in a temporary file for this process (fpdf2 reads fonts from files)."""
    font = TTFont(_FONT_FILE, recalcTimestamp=False)  # a save time in it would change every volume
    for tag in _VARIATION_TABLES:
        if tag in font:
            del font[tag]
    folder = Path(tempfile.mkdtemp(prefix="proceedings-font-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    font.save(folder / "RobotoFlex-Regular.ttf")
    return folder / "RobotoFlex-Regular.ttf"


def shown(text: str) -> str:
    """``text`` on one line as the preliminary pages' font can show it: characters it lacks (Chinese,
    Japanese, Arabic...) transliterated."""
    return transliterated(unicodedata.normalize("NFC", text), _font_characters())


class _Pages(FPDF):
    """Our own pages: A4, one regular font (sizes and greys set the hierarchy), a roman page number in
    the footer when asked."""

    roman = False

    def __init__(self, volume: Proceedings) -> None:
        super().__init__(format="A4")
        self.add_font(_FONT, "", _static_font())
        self.set_margins(_MARGIN, _MARGIN)
        self.set_creation_date(volume.workshop.fixed_timestamp)

    def footer(self) -> None:
        if self.roman:
            self.set_y(-15)
            self.set_font(_FONT, size=9)
            self.cell(0, 10, _roman(self.page_no()), align="C")


def _roman(number: int) -> str:
    values = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in values:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font(_FONT, size=17)
    pdf.multi_cell(0, 9, shown(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(_FONT, size=10)


def _paragraph(pdf: FPDF, text: str, height: float = 5) -> None:
    pdf.multi_cell(0, height, shown(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def preliminary_pages(volume: Proceedings, preface: list[str], ranges: dict[str, tuple[int, int]]) -> bytes:
    """Cover, preface, committee and table of contents, numbered in roman."""
    pdf = _Pages(volume)
    pdf.set_title(volume.workshop.booktitle)
    _cover(pdf, volume.workshop)
    pdf.roman = True
    if preface:
        pdf.add_page()
        _heading(pdf, "Preface")
        for text in preface:
            _paragraph(pdf, text)
    if volume.committees:
        pdf.add_page()
        for heading, people in volume.committees:
            _heading(pdf, heading)
            _paragraph(pdf, "; ".join(listed_name(group) for group in people))
    pdf.add_page()
    _heading(pdf, "Contents")
    for paper in volume.bound_papers:
        _contents_entry(pdf, paper, ranges[paper.id][0])
    return bytes(pdf.output())


def _cover(pdf: FPDF, workshop: Workshop) -> None:
    """The title page: the volume's title, the venue, place and date, and the licence."""
    pdf.add_page()
    pdf.set_y(80)
    pdf.set_font(_FONT, size=24)
    pdf.multi_cell(0, 11, shown(workshop.booktitle), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font(_FONT, size=13)
    editors = [person.name for person in workshop.editors]
    edited = f"Edited by {', '.join(editors[:-1])} and {editors[-1]}" if len(editors) > 1 else \
        f"Edited by {editors[0]}" if editors else ""
    details = [edited, workshop.venue, f"{workshop.location}, {workshop.date:%d %B %Y}", workshop.license or ""]
    for line in filter(None, details):
        pdf.multi_cell(0, 8, shown(line), align="C", new_x="LMARGIN", new_y="NEXT")


def _contents_entry(pdf: FPDF, paper: Paper, first_page: int) -> None:
    """A paper's line in the table of contents: its title, its first page, its authors below, and
    its DOI (a link) if it has one."""
    width = pdf.epw - 15
    pdf.set_font(_FONT, size=9)
    authors = _lines(pdf, width, shown(", ".join(a.name for a in paper.authors)))
    doi = [f"DOI: {paper.doi}"] if paper.doi else []
    pdf.set_font(_FONT, size=10.5)
    title = _lines(pdf, width, shown(math_as_text(paper.title)))
    # The title may wrap: the authors go below its last line, and the entry is never split by a page break.
    if pdf.will_page_break(_LINE * (len(title) + len(authors) + len(doi)) + 2):
        pdf.add_page()
    for number, line in enumerate(title):
        _line(pdf, line, right="" if number else str(first_page))
    pdf.set_font(_FONT, size=9)
    pdf.set_text_color(_AUTHOR_GREY)
    for line in authors:
        _line(pdf, line)
    for line in doi:
        _line(pdf, line, link=paper.doi_url or "")
    pdf.set_text_color(0)
    pdf.ln(2)


def _lines(pdf: FPDF, width: float, text: str) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` in the current font, less a
    cell's margins (a word wider than a line is cut where it overflows). fpdf2's own line breaking
    measures each line character by character: it was a fifth of the volume's time at 1,000 papers."""
    width -= 2 * pdf.c_margin
    space = _width(pdf, " ")
    lines: list[str] = []
    words: list[str] = []
    used = 0.0
    for word in filter(None, text.split(" ")):  # not at a no-break space
        size = _width(pdf, word)
        if words and used + space + size > width:
            lines.append(" ".join(words))
            words, used = [], 0.0
        while size > width:  # alone on its line, and still too wide
            cut, cut_size = _fitting(pdf, width, word)
            lines.append(word[:cut])
            # Less the part cut off, not measured again: a title of one 300,000-letter word took 42 s.
            word, size = word[cut:], size - cut_size
        used += (space if words else 0) + size
        words.append(word)
    return [*lines, " ".join(words)] if words or not lines else lines


def _fitting(pdf: FPDF, width: float, word: str) -> tuple[int, float]:
    """How many of ``word``'s first characters fit in ``width`` (at least one), and their width."""
    used = 0.0
    for count, character in enumerate(word):
        size = _width(pdf, character)
        if used + size > width:
            return (count, used) if count else (1, size)
        used += size
    return len(word), used


def _width(pdf: FPDF, text: str) -> float:
    """The width of ``text`` in ``pdf``'s current font, as ``get_string_width`` gives it: the sum
    of its glyphs' advances. The volume's own pages never shape text, stretch it, space its letters,
    raise it or fall back on another font (fpdf2 is asked when one is set); fpdf2 still split each
    text into bidirectional fragments, with a copy of the graphics state each, to measure it (0.2 s
    of the volume's 1.8 s at 1,000 papers)."""
    font, alias = pdf.current_font, pdf.str_alias_nb_pages
    if (font is None or pdf.text_shaping or pdf.font_stretching != 100 or pdf.char_spacing or pdf.char_vpos != CharVPos.LINE
            or pdf._fallback_font_ids or (alias and alias in text)):
        return pdf.get_string_width(text)  # no font (an error), or text fpdf2 measures otherwise, or "{nb}"
    return font.get_text_width(text, pdf.font_size_pt, None)[1] / pdf.k


def _line(pdf: FPDF, text: str, right: str = "", link: str = "") -> None:
    """Write ``text`` on a line of its own at the left margin, where ``cell`` puts it, and ``right``
    at its end, and go to the next line, on a new page past the last; ``link`` makes the text a link.
    fpdf2's ``cell`` took four times as long as its ``text``, for thousands of lines."""
    if pdf.will_page_break(_LINE):  # an entry longer than a page (a large collaboration's authors)
        pdf.add_page()
    x, baseline = pdf.l_margin + pdf.c_margin, pdf.y + _LINE / 2 + 0.3 * pdf.font_size
    pdf.text(x, baseline, text)
    if right:
        pdf.text(pdf.l_margin + pdf.epw - pdf.c_margin - _width(pdf, right), baseline, right)
    if link:
        pdf.link(x, pdf.y, _width(pdf, text), _LINE, link)
    pdf.set_y(pdf.y + _LINE)


def author_index_pages(volume: Proceedings) -> bytes:
    """The author index: each author with the first pages of their papers."""
    pdf = _Pages(volume)
    pdf.add_page()
    _heading(pdf, "Author index")
    for name, pages in volume.author_pages:
        _line(pdf, shown(name), right=", ".join(map(str, pages)))
    return bytes(pdf.output())


# Helvetica's digits are all 556/1000 em wide, so a page number is centred without font metrics.
_DIGIT_EM = 0.556
_STAMP_SIZE = 9
_STAMP_FONT = Name("/ProceedingsPageNumber")


class _Binding:
    """The volume being assembled: pages appended with their numbers stamped, and bookmarks."""

    def __init__(self, front: bytes):
        self.pdf = Pdf.open(io.BytesIO(front))
        self.pages: list[Object] = [page.obj for page in self.pdf.pages]
        """Its pages so far, in order. The page tree is written once, when saved: pikepdf's page list
        costs time in proportion to the pages already there for each page added (22 s of 24 at
        3,000 papers)."""
        self.preliminary = len(self.pages)
        """How many pages precede the papers (numbered i, ii, ...; the papers from 1)."""
        self.outline: list[OutlineItem] = []
        self._tree = self.pdf.Root.Pages
        self._sources: list[Pdf] = []  # open until saved: their pages are copied from them then

    def append(self, source: Pdf, first_number: int) -> range:
        """Append the pages of ``source`` numbered from ``first_number``; where they are in the volume."""
        _compress_as_saved(source)
        _resolve_named_destinations(source)
        font = source.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
        # The page's own content runs between q and Q: a graphics state it leaves changed cannot move the number.
        save = _compressed_stream(source, b"q\n")
        for number, page in enumerate(source.pages, first_number):
            _make_inert(page)
            _stamp(source, page, str(number), font, save)
        self._sources.append(source)
        return self.append_stamped([page.obj for page in source.pages])

    def append_stamped(self, pages: list[Object]) -> range:
        """Append ``pages`` of another PDF as they are (numbered and inert already); where they are
        in the volume. Their PDF must stay open until the volume is saved."""
        start = len(self.pages)
        for page in pages:
            copied = self.pdf.copy_foreign(page)
            copied.Parent = self._tree
            self.pages.append(copied)
        return range(start, len(self.pages))

    def destination(self, pages: range) -> Array:
        """A destination (for a bookmark) at the first of ``pages``."""
        return Array([self.pages[pages.start], Name.Fit])

    def save(self, target: Path, title: str) -> None:
        """Write the volume to ``target`` (through a temporary file: a reader never sees half of it)."""
        self._tree.Kids = Array(self.pages)
        self._tree.Count = len(self.pages)
        # A viewer's page box then shows the numbers printed on the pages.
        self.pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), self.preliminary, Dictionary(S=Name.D)]))
        with self.pdf.open_outline() as outline:
            outline.root.extend(self.outline)
        self.pdf.docinfo[Name.Title] = title
        self.pdf.docinfo[Name.Producer] = "proceedings (pikepdf, fpdf2)"
        with replacing(target) as temporary:
            # A fixed /ID: the same inputs give the same bytes.
            self.pdf.save(temporary, compress_streams=True, object_stream_mode=ObjectStreamMode.generate,
                          deterministic_id=True)


def _make_inert(page: Page) -> None:
    """Remove the page's active content: its own actions, attached files, and annotations whose
    action runs code, starts a program or sends data (links within the volume and to the web stay).
    Only pages are copied into the volume, so document scripts and attachments never reach it."""
    if Name.AA in page.obj:
        del page.obj[Name.AA]
    if Name.Annots in page.obj:
        page.obj.Annots = Array([annotation for annotation in page.obj.Annots if not _active(annotation)])


def _active(annotation: Object) -> bool:
    if str(annotation.get(Name.Subtype, "")) in ACTIVE_ANNOTATIONS or Name.AA in annotation:
        return True
    action = annotation.get(Name.A)
    if not isinstance(action, Dictionary):
        return False
    # A chain of actions (/Next) is dropped whole rather than followed.
    return Name.Next in action or active_kind(str(action.get(Name.S, "")), str(action.get(Name.URI, "")),
                                              Name.F in action) is not None


def _stamp(pdf: Pdf, page: Page, text: str, font: Dictionary, save: Stream) -> None:
    """Write the page number ``text`` centred at the foot of ``page`` (of ``pdf``), over whatever is
    there, in ``font``; ``save`` is the content stream that saves the graphics state first."""
    left, bottom, right = _shown_box(page)
    x = left + (right - left - len(text) * _DIGIT_EM * _STAMP_SIZE) / 2
    page.add_resource(font, Name.Font, _STAMP_FONT)
    page.contents_add(save, prepend=True)
    number = f"\nQ\nBT {_STAMP_FONT} {_STAMP_SIZE} Tf {x:.2f} {bottom + 20:.2f} Td ({text}) Tj ET\n"
    page.contents_add(_compressed_stream(pdf, number.encode("ascii")))


def _resolve_named_destinations(pdf: Pdf) -> None:
    """Point each link of ``pdf``'s pages that names its destination (hyperref's "section.1") at the
    page itself: the volume copies pages, not the paper's table of names, and such links went nowhere
    (a trial's finding: 480 of GeoTopo's). A name the paper does not define is left as it is."""
    names = _destinations(pdf)
    for page in pdf.pages:
        links = page.obj.get(Name.Annots)
        for link in links if isinstance(links, Array) else ():
            action = link.get(Name.A) if isinstance(link, Dictionary) else None
            holder, key = (action, Name.D) if isinstance(action, Dictionary) else (link, Name.Dest)
            if holder is action and action.get(Name.S) != Name.GoTo:
                continue  # another file's destination (GoToR), or no destination at all
            if isinstance(holder, Dictionary) and isinstance(named := holder.get(key), (String, Name)):
                if isinstance(found := names(named), Array):
                    holder[key] = found


def _destinations(pdf: Pdf) -> Callable[[String | Name], Object | None]:
    """The destination that a string names in ``pdf``'s name tree (PDF 1.2), or a name in its
    dictionary of destinations (PDF 1.1): an array, or a dictionary's ``/D``."""
    names = pdf.Root.get(Name.Names)
    tree = names.get(Name.Dests) if isinstance(names, Dictionary) else None
    by_string = NameTree(tree) if isinstance(tree, Dictionary) else {}
    by_name = pdf.Root.get(Name.Dests)

    def destination(name: String | Name) -> Object | None:
        try:
            if isinstance(name, String):
                found = by_string.get(str(name))
            else:
                found = by_name.get(name) if isinstance(by_name, Dictionary) else None
        except (PdfError, ValueError):  # a damaged tree: the link is left as it was
            return None
        return found.get(Name.D) if isinstance(found, Dictionary) else found
    return destination


def _shown_box(page: Page) -> tuple[float, float, float]:
    """The left, bottom and right of what a viewer or a printer shows of ``page``: its crop box where
    it has one of four numbers, else its media box (a number centred at the foot of a media box larger
    than the crop box fell outside it, unseen: a trial's finding)."""
    box = page.cropbox  # inherited, or the media box
    corners = [float(value) for value in (box if isinstance(box, Array) and len(box) == 4 and all(
        isinstance(value, (int, Decimal)) for value in box) else page.mediabox)]
    return min(corners[0], corners[2]), min(corners[1], corners[3]), max(corners[0], corners[2])


_FLATE = (Name.FlateDecode, Name.Fl)


def _compress_as_saved(pdf: Pdf) -> None:
    """Compress each stream of ``pdf`` that qpdf would compress when saving the volume (one stored
    plain or with a filter it decodes but does not write, such as LZW or ASCII85; not XMP metadata,
    which it leaves readable), as it would. qpdf writes the dictionary of a stream it compresses
    itself in another order (``/Length`` first) than of one compressed already, and the pages taken
    from an earlier volume (:class:`_Earlier`) hold only streams compressed already: without this,
    a volume made so differed from one written afresh for 13 of the 30 PDFs of a test corpus."""
    for found in pdf.objects:
        if not isinstance(found, Stream) or found.get(Name.Type) == Name.Metadata or found.get(Name.Filter) in _FLATE:
            continue
        try:
            data = found.read_bytes(StreamDecodeLevel.generalized)
        except PdfError:
            continue  # a filter qpdf writes as it is (an image's DCT, CCITT, JBIG2)
        found.write(zlib.compress(data), filter=Name.FlateDecode)


def _compressed_stream(pdf: Pdf, data: bytes) -> Stream:
    """A new stream of ``data`` in ``pdf``, compressed as :func:`_compress_as_saved` compresses one:
    the page numbers' 9,000 streams at 1,000 papers, made plain and compressed by it, took 0.6 s."""
    return pdf.make_stream(zlib.compress(data), Filter=Name.FlateDecode)


class _Earlier(NamedTuple):
    """The volume written before this one, whose papers' pages (numbered and inert already) the new
    volume takes as they are where a paper's PDF and its first page are the same: opening, stamping
    and copying 1,000 papers' PDFs took 2 of the volume's 2.8 s after a paper was added."""

    pdf: Pdf
    """Open until the new volume is saved: qpdf copies the pages' streams then."""
    pages: list[Object]
    """Its pages (pikepdf's page list finds a page by its number in time growing with the pages)."""
    papers: dict[tuple[str, int], range]
    """The pages of each paper in it, by its PDF's SHA-256 and its first page number."""


def _earlier(volume: Path | None, code: str | None) -> _Earlier:
    """The volume at ``volume``, if its record (:func:`~proceedings.model.locations.volume_pdf_record`)
    says the code whose hash is ``code`` wrote it and the file is the one recorded (the site holds a hard
    link to it, which a hand may have changed); else none. The file is read once, so that it is the
    one whose hash was checked."""
    record = read_json(volume_pdf_record(volume), {}) if volume else {}
    try:
        if volume and code and record.get("code") == code:
            data = volume.read_bytes()
            if hashlib.sha256(data).hexdigest() == record["sha256"]:
                pdf = Pdf.open(io.BytesIO(data))
                pages: list[Object] = [page.obj for page in pdf.pages]
                papers = {(sha, first): range(start, start + count) for sha, first, start, count in record["papers"]}
                if all(0 <= found.start <= found.stop <= len(pages) for found in papers.values()):
                    return _Earlier(pdf, pages, papers)
    except (OSError, KeyError, TypeError, ValueError, PdfError):
        pass  # not readable: every paper's PDF is bound again
    return _Earlier(Pdf.new(), [], {})


def write_volume_pdf(volume: Proceedings, papers_dir: Path, preface: list[str], target: Path,
                     code: str | None = None, earlier: Path | None = None) -> int:
    """Write the volume to ``target``; its number of pages. With ``code`` (a hash of the code that
    writes volumes), a record of it is written beside it, and the pages of the papers whose PDF and
    first page are unchanged are taken from the volume at ``earlier`` if that code wrote it: the
    bytes are the same as if written afresh."""
    ranges = volume.page_ranges
    book = _Binding(preliminary_pages(volume, preface, ranges))
    book.outline.append(OutlineItem("Front matter", Array([book.pages[0], Name.Fit])))
    kept = _earlier(earlier, code)
    bound = []
    section: tuple[str, OutlineItem] | None = None
    for paper in volume.bound_papers:
        sha256, (first, final) = volume.pdfs[str(paper.pdf)].sha256, ranges[paper.id]
        if (pages := kept.papers.get((sha256, first))) is not None and len(pages) == final - first + 1:
            placed = book.append_stamped(kept.pages[pages.start:pages.stop])
        else:
            # Read into memory: qpdf reads the pages' streams when the volume is saved, and a file
            # kept open per paper would run out of file descriptors on a main-conference volume.
            source = Pdf.open(io.BytesIO((papers_dir / str(paper.pdf)).read_bytes()), password=paper.pdf_password or "")
            placed = book.append(source, first)
        bound.append((sha256, first, placed.start, len(placed)))
        destination = book.destination(placed)
        track = volume.track_of(paper)
        # A bookmark per run of papers of one track, in the order of the pages: the program may put
        # a track's papers on both sides of another's.
        if section is None or section[0] != track.id:
            section = track.id, OutlineItem(track.title, destination)
            book.outline.append(section[1])
        section[1].children.append(OutlineItem(math_as_text(paper.title), destination))
    last_page = max((last for _, last in ranges.values()), default=0)
    index_start = book.destination(book.append(Pdf.open(io.BytesIO(author_index_pages(volume))), last_page + 1))
    book.outline.append(OutlineItem("Author index", index_start))
    book.save(target, volume.workshop.booktitle)
    if code:
        with replacing(volume_pdf_record(target)) as temporary:
            record = {"code": code, "sha256": file_hash(target), "file": file_signature(target), "papers": bound}
            temporary.write_text(json.dumps(record), "utf-8")
    return len(book.pages)
