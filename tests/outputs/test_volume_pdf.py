"""The volume PDF: front matter, every paper with its pages stamped, bookmarks, author index."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import unicodedata
from dataclasses import replace

import bibtexparser
import pikepdf
import pytest
from pypdf import PdfReader

from proceedings.inputs.loader import load
from proceedings.inputs.pdf_reader import read_pdf
from proceedings.model.locations import Project, volume_pdf_record
from proceedings.model.program import Slot
from proceedings.outputs.citation import Citations
from proceedings.outputs.volume_pdf import preliminary_pages, write_volume_pdf
from proceedings.util.files import file_hash
from proceedings.util.latex import math_as_text
from proceedings.util.myst import plain_paragraphs

from conftest import REPO


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    volume, diags = load(Project(REPO))
    assert volume is not None
    preface = plain_paragraphs((REPO / "book" / "preface.md").read_text("utf-8"))
    target = tmp_path_factory.mktemp("volume") / "proceedings.pdf"
    pages = write_volume_pdf(volume, REPO / "papers", preface, target)
    with pikepdf.open(target) as written:  # the page tree, written by hand, checked by qpdf
        assert written.check_pdf_syntax() == [] and len(written.pages) == pages
    return volume, PdfReader(target), pages, len(PdfReader(_front(volume, preface)).pages)


def _front(volume, preface):
    import io
    return io.BytesIO(preliminary_pages(volume, preface, volume.page_ranges))


def test_page_count_is_front_matter_plus_papers_plus_index(built):
    volume, reader, pages, front = built
    paper_pages = sum(volume.facts(p.pdf).pages for p in volume.bound_papers)
    assert len(reader.pages) == pages == front + paper_pages + 1
    assert front == 4  # cover, preface, committee, contents


def test_bookmarks_point_to_each_papers_first_page(built):
    volume, reader, _, front = built
    titles = {}
    for item in reader.outline:
        for child in item if isinstance(item, list) else []:
            titles[child.title] = reader.get_destination_page_number(child)
    for paper in volume.bound_papers:
        first, _ = volume.page_ranges[paper.id]
        assert titles[math_as_text(paper.title)] == front + first - 1
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == ["Front matter", "Full papers", "Tiny papers", "Author index"]


def test_stamped_numbers_match_the_bibtex_pages(built):
    volume, reader, _, front = built
    for paper in volume.bound_papers:
        entry = bibtexparser.parse_string(Citations(volume).bibtex([paper])).entries[0]
        first, last = (int(n) for n in entry["pages"].strip("{}").split("--"))
        assert (first, last) == volume.page_ranges[paper.id]
        original = PdfReader(REPO / "papers" / paper.pdf)
        assert last - first + 1 == len(original.pages)
        stamped = reader.pages[front + first - 1].extract_text()
        assert stamped.rstrip().endswith(str(first)), (paper.id, stamped[-20:])
        assert original.pages[0].extract_text().split()[:4] == stamped.split()[:4]


def test_author_index_gives_first_pages(built):
    volume, reader, _, _ = built
    index = reader.pages[-1].extract_text()
    assert index.startswith("Author index")
    jurgen = next(line for line in index.splitlines() if "Schäfer-Müller" in line)
    assert jurgen.endswith("1, 41")  # first pages of both of his papers


def test_front_matter_keeps_every_accent_and_transliterates_only_what_its_font_lacks(built):
    volume, reader, _, front = built
    contents = " ".join(" ".join(reader.pages[i].extract_text().split()) for i in range(front))
    index = " ".join(reader.pages[-1].extract_text().split())
    names = {unicodedata.normalize("NFC", a.name) for p in volume.bound_papers for a in p.authors}
    beyond_latin1 = {name for name in names if max(map(ord, name)) > 255 and max(map(ord, name)) < 0x2E80}
    assert {"Łucja Wróbel", "Oluwaseun Adébáyọ̀"} <= beyond_latin1  # the example's authors
    for name in beyond_latin1:
        assert name in contents and name in index, name
    assert "WangFang" in index and "王" not in index  # no Chinese glyphs in the font: transliterated


def test_contents_link_each_doi_on_its_line(built):
    volume, reader, _, front = built
    with_doi = [paper for paper in volume.bound_papers if paper.doi]
    assert with_doi  # the example has some
    links = {}
    for page in reader.pages[:front]:
        text = page.extract_text()
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and action.get("/URI"):
                links[action["/URI"]] = text
    for paper in with_doi:
        assert f"DOI: {paper.doi}" in links[paper.doi_url]


@pytest.mark.parametrize("text", [
    "Enabling Deep Spiking Neural Networks with Hybrid Conversion and Spike Timing Dependent Backpropagation "
    "for Very Long Titles That Wrap More Than Once On The Contents Page Of The Volume",
    "A " + "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6 + " word wider than a line",
    "short",
    "",
])
def test_contents_lines_fit_beside_the_page_numbers_and_keep_every_word(text):
    from fpdf import FPDF

    from proceedings.outputs.volume_pdf import _FONT, _lines, _static_font

    pdf = FPDF(format="A4")
    pdf.add_font(_FONT, "", _static_font())
    pdf.set_font(_FONT, size=10.5)
    width = pdf.epw - 15
    inside = width - 2 * pdf.c_margin  # a cell's margins on either side
    lines = _lines(pdf, width, text)
    assert all(pdf.get_string_width(line) <= inside for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost, a long word cut
    if pdf.get_string_width(text) <= inside:
        assert lines == [text]
    else:  # each line as full as it can be: its next line's first word would not fit on it
        assert all(pdf.get_string_width(f"{line} {after.split()[0]}") > inside for line, after in itertools.pairwise(lines))


def test_a_contents_entry_longer_than_a_page_goes_on_to_the_next(built):
    import dataclasses
    import io

    volume, *_ = built
    paper = volume.bound_papers[0]
    crowd = dataclasses.replace(paper, authors=paper.authors * 150)  # a large collaboration's hundreds of authors
    many = dataclasses.replace(volume, papers=tuple(crowd if p.id == paper.id else p for p in volume.papers))
    reader = PdfReader(io.BytesIO(preliminary_pages(many, [], many.page_ranges)))
    heights: list[float] = []
    for page in reader.pages:
        page.extract_text(visitor_text=lambda text, cm, tm, *rest: heights.append(tm[5]) if text.strip() else None)
    top = float(reader.pages[0].mediabox.top)  # A4, as every page
    assert heights and all(0 < y < top for y in heights)  # every line on a page, none below its foot
    assert len(reader.pages) > len(PdfReader(_front(volume, [])).pages)


@pytest.mark.parametrize("setting", ["", "spacing", "superscript", "fallback", "no alias"])
def test_widths_are_fpdfs_own(setting):
    from fpdf import FPDF

    from proceedings.outputs.volume_pdf import _FONT, _static_font, _width, shown

    pdf = FPDF(format="A4")
    pdf.add_font(_FONT, "", _static_font())
    pdf.add_font("Fallback", "", _static_font())
    pdf.set_char_spacing(1.5 if setting == "spacing" else 0)
    pdf.char_vpos = "SUP" if setting == "superscript" else "LINE"
    pdf.set_fallback_fonts(["Fallback"] if setting == "fallback" else [])
    pdf.str_alias_nb_pages = "" if setting == "no alias" else pdf.str_alias_nb_pages
    texts = ["", " ", "W", "Łódź Δx Привет Nguyễn Thị", shown("深度学习 and العربية"), "a{nb}b", "10\u202f000 {x}",
             "Pneumonoultramicroscopicsilicovolcanoconiosis " * 3]
    fpdf_width = pdf.get_string_width
    if not setting:  # the volume's own: measured without fpdf2, but for the alias
        pdf.get_string_width = lambda text, *rest: fpdf_width(text) if "{nb}" in text else pytest.fail(text)
    for size in (9, 10.5, 17):
        pdf.set_font(_FONT, size=size)
        assert [_width(pdf, text) for text in texts] == [fpdf_width(text) for text in texts]


def test_contents_lines_break_at_spaces_not_at_no_break_spaces():
    from fpdf import FPDF

    from proceedings.outputs.volume_pdf import _FONT, _lines, _static_font

    pdf = FPDF(format="A4")
    pdf.add_font(_FONT, "", _static_font())
    pdf.set_font(_FONT, size=10.5)
    text = "word " * 25 + "Fig.\u00a01 and 10\u202f000 samples"
    lines = _lines(pdf, 60, text)
    assert len(lines) > 1 and any("Fig.\u00a01" in line for line in lines) and any("10\u202f000" in line for line in lines)


def test_bookmarks_follow_the_pages_where_the_program_interleaves_tracks(built, tmp_path):
    """A bookmark per run of one track's papers: the program may put a track's papers on both
    sides of another's, and a bookmark gathering them all pointed back across the other track's."""
    volume = built[0]
    full = [paper for paper in volume.bound_papers if paper.track == "full"]
    order = (full[0], next(paper for paper in volume.bound_papers if paper.track == "tiny"), full[1])
    program = tuple(Slot(dt.time(9 + hour), dt.time(10 + hour), "contributed", f"Session {hour}", papers=(paper.id,))
                    for hour, paper in enumerate(order))
    write_volume_pdf(replace(volume, papers=order, program=program), REPO / "papers", [], tmp_path / "volume.pdf")
    outline = PdfReader(tmp_path / "volume.pdf").outline
    assert [item.title for item in outline if not isinstance(item, list)] == [
        "Front matter", "Full papers", "Tiny papers", "Full papers", "Author index"]


def _binding_sources(monkeypatch) -> list[int]:
    """The number of pages of each PDF the volume writer stamps and binds, as it binds them."""
    from proceedings.outputs import volume_pdf
    stamped: list[int] = []
    append = volume_pdf._Binding.append
    monkeypatch.setattr(volume_pdf._Binding, "append",
                        lambda self, source, first: stamped.append(len(source.pages)) or append(self, source, first))
    return stamped


def _without_last(volume, papers, target):
    """``volume`` as it was before its last paper was added, written to ``target`` with the code ``c``."""
    last = volume.bound_papers[-1]
    write_volume_pdf(replace(volume, papers=tuple(p for p in volume.papers if p.id != last.id)), papers, [], target, "c")
    return target


@pytest.fixture
def without_last(built, tmp_path):
    return _without_last(built[0], REPO / "papers", tmp_path / "earlier.pdf")


def _with_first_pdf(volume, pdf, tmp_path):
    """``volume`` with its first paper's PDF replaced by ``pdf``, and the papers' folder holding it."""
    papers = tmp_path / "papers"
    shutil.copytree(REPO / "papers", papers)
    shutil.copy(pdf, papers / "pdf" / "replaced.pdf")
    facts, _ = read_pdf(papers / "pdf" / "replaced.pdf", file_hash(papers / "pdf" / "replaced.pdf"))
    first = volume.bound_papers[0].id
    return replace(volume, pdfs={**volume.pdfs, "pdf/replaced.pdf": facts}, papers=tuple(
        replace(paper, pdf="pdf/replaced.pdf") if paper.id == first else paper for paper in volume.papers)), papers


# PDFs whose streams are stored plain or with filters qpdf decodes and compresses otherwise (LZW,
# ASCII85, an inline image's): qpdf compresses them itself as it saves a volume, writing their
# dictionaries in another order than the same streams taken compressed from an earlier volume.
_STREAMS_QPDF_COMPRESSES = ["007-imagemagick-images__imagemagick-lzw.pdf",
                            "007-imagemagick-images__imagemagick-ASCII85Decode.pdf",
                            "008-reportlab-inline-image__inline-image.pdf",
                            "011-google-doc-document__google-doc-document.pdf",
                            "006-pdflatex-outline__pdflatex-outline.pdf"]  # its links named, made explicit


@pytest.mark.parametrize("corpus_pdf", [None, *_STREAMS_QPDF_COMPRESSES])
def test_a_volume_takes_unchanged_papers_pages_from_the_one_before_and_is_what_a_fresh_one_is(built, tmp_path, monkeypatch, request, corpus_pdf):
    """After a paper is added, the papers before it keep their PDFs and first pages: the new volume
    takes their pages (stamped and inert) from the last volume, and its bytes are those of a volume
    written afresh, whatever the papers' PDFs hold."""
    volume, papers = built[0], REPO / "papers"
    if corpus_pdf:
        volume, papers = _with_first_pdf(volume, request.getfixturevalue("shared_data") / "pdf-corpus" / corpus_pdf, tmp_path)
    earlier = _without_last(volume, papers, tmp_path / "earlier.pdf")
    afresh = tmp_path / "afresh.pdf"
    write_volume_pdf(volume, papers, [], afresh)
    stamped = _binding_sources(monkeypatch)
    taken = tmp_path / "taken.pdf"
    write_volume_pdf(volume, papers, [], taken, "c", earlier)
    last = volume.bound_papers[-1]
    assert stamped == [volume.facts(last.pdf).pages, 1]  # the added paper and the author index
    assert taken.read_bytes() == afresh.read_bytes()
    record = json.loads(volume_pdf_record(taken).read_text("utf-8"))
    assert record["code"] == "c" and [paper[:2] for paper in record["papers"]] == [
        [volume.pdfs[p.pdf].sha256, volume.page_ranges[p.id][0]] for p in volume.bound_papers]


