"""The author and keyword indexes, each on one page or, when long, on a page per initial letter."""

from __future__ import annotations

from ..model.indexes import IndexedPerson, fold
from ..model.volume import Proceedings
from ..util import myst
from .generated import INDEX_PAGE_LIMIT, NOT_SEARCHED, generated_page


def authors_pages(volume: Proceedings, limit: int = INDEX_PAGE_LIMIT) -> dict[str, str]:
    """The author index (every author and speaker once, by family name, with their papers and
    talks), by path under ``book/``: ``people/authors.md``, and one page per letter when it is long."""
    entries = [(fold(entry.person.parts.family), _author_blocks(volume, entry), len(entry.papers) + len(entry.talks))
               for entry in volume.authors]
    return _index_pages("people/authors", "Authors and speakers",
                        f"{len(volume.authors)} people, sorted by family name.", entries, limit)


def _author_blocks(volume: Proceedings, entry: IndexedPerson) -> list[str]:
    works = [f"[{myst.rich_text(volume.papers_by_id[pid].title)}](../papers/{pid}.md)" for pid in entry.papers]
    works += [f"[{myst.text(volume.talks_by_id[tid].title)}](../talks/{tid}.md)" for tid in entry.talks]
    affiliations = f" ({'; '.join(myst.text(a) for a in entry.affiliations)})" if entry.affiliations else ""
    return [f"({entry.anchor})=", f"**{myst.text(entry.person.name)}**{affiliations}: " + "; ".join(works)]


def keywords_pages(volume: Proceedings, limit: int = INDEX_PAGE_LIMIT) -> dict[str, str]:
    """The keyword index (each keyword once, with its papers), by path under ``book/``:
    ``papers/keywords.md``, and one page per letter when it is long."""
    entries = []
    for keyword, anchor, paper_ids in volume.keywords:
        links = "; ".join(f"[{myst.rich_text(volume.papers_by_id[pid].title)}]({pid}.md)" for pid in paper_ids)
        entries.append((fold(keyword), [f"({anchor})=", f"**{myst.text(keyword)}**: {links}"], len(paper_ids)))
    return _index_pages("papers/keywords", "Keywords", f"{len(entries)} keywords.", entries, limit)


def _index_pages(path: str, title: str, summary: str, entries: list[tuple[str, list[str], int]],
                 limit: int) -> dict[str, str]:
    """An index of ``entries`` (sort key, blocks, links) under a heading per initial letter: all on
    the page ``path`` or, past ``limit`` links, on a page per letter that ``path`` links to."""
    letters: dict[str, list[str]] = {}
    for key, blocks, _ in entries:
        initial = key[:1].upper() if key[:1].isalpha() else "#"
        letters.setdefault(initial, []).extend(blocks)
    if sum(links for _, _, links in entries) <= limit:
        blocks = [block for initial, group in letters.items() for block in (f"## {myst.text(initial)}", *group)]
        return {f"{path}.md": generated_page(NOT_SEARCHED, title, summary, *blocks)}
    name = path.rsplit("/", 1)[1]
    files = {initial: f"{name}-{initial.lower() if initial != '#' else 'other'}" for initial in letters}
    links = " · ".join(f"[{myst.text(initial)}]({files[initial]}.md)" for initial in letters)
    pages = {f"{path}.md": generated_page(NOT_SEARCHED, title, summary, links)}
    back = f"[All of {myst.text(title.lower())}]({name}.md) · {links}"
    for initial, group in letters.items():
        pages[f"{path.rsplit('/', 1)[0]}/{files[initial]}.md"] = generated_page(
            {"orphan": True, **NOT_SEARCHED}, f"{myst.text(title)}: {myst.text(initial)}", back, *group)
    return pages
