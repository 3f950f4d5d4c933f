"""The generated MyST pages: one per paper, one per track, the paper listing and the committee page
(the program and talk pages are in :mod:`program_pages`)."""

from __future__ import annotations

from . import myst
from .bibtex import bibtex
from .citation import FORMATS, apa, highwire_tags, json_ld
from .indexes import IndexedPerson, fold, merged_people
from .listings import paper_item, presented_in
from .materials import material_links, notices, previews, recording_block
from .paper import Paper
from .people import Person
from .project import GENERATED_MARKER, NOT_SEARCHED
from .records import one_line
from .volume import Proceedings
from .workshop import Track

def _page(front: dict, title: str, *blocks: str) -> str:
    return myst.page(front, GENERATED_MARKER, title, *blocks)


def _paper_front(volume: Proceedings, paper: Paper) -> dict:
    """Front matter: out of the toc, Open Graph overrides, and the citation metadata for the <head>."""
    if not paper.cited:
        return {"orphan": True, "proceedings": {"search": {"index": False}}}
    links = [{"rel": "alternate", "type": f.media_type, "href": f"{paper.id}.{f.ext}", "title": f.label} for f in FORMATS]
    return {
        "orphan": True,
        "og:title": one_line(paper.title),
        "og:type": "article",
        "og:description": one_line(paper.abstract)[:300],
        **({"og:image": volume.url(paper).removesuffix(".html") + ".png", "og:image:alt": "First page of the paper"}
           if paper.pdf else {}),
        "proceedings": {"meta": highwire_tags(volume, paper), "links": links, "jsonld": json_ld(volume, paper),
                        "search": paper_search_data(volume, paper)},
    }


def paper_search_data(volume: Proceedings, paper: Paper) -> dict:
    """What search filters the paper by (track, session, award, keyword, author), shows beside it
    (its authors), and weighs more (its authors' names, also without accents, so 'Muller' finds
    'Müller')."""
    track = volume.workshop.track(paper.track)
    sessions = list(dict.fromkeys([*([paper.session] if paper.session else []),
                                   *(slot.title for slot in volume.slots_of(paper.id))]))
    filters = {"track": [track.title], "session": sessions, "award": [paper.award] if paper.award else [],
               "keyword": list(dict.fromkeys(entry[0] for keyword in paper.keywords
                                             if (entry := volume.keyword_entry(keyword)))),
               "author": [volume.author_entry(author).person.name for author in paper.authors]}
    names = ", ".join(author.name for author in paper.authors)
    return {"filters": {key: values for key, values in filters.items() if values},
            "meta": {"authors": names},
            "words": f"{names} {fold(names)}"}


def paper_page(volume: Proceedings, paper: Paper) -> str:
    """A paper's page: byline, materials, abstract, citation and the PDF's text."""
    track = volume.workshop.track(paper.track)
    details = [f"**Track:** [{myst.text(track.title)}](../tracks/{track.id}.md)"]
    if paper.session:
        details.append(f"**Session:** {myst.text(paper.session)}")
    if paper.award:
        details.append(f"**Award:** {myst.text(paper.award)}")
    if paper.id in volume.page_ranges:
        details.append("**Pages:** {}–{} of the volume".format(*volume.page_ranges[paper.id]))
    title = myst.rich_text(paper.title)
    return _page(
        _paper_front(volume, paper),
        myst.role("struck", one_line(paper.title)) if paper.removal else title,
        notices(paper),
        _authors(volume, paper.authors),
        " · ".join(details),
        presented_in(volume, paper.id),
        _materials(volume, paper),
        previews(paper),
        f"**TL;DR:** {myst.rich_text(paper.tldr)}" if paper.tldr else "",
        recording_block(volume.recording(paper.id)),
        "## Abstract",
        myst.paragraphs(paper.abstract),
        "**Keywords:** " + ", ".join(_keyword(volume, k) for k in paper.keywords) if paper.keywords else "",
        _cite(volume, paper) if paper.cited else "",
        myst.directive("dropdown", "Full text of the PDF", myst.plain_text_file(f"{paper.id}.txt"))
        if paper_text(volume, paper) else "",
    )


def paper_text(volume: Proceedings, paper: Paper) -> str:
    """The text of the paper's PDF, shown on its page from a file beside it (``<id>.txt``); empty
    when there is none."""
    facts = volume.facts(paper.pdf)
    return facts.text if facts else ""


def _keyword(volume: Proceedings, keyword: str) -> str:
    anchor = volume.keyword_anchor(keyword)
    return f"[{myst.text(keyword)}](#{anchor})" if anchor else myst.text(keyword)


def _cite(volume: Proceedings, paper: Paper) -> str:
    downloads = " · ".join(myst.role("asset", f"{f.label} <{paper.id}.{f.ext}>") for f in FORMATS)
    return "\n\n".join(["## Cite", "**APA**", myst.fence(apa(volume, paper), "text"), "**BibTeX**",
                        myst.fence(bibtex(volume, [paper]), "bibtex"), f"Download: {downloads}"])


def _authors(volume: Proceedings, authors: tuple[Person, ...]) -> str:
    lines = []
    for person in authors:
        name = myst.text(person.name)
        entry = volume.author_entry(person)
        line = f"- **[{name}](#{entry.anchor})**" if entry else f"- **{name}**"
        if person.affiliation:
            line += f", {myst.text(person.affiliation)}"
        if person.orcid_url:
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


def _listing(papers: list[Paper], prefix: str) -> str:
    return "\n".join(paper_item(paper, prefix) for paper in papers)


