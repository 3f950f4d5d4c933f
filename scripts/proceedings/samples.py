"""Generated sample PDFs for example papers, test fixtures and benchmarks.

Run ``python -m proceedings.samples [PROJECT]`` to (re)write the PDF of every paper in the project's
``accepted.yml`` whose ``pdf`` names a file that starts with ``pdf/example-``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import yaml
from anyascii import anyascii
from fpdf import FPDF

_VOCABULARY = (
    "foundation model operator learning turbulence molecular dynamics climate emulator spectral solver "
    "benchmark scaling law dataset pretraining fine-tuning uncertainty calibration physics prior "
    "conservation symmetry equivariant graph transformer diffusion surrogate inverse problem observation "
    "simulation resolution generalization downstream evaluation error baseline ablation tokenizer"
).split()
_EPOCH = dt.datetime(2026, 4, 27, 9, 0, tzinfo=dt.timezone.utc)


def _latin1(text: str) -> str:
    """Text the PDF core fonts can show: Latin-1 kept, anything else transliterated."""
    return "".join(char if ord(char) < 256 else anyascii(char) for char in text)


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
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_EPOCH)
    pdf.set_title(_latin1(title))
    pdf.set_author(_latin1(", ".join(authors)))
    pdf.set_auto_page_break(False)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        if number == 1:
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, _latin1(title), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 6, _latin1(", ".join(authors)), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
            pdf.set_font("Helvetica", "I", 10)
            pdf.multi_cell(0, 5, _latin1("Abstract. " + " ".join(abstract.split())), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=10)
        pdf.ln(3)
        text = _body(rng, 12 if number == 1 else 30)
        if number == pages and phrase:
            text += " " + phrase
        pdf.multi_cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-15)
        pdf.cell(0, 10, str(number), align="C", new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def main(argv: list[str] | None = None) -> int:
    """Regenerate the example PDFs named in a project's ``accepted.yml``."""
    project = Path((argv or sys.argv[1:] or ["."])[0])
    papers = yaml.safe_load((project / "papers" / "accepted.yml").read_text("utf-8"))
    for paper in papers:
        pdf = paper.get("pdf", "")
        if pdf.startswith("pdf/example-"):
            names = [author["name"] for author in paper["authors"]]
            pages = 4 if paper["track"] == "tiny" else 8
            sample_pdf(project / "papers" / pdf, paper["title"], names, paper["abstract"], pages,
                       f"Only this PDF mentions the {paper['id'].replace('-', ' ')} calibration constant.")
            print(f"wrote papers/{pdf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
