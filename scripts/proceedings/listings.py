"""Lines that list papers and say where they are presented, shared by the generated pages."""

from __future__ import annotations

from . import myst
from .paper import Paper
from .program import Slot
from .volume import Proceedings


def paper_item(paper: Paper, prefix: str, extra: list[str] = ()) -> str:
    """A list item linking a paper (``prefix`` leads to ``book/papers/``), with its authors."""
    names = ", ".join(myst.text(author.name) for author in paper.authors)
    after = [f"**{myst.text(paper.award)}**"] if paper.award else []
    if paper.removal:
        after.append("**Retracted**" if paper.retracted else "**Withdrawn**")
    return f"- [{myst.rich_text(paper.title)}]({prefix}{paper.id}.md)  \n  " + " · ".join([names, *after, *(e for e in extra if e)])


def _slot_label(slot: Slot) -> str:
    return f"{slot.title}, {slot.start:%H:%M}–{slot.end:%H:%M}"


def presented_in(volume: Proceedings, item_id: str) -> str:
    """Where and when a paper or talk is presented, linked to the program."""
    slots = volume.slots_of(item_id)
    if not slots:
        return ""
    links = [f"[{myst.text(_slot_label(slot))}](#{slot.anchor})" for slot in slots]
    return f"**Presented:** {' · '.join(links)} ({myst.text(zone_name(volume))})"


def zone_name(volume: Proceedings) -> str:
    """Whose clock the program's times are on, e.g. 'Rio de Janeiro time'."""
    return f"{volume.workshop.location.split(',')[0]} time"
