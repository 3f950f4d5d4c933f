"""BibTeX for the papers: one ``@inproceedings`` entry each, names split as BibTeX reads them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import bibtexparser
from bibtexparser.model import Entry, Field

from ..model.people import Person
from ..util.latex import latex_text, latex_title
from ..util.text import page_span

if TYPE_CHECKING:
    from ..model.paper import Paper
    from ..model.volume import Proceedings

_FORMAT = bibtexparser.BibtexFormat()
_FORMAT.indent = "  "
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def latex_name(person: Person, utf8: bool = False) -> str:
    """A name in BibTeX's 'Family, Jr., Given' form, braced where a parser could split it wrongly."""
    parts = person.parts
    family = latex_text(parts.family, utf8)
    words = parts.family.split()
    particles = [w for w in words[:-1] if w.islower()]
    # Braced where BibTeX would split otherwise: several words that are not particles before a last
    # name, and a last name in lower case ("ruan"), which it would take for a particle itself.
    if (len(words) > 1 and len(particles) != len(words) - 1) or words[-1][:1].islower():
        family = "{" + family + "}"
    rest = [latex_text(part, utf8) for part in (parts.suffix, parts.given) if part]
    return ", ".join([family, *rest])


def paper_entry(volume: Proceedings, paper: Paper, utf8: bool = False) -> Entry:
    """The ``@inproceedings`` entry of one paper, its letters as LaTeX that 8-bit bibtex keeps whole
    or, if ``utf8``, as UTF-8 (``util.latex.latex_text``)."""
    values = _entry_values(volume, paper, utf8)
    fields = [Field(name, value if name == "month" else "{" + value + "}") for name, value in values]
    return Entry("inproceedings", volume.keys[paper.id], fields)


def _entry_values(volume: Proceedings, paper: Paper, utf8: bool) -> list[tuple[str, str]]:
    workshop = volume.workshop
    values = [
        ("author", " and ".join(latex_name(author, utf8) for author in paper.authors)),
        ("title", latex_title(paper.title, utf8)),
        ("booktitle", latex_title(workshop.booktitle, utf8)),
    ]
    if workshop.editors:
        values.append(("editor", " and ".join(latex_name(editor, utf8) for editor in workshop.editors)))
    values += [
        ("year", str(workshop.year)),
        ("month", _MONTHS[workshop.date.month - 1]),
        ("address", latex_text(workshop.location, utf8)),
        ("url", volume.url(paper)),
    ]
    if paper.doi:
        values.append(("doi", paper.doi))
    if paper.id in volume.page_ranges:
        values.append(("pages", page_span(volume.page_ranges[paper.id], "--")))
    if not workshop.archival:
        values.append(("note", "Non-archival"))
    return values


def entry_text(entry: Entry) -> str:
    """One entry as BibTeX text, as :func:`bibtex_file` joins it."""
    # Values are enclosed by paper_entry already (month is a macro and must stay bare), so no middleware.
    return bibtexparser.write_string(bibtexparser.Library([entry]), unparse_stack=[], bibtex_format=_FORMAT)


def bibtex_file(entries: Iterable[str]) -> str:
    """BibTeX text holding ``entries`` (each as :func:`entry_text` writes it), as bibtexparser
    writes their library."""
    return f"% Encoding: UTF-8\n\n{_FORMAT.block_separator.join(entries).strip()}\n"
