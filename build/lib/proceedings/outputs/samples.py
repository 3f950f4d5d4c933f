"""Generated sample PDFs for example papers, test fixtures and benchmarks.

Run ``python -m proceedings.outputs.samples [PROJECT]`` to (re)write every file that a paper of the
project's ``accepted.yml`` names as its ``pdf``, ``slides`` or ``poster`` when the file's name starts
with ``example-``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import yaml
from fpdf import FPDF

from ..model.locations import MATERIALS
from ..util.text import transliterated

_VOCABULARY = (
    "foundation model operator learning turbulence molecular dynamics climate emulator spectral solver "
    "benchmark scaling law dataset pretraining fine-tuning uncertainty calibration physics prior "
    "conservation symmetry equivariant graph transformer diffusion surrogate inverse problem observation "
    "simulation resolution generalization downstream evaluation error baseline ablation tokenizer"
).split()
_EPOCH = dt.datetime(2026, 4, 27, 9, 0, tzinfo=dt.UTC)


def latin1(text: str) -> str:
    """Text the PDF core fonts can show: Latin-1 kept, anything else transliterated."""
    return transliterated(text, range(256))


def _body(rng: random.Random, sentences: int) -> str:
    words = []
    for _ in range(sentences):
        sentence = rng.choices(_VOCABULARY, k=rng.randint(8, 18))
        words.append(" ".join(sentence).capitalize() + ".")
    return " ".join(words)


def sample_pdf(path: Path, title: str, authors: list[str], abstract: str, pages: int, phrase: str = "") -> None:
    """Write a PDF of ``pages`` pages: title, authors and abstract, then deterministic filler text.

    ``phrase`` is written once, inside the body of the last page, so tests can find text that only
    the PDF holds.
    """
    rng = random.Random(title)
    pdf = _new_pdf(title, authors, "P", "A4")
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        if number == 1:
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, latin1(title), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 6, latin1(", ".join(authors)), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
            pdf.set_font("Helvetica", "I", 10)
            pdf.multi_cell(0, 5, latin1("Abstract. " + abstract), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=10)
        pdf.ln(3)
        text = _body(rng, 12 if number == 1 else 30)
        if number == pages and phrase:
            text += " " + phrase
        pdf.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-15)
        pdf.cell(0, 10, str(number), align="C", new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def _new_pdf(title: str, authors: list[str], orientation: str, format: str | tuple) -> FPDF:
    pdf = FPDF(orientation=orientation, format=format)
    pdf.set_creation_date(_EPOCH)
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(", ".join(authors)))
    pdf.set_auto_page_break(False)
    return pdf


def sample_slides(path: Path, title: str, authors: list[str], pages: int = 6) -> None:
    """Write a 16:9 slide deck: a title slide, then bullet slides."""
    rng = random.Random(title + "slides")
    pdf = _new_pdf(title, authors, "L", (190.5, 338.7))
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 28 if number == 1 else 22)
        pdf.set_y(60 if number == 1 else 15)
        heading = title if number == 1 else " ".join(rng.choices(_VOCABULARY, k=3)).capitalize()
        pdf.multi_cell(0, 14, latin1(heading), align="C" if number == 1 else "L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=16)
        if number == 1:
            pdf.multi_cell(0, 10, latin1(", ".join(authors)), align="C", new_x="LMARGIN", new_y="NEXT")
            continue
        for _ in range(4):
            pdf.multi_cell(0, 12, latin1("- " + " ".join(rng.choices(_VOCABULARY, k=7))), new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def sample_poster(path: Path, title: str, authors: list[str], abstract: str) -> None:
    """Write a one-page A1 poster: title, authors, abstract and three columns of text."""
    rng = random.Random(title + "poster")
    pdf = _new_pdf(title, authors, "P", (594, 841))  # A1
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 60)
    pdf.multi_cell(0, 28, latin1(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=32)
    pdf.multi_cell(0, 16, latin1(", ".join(authors)), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", size=24)
    pdf.multi_cell(0, 12, latin1(abstract), new_x="LMARGIN", new_y="NEXT")
    top, width = pdf.get_y() + 10, (pdf.w - 2 * pdf.l_margin) / 3
    for column in range(3):
        pdf.set_xy(pdf.l_margin + column * width, top)
        pdf.multi_cell(width - 8, 11, latin1(_body(rng, 25)))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def main(argv: list[str] | None = None) -> int:
    """Regenerate the example PDFs (papers, slides, posters) named in a project's ``accepted.yml``."""
    project = Path((argv or sys.argv[1:] or ["."])[0])
    for paper in yaml.safe_load((project / "papers" / "accepted.yml").read_text("utf-8")):
        for material in MATERIALS:
            relative = paper.get(material.field, "")
            if Path(relative).name.startswith("example-"):
                _write_example(project / "papers" / relative, material.field, paper)
                print(f"wrote papers/{relative}")
    return 0


def _write_example(path: Path, field: str, paper: dict) -> None:
    """The example file of a paper's ``field`` (pdf, slides or poster), from its record."""
    names = [author["name"] for author in paper["authors"]]
    if field == "pdf":
        phrase = f"Only this PDF mentions the {paper['id'].replace('-', ' ')} calibration constant."
        sample_pdf(path, paper["title"], names, paper["abstract"], 4 if paper["track"] == "tiny" else 8, phrase)
    elif field == "slides":
        sample_slides(path, paper["title"], names)
    else:
        sample_poster(path, paper["title"], names, paper["abstract"])


if __name__ == "__main__":
    raise SystemExit(main())