def track_page(volume: Proceedings, track: Track) -> str:
    """The listing of one track's papers."""
    papers = volume.papers_in(track)
    return _page(NOT_SEARCHED, myst.text(track.title), myst.text(track.description or ""), f"{_papers(len(papers))}.",
                 _listing(papers, "../papers/"))


def _papers(count: int) -> str:
    return f"{count} paper{'s' * (count != 1)}"


def papers_index(volume: Proceedings) -> str:
    """Every paper of the volume, grouped by track, with the whole volume's citations."""
    downloads = ", ".join(myst.role("asset", f"{f.label} <../../proceedings.{f.ext}>") for f in FORMATS)
    blocks = [f"{len(volume.papers)} accepted papers. Cite them all: {downloads}."]
    if volume.page_ranges:
        blocks.append(f"The whole volume in one PDF: {myst.role('asset', 'proceedings.pdf <../../proceedings.pdf>')}.")
    if len(volume.papers) <= INDEX_PAGE_LIMIT:
        for track in volume.workshop.tracks:
            blocks += [f"## {myst.text(track.title)}", _listing(volume.papers_in(track), "")]
    else:  # the track pages list the papers; this page would repeat them all
        blocks += [f"- [{myst.text(track.title)}](../tracks/{track.id}.md): {_papers(len(volume.papers_in(track)))}"
                   for track in volume.workshop.tracks]
    return _page(NOT_SEARCHED, "Papers", *blocks)


def committee_page(volume: Proceedings) -> str:
    """Organizers, area chairs and program committee, as listed in ``workshop.yml``."""
    workshop = volume.workshop
    blocks = []
    for heading, people in (("Organizers", workshop.organizers), ("Area chairs", workshop.area_chairs),
                            ("Program committee", workshop.program_committee)):
        if people:
            blocks += [f"## {heading}", "\n".join(_person_line(group) for group in merged_people(people))]
    return _page({}, "Organizers and committee", *blocks)


def _person_line(group: list[Person]) -> str:
    """One person listed once, with every affiliation their records give."""
    affiliations = "; ".join(dict.fromkeys(myst.text(p.affiliation) for p in group if p.affiliation))
    return f"- {myst.text(group[0].name)}" + (f" ({affiliations})" if affiliations else "")


# Past this many links to papers, the papers index lists the tracks instead of every paper, and
# the author and keyword indexes get a page per initial letter: one page would weigh megabytes for
# the reader, and Sphinx re-reads all of it whenever a paper is added.
INDEX_PAGE_LIMIT = 400


def authors_pages(volume: Proceedings) -> dict[str, str]:
    """The author index (every author and speaker once, by family name, with their papers and
    talks), by path under ``book/``: ``people/authors.md``, and one page per letter when it is long."""
    entries = [(fold(entry.person.parts.family), _author_blocks(volume, entry), len(entry.papers) + len(entry.talks))
               for entry in volume.authors]
    return _index_pages("people/authors", "Authors and speakers",
                        f"{len(volume.authors)} people, sorted by family name.", entries)


def _author_blocks(volume: Proceedings, entry: IndexedPerson) -> list[str]:
    works = [f"[{myst.rich_text(volume.paper(pid).title)}](../papers/{pid}.md)" for pid in entry.papers]
    works += [f"[{myst.text(volume.talk(tid).title)}](../talks/{tid}.md)" for tid in entry.talks]
    affiliations = f" ({'; '.join(myst.text(a) for a in entry.affiliations)})" if entry.affiliations else ""
    return [f"({entry.anchor})=", f"**{myst.text(entry.person.name)}**{affiliations}: " + "; ".join(works)]


def keywords_pages(volume: Proceedings) -> dict[str, str]:
    """The keyword index (each keyword once, with its papers), by path under ``book/``:
    ``papers/keywords.md``, and one page per letter when it is long."""
    entries = []
    for keyword, anchor, paper_ids in volume.keywords:
        links = "; ".join(f"[{myst.rich_text(volume.paper(pid).title)}]({pid}.md)" for pid in paper_ids)
        entries.append((fold(keyword), [f"({anchor})=", f"**{myst.text(keyword)}**: {links}"], len(paper_ids)))
    return _index_pages("papers/keywords", "Keywords", f"{len(entries)} keywords.", entries)


def _index_pages(path: str, title: str, summary: str, entries: list[tuple[str, list[str], int]]) -> dict[str, str]:
    """An index of ``entries`` (sort key, blocks, links) under a heading per initial letter: all on
    the page ``path`` or, past ``INDEX_PAGE_LIMIT`` links, on a page per letter that ``path`` links to."""
    letters: dict[str, list[str]] = {}
    for key, blocks, _ in entries:
        initial = key[:1].upper() if key[:1].isalpha() else "#"
        letters.setdefault(initial, []).extend(blocks)
    if sum(links for _, _, links in entries) <= INDEX_PAGE_LIMIT:
        blocks = [block for initial, group in letters.items() for block in (f"## {myst.text(initial)}", *group)]
        return {f"{path}.md": _page(NOT_SEARCHED, title, summary, *blocks)}
    name = path.rsplit("/", 1)[1]
    files = {initial: f"{name}-{initial.lower() if initial != '#' else 'other'}" for initial in letters}
    links = " · ".join(f"[{myst.text(initial)}]({files[initial]}.md)" for initial in letters)
    pages = {f"{path}.md": _page(NOT_SEARCHED, title, summary, links)}
    back = f"[All of {myst.text(title.lower())}]({name}.md) · {links}"
    for initial, group in letters.items():
        pages[f"{path.rsplit('/', 1)[0]}/{files[initial]}.md"] = _page(
            {"orphan": True, **NOT_SEARCHED}, f"{myst.text(title)}: {myst.text(initial)}", back, *group)
    return pages
