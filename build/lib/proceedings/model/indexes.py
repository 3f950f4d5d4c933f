"""The author and keyword indexes: each person and keyword once, however the inputs spell them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from anyascii import anyascii

from .people import Person


def fold(text: str) -> str:
    """``text`` for comparing and sorting: compatibility-normalized, accents and scripts transliterated
    to ASCII, case-folded, whitespace collapsed ('Schürholt' and 'SCHURHOLT' fold alike)."""
    return " ".join(anyascii(unicodedata.normalize("NFKC", text)).casefold().split())


def name_key(name: str) -> str:
    """The key under which two spellings of one name are the same person: normalized and case-folded,
    accents kept (so 'Müller' and 'Muller' stay two people, as they may well be)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def sort_key(person: Person) -> tuple[str, str, str]:
    """Sorting by family name, then given names, accents folded: 'Ångström' sorts with the A's."""
    parts = person.parts
    return fold(parts.family), fold(parts.given), fold(person.name)


def _anchor(prefix: str, text: str, taken: set[str]) -> str:
    """A label made of ``text`` (transliterated), unique among ``taken``, which it joins."""
    anchor = base = f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', fold(text)).strip('-') or 'x'}"
    suffix = 2
    while anchor in taken:
        anchor, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(anchor)
    return anchor


@dataclass(frozen=True)
class IndexedPerson:
    """One person of the author index, with everything they presented."""

    person: Person
    """The person as first written in the inputs (name shown as is)."""
    anchor: str
    """The entry's label on the author index page, e.g. ``proceedings-author-jurgen-muller``."""
    papers: tuple[str, ...]
    """Ids of their papers, in listing order."""
    talks: tuple[str, ...]
    """Ids of their talks and panels."""
    members: tuple[Person, ...]
    """Every record in the inputs that names this person."""

    @property
    def affiliations(self) -> tuple[str, ...]:
        """Every distinct affiliation given for them."""
        return affiliations_of(self.members)


def listed_name(records: list[Person], escaped: Callable[[str], str] = str) -> str:
    """One person as lists of people show them: the name as first written and every affiliation
    their records give, 'Name (A; B)', each passed through ``escaped`` (pages write it in MyST)."""
    affiliations = "; ".join(escaped(affiliation) for affiliation in affiliations_of(records))
    return escaped(records[0].name) + (f" ({affiliations})" if affiliations else "")


def affiliations_of(records: Iterable[Person]) -> tuple[str, ...]:
    """Every distinct affiliation that records naming one person give, in order."""
    return tuple(dict.fromkeys(person.affiliation for person in records if person.affiliation))


def merged_people(people: Iterable[Person]) -> list[list[Person]]:
    """Groups of records that name one person: the same ORCID, or the same name up to Unicode
    normalization and case. Groups keep the order in which they first appear."""
    groups: list[list[Person]] = []
    by_key: dict[str, int] = {}
    for person in people:
        keys = [f"name:{name_key(person.name)}"] + ([f"orcid:{person.orcid}"] if person.orcid else [])
        found = sorted({by_key[key] for key in keys if key in by_key})
        if not found:
            groups.append([person])
            index = len(groups) - 1
        else:
            index = found[0]
            groups[index].append(person)
            for other in found[1:]:  # this record joins two groups (one by name, one by ORCID)
                groups[index].extend(groups[other])
                groups[other] = []
                by_key.update({key: index for key, value in by_key.items() if value == other})
        by_key.update({key: index for key in keys})
    return [group for group in groups if group]


def author_index(papers, talks) -> list[IndexedPerson]:
    """Every author and speaker once, sorted by family name, with their papers and talks."""
    occurrences = [(author, paper.id, None) for paper in papers for author in paper.authors]
    occurrences += [(speaker, None, talk.id) for talk in talks for speaker in talk.speakers]
    groups = merged_people(person for person, _, _ in occurrences)
    member = {id(person): index for index, group in enumerate(groups) for person in group}
    found: list[tuple[list[str], list[str]]] = [([], []) for _ in groups]
    for person, paper_id, talk_id in occurrences:
        papers_of, talks_of = found[member[id(person)]]
        if paper_id and paper_id not in papers_of:
            papers_of.append(paper_id)
        if talk_id and talk_id not in talks_of:
            talks_of.append(talk_id)
    entries, anchors = [], set[str]()
    for group, (papers_of, talks_of) in sorted(zip(groups, found, strict=True), key=lambda item: sort_key(item[0][0])):
        anchor = _anchor("proceedings-author", group[0].name, anchors)
        entries.append(IndexedPerson(group[0], anchor, tuple(papers_of), tuple(talks_of), tuple(group)))
    return entries


def keyword_key(keyword: str) -> str:
    """Keywords that differ only in case, spacing or hyphens share this key."""
    return " ".join(name_key(keyword).replace("-", " ").split())


def keyword_groups(keywords: Iterable[str]) -> dict[str, str]:
    """The :func:`keyword_key` of each of ``keywords``, mapped to the key it is listed under: that of
    its singular when ``keywords`` hold it too (the last word ending in -s, -es, or -ies for -y; and
    that singular's own, if it has one), else its own. No singular is guessed: "biases" is "bias" and
    -es, "cases" is "case" and -s (a rule that dropped an -s made "bias" "bia" and never met
    "biases")."""
    keys = {keyword_key(keyword) for keyword in keywords}
    groups = {}
    for key in keys:
        group = key
        while (singular := _singular(group, keys)) != group:  # each step is shorter: it ends
            group = singular
        groups[key] = group
    return groups


def _singular(key: str, keys: set[str]) -> str:
    for plural, singular in (("ies", "y"), ("es", ""), ("s", "")):
        if key.endswith(plural) and (candidate := key.removesuffix(plural) + singular) in keys:
            return candidate
    return key


def keyword_index(papers, groups: dict[str, str] | None = None) -> list[tuple[str, str, list[str]]]:
    """Each keyword of ``papers`` once (as first written), its anchor (from the key of its group),
    and the ids of its papers; sorted. ``groups`` (:func:`keyword_groups`, by default of these
    papers' keywords) says which are one."""
    papers = list(papers)
    if groups is None:
        groups = keyword_groups(keyword for paper in papers for keyword in paper.keywords)
    shown: dict[str, str] = {}
    papers_of: dict[str, list[str]] = {}
    for paper in papers:
        for keyword in paper.keywords:
            key = groups[keyword_key(keyword)]
            shown.setdefault(key, keyword)
            if paper.id not in papers_of.setdefault(key, []):
                papers_of[key].append(paper.id)
    anchors: set[str] = set()
    return [(shown[key], _anchor("proceedings-keyword", key, anchors), papers_of[key])
            for key in sorted(shown, key=lambda key: fold(shown[key]))]