@pytest.mark.parametrize("change", ["file changed by hand", "other code", "no code", "ranges past its end", "wrong page count"])
def test_pages_are_not_taken_from_a_volume_changed_since_its_record_or_written_by_other_code(built, without_last, tmp_path, monkeypatch, change):
    """The site holds a hard link to the last volume, which a hand may change; other code may
    stamp pages otherwise: every paper is bound again from its PDF then, as with a damaged record."""
    volume = built[0]
    record_file = volume_pdf_record(without_last)
    record = json.loads(record_file.read_text("utf-8"))
    if change == "file changed by hand":
        without_last.write_bytes(without_last.read_bytes() + b"\n% changed\n")
    elif change == "ranges past its end":
        record["papers"][0][2] = 10**6
    elif change == "wrong page count":
        record["papers"] = [[*paper[:3], paper[3] - 1] for paper in record["papers"]]
    record_file.write_text(json.dumps(record), "utf-8")
    stamped = _binding_sources(monkeypatch)
    afresh = tmp_path / "afresh.pdf"
    code = {"other code": "d", "no code": None}.get(change, "c")
    write_volume_pdf(volume, REPO / "papers", [], afresh, code, without_last)
    assert len(stamped) == len(volume.bound_papers) + 1
    assert volume_pdf_record(afresh).is_file() == (code is not None)
    monkeypatch.undo()
    write_volume_pdf(volume, REPO / "papers", [], tmp_path / "plain.pdf")
    assert afresh.read_bytes() == (tmp_path / "plain.pdf").read_bytes()


