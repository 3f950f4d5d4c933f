"""A paper's page: byline, materials, abstract, citations and the text of its PDF."""

from __future__ import annotations

from ..model.locations import MATERIALS
from ..model.paper import Paper
from ..model.pdf_facts import PdfFacts
from ..model.people import Person
from ..model.program import Slot
from ..model.volume import Proceedings
from ..outputs.citation import FORMATS, Citations, highwire_tags, json_ld
from ..outputs.datacite import DATACITE_FILES
from ..util import myst
from ..util.doi import is_test_doi
from ..util.latex import plain
from ..util.text import page_span
from .generated import NOT_SEARCHED, generated_page
from .listings import presented_in
from .materials import material_links, notices, preview_alt, preview_images, recording_block


def _paper_front(volume: Proceedings, paper: Paper) -> dict:
    """Front matter: out of the toc, Open Graph overrides, and the citation metadata for the <head>."""
    if not paper.cited:
        return {"orphan": True, **NOT_SEARCHED}
    links = [{"rel": "alternate", "type": f.media_type, "href": f"{paper.id}.{f.ext}", "title": f.label} for f in FORMATS
             if f.alternate]
    return {
        "orphan": True,
        "og:title": plain(paper.title),
        "og:type": "article",
        "og:description": plain(paper.abstract)[:300],
        **({"og:image": volume.preview_url(paper), "og:image:alt": preview_alt(MATERIALS[0])} if paper.pdf else {}),
        "proceedings": {"title": plain(paper.title), "meta": highwire_tags(volume, paper), "links": links,
                        "jsonld": json_ld(volume, paper), "search": paper_search_data(volume, paper)},
    }


def paper_search_data(volume: Proceedings, paper: Paper) -> dict:
    """What search filters the paper by (type, track, session, award, keyword, author) and shows
    beside it (its authors), and that its page carries its search revision, by which a rebuild may
    index it apart from its shard (``site/search.py``). Pagefind matches names with or without their
    accents itself (and the extension writes those with letters it does not match, Ł or ø, in ASCII
    beside them)."""
    track = volume.track_of(paper)
    sessions = list(dict.fromkeys([*([paper.session] if paper.session else []),
                                   *(session_name(volume, slot) for slot in volume.slots_of(paper.id))]))
    filters = {"type": ["Paper"], "track": [track.title], "session": sessions, "award": [paper.award] if paper.award else [],
               "keyword": list(dict.fromkeys(entry[0] for keyword in paper.keywords
                                             if (entry := volume.keyword_entry(keyword)))),
               "author": [(indexed.person if (indexed := volume.author_entry(author)) else author).name
                          for author in paper.authors]}
    names = ", ".join(author.name for author in paper.authors)
    return {"filters": {key: values for key, values in filters.items() if values},
            "meta": {"title": plain(paper.title), "authors": names}, "revision": True}


def session_name(volume: Proceedings, slot: Slot) -> str:
    """The slot's title, with its start time when another slot has the same title (the program has
    two "Poster Session and Break"), so that search's session filter tells them apart."""
    repeated = sum(other.title == slot.title for other in volume.program) > 1
    return f"{slot.title} ({slot.start:%H:%M})" if repeated else slot.title


def paper_page(citations: Citations, paper: Paper) -> str:
    """A paper's page: byline, materials, abstract, the PDF's text and the citation."""
    volume = citations.volume
    track = volume.track_of(paper)
    details = [f"**Track:** [{myst.text(track.title)}](../tracks/{track.id}.md)"]
    if paper.session:
        details.append(f"**Session:** {myst.text(paper.session)}")
    if paper.award:
        details.append(f"**Award:** {myst.text(paper.award)}")
    if paper.doi and paper.doi_url:
        test = " (an example under the test prefix 10.5072: it does not resolve)" if is_test_doi(paper.doi) else ""
        details.append(f"**DOI:** {myst.link(paper.doi, paper.doi_url)}{test}")
    if paper.id in volume.page_ranges:
        span = volume.page_ranges[paper.id]
        details.append(f"**{'Page' if span[0] == span[1] else 'Pages'}:** {page_span(span, '–')} of the volume")
    title = myst.rich_text(paper.title)
    return generated_page(
        _paper_front(volume, paper),
        myst.role("struck", title) if paper.removal else title,
        notices(paper),
        _authors(volume, paper.authors),
        " · ".join(details),
        presented_in(volume, paper.id),
        _materials(volume, paper),
        preview_images(paper),
        f"**TL;DR:** {myst.rich_text(paper.tldr)}" if paper.tldr else "",
        recording_block(volume.recording(paper.id)),
        "## Abstract",
        myst.paragraphs(paper.abstract),
        "**Keywords:** " + ", ".join(_keyword(volume, k) for k in paper.keywords) if paper.keywords else "",
        # Before the Cite section, which search leaves out, so that the PDF's words are found.
        myst.plain_text_file(f"{paper.id}.txt", dropdown="Full text of the PDF") if with_text(volume, paper) else "",
        _cite(citations, paper) if paper.cited else "",
    )


def with_text(volume: Proceedings, paper: Paper) -> PdfFacts | None:
    """The facts of the paper's PDF if it has a text, which its page shows from a file beside it
    (``<id>.txt``); none when the paper is taken down."""
    facts = volume.facts(paper.pdf) if not paper.taken_down else None
    return facts if facts and facts.has_text else None


def _keyword(volume: Proceedings, keyword: str) -> str:
    anchor = volume.keyword_anchor(keyword)
    return myst.ref(keyword, anchor) if anchor else myst.text(keyword)


def _cite(citations: Citations, paper: Paper) -> str:
    files = [(f.label, f.ext) for f in FORMATS] + list(DATACITE_FILES)
    downloads = " · ".join(myst.role("asset", f"{label} <{paper.id}.{ext}>") for label, ext in files)
    return "\n\n".join(["## Cite", "**APA**", myst.fence(citations.apa(paper), "text"), "**BibTeX**",
                        myst.fence(citations.page_bibtex(paper), "bibtex"), f"Download: {downloads}"])


def _authors(volume: Proceedings, authors: tuple[Person, ...]) -> str:
    lines = []
    for person in authors:
        entry = volume.author_entry(person)
        line = f"- **{myst.ref(person.name, entry.anchor) if entry else myst.text(person.name)}**"
        if person.affiliation:
            line += f", {myst.text(person.affiliation)}"
        if person.orcid and person.orcid_url:
            line += f" · ORCID {myst.link(person.orcid, person.orcid_url)}"
        lines.append(line)
    return "\n".join(lines)


def _materials(volume: Proceedings, paper: Paper) -> str:
    items = material_links(volume, paper)
    if paper.openreview_url:
        items.append(myst.link("OpenReview", paper.openreview_url))
    if paper.code:
        items.append(myst.link("Code", paper.code))
    return "**Materials:** " + " · ".join(items) if items else ""