@pytest.mark.parametrize("on", ["page", "page tree"])
def test_the_page_number_is_stamped_inside_the_crop_box(built, tmp_path, on):
    """A viewer and a printer show a page's crop box: a number centred at the foot of a larger media
    box fell outside it, unseen (a trial's finding). The crop box may be the page's or inherited."""
    with pikepdf.open(REPO / "papers" / built[0].bound_papers[0].pdf) as paper:
        for page in paper.pages:
            page.obj.MediaBox = pikepdf.Array([-300, -300, 1200, 1200])
        holder = paper.pages[0].obj if on == "page" else paper.Root.Pages
        holder.CropBox = pikepdf.Array([100, 150, 512, 792])
        paper.save(tmp_path / "cropped.pdf")
    volume, papers = _with_first_pdf(built[0], tmp_path / "cropped.pdf", tmp_path)
    write_volume_pdf(volume, papers, [], tmp_path / "volume.pdf")
    with pikepdf.open(tmp_path / "volume.pdf") as written:
        front = len(PdfReader(_front(volume, [])).pages)
        stamp = written.pages[front].obj.Contents[-1].read_bytes().decode("ascii").split()  # the first paper's first page
        x, y = (float(value) for value in stamp[stamp.index("Td") - 2:stamp.index("Td")])
    assert stamp[stamp.index("Tj") - 1] == "(1)" and 100 < x < 512 and 150 < y < 792


def test_links_to_a_named_destination_in_a_paper_go_to_its_page_in_the_volume(built, tmp_path, shared_data):
    """hyperref names each link's destination ("section.1") in the paper's table of names, which the
    volume does not copy: the links went nowhere (a trial's finding). Each now points at its page."""
    volume, papers = _with_first_pdf(built[0], shared_data / "pdf-corpus" / "006-pdflatex-outline__pdflatex-outline.pdf", tmp_path)
    write_volume_pdf(volume, papers, [], tmp_path / "volume.pdf")
    front = len(PdfReader(_front(volume, [])).pages)
    with pikepdf.open(tmp_path / "volume.pdf") as written:
        paper = [page.obj for page in written.pages[front:front + 4]]
        targets = [action.D[0] for page in paper for link in page.get("/Annots", ())
                   if (action := link.get("/A")) is not None and action.get("/S") == "/GoTo"]
    assert len(targets) == 9 and {target.objgen for target in targets} <= {page.objgen for page in paper}
