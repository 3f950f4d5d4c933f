"""The author and keyword indexes: sorting by family name with accents folded, merging variants."""

from __future__ import annotations

import datetime as dt

from proceedings.inputs.loader import load
from proceedings.model.indexes import author_index, fold, keyword_groups, keyword_index, keyword_key, merged_people, sort_key
from proceedings.model.locations import Project
from proceedings.model.paper import Notice, Paper
from proceedings.model.people import Person
from proceedings.model.talk import Talk
from proceedings.model.volume import Proceedings
from proceedings.model.workshop import Track, Workshop
from proceedings.pages.index_pages import authors_pages, keywords_pages
from proceedings.pages.listings import papers_index

from conftest import REPO

PEOPLE = [
    Person("Konstantin Schürholt", "Univ. St.Gallen"),
    Person("Konstantin Schürholt", "St. Gallen"),
    Person("Ryan Theisen", "Harmonic Discovery"),
    Person("Ryan Theisen"),
    Person("Lanasse Francois", "Simons Foundation", given="Francois", family="Lanasse"),
    Person("Mishra-Sharma Siddharth", "IAIFI", given="Siddharth", family="Mishra-Sharma"),
    Person("Domínguez-Sánchez Helena", given="Helena", family="Domínguez-Sánchez"),
    Person("Scaife Anna M. M.", given="Anna M. M.", family="Scaife"),
    Person("Zoë Ångström"),
    Person("Łucja Wróbel"),
    Person("Johannes van der Waals"),
    Person("Johannes Müller", "Max Planck"),
    Person("Jürgen Schäfer-Müller", orcid="0000-0002-1825-0097"),
    Person("J. Schäfer-Müller", orcid="0000-0002-1825-0097"),
    Person("KONSTANTIN  SCHÜRHOLT"),
    Person("Adhiambo"),
    Person("Çağla Yılmaz"),
    Person("Mikołaj Bińkowski"),
]


def test_variants_of_one_person_merge():
    groups = merged_people(PEOPLE)
    names = [[p.name for p in group] for group in groups]
    assert ["Konstantin Schürholt", "Konstantin Schürholt", "KONSTANTIN  SCHÜRHOLT"] in names
    assert ["Ryan Theisen", "Ryan Theisen"] in names
    assert ["Jürgen Schäfer-Müller", "J. Schäfer-Müller"] in names, "same ORCID"
    assert len(groups) == len(PEOPLE) - 4


def test_accented_and_plain_names_stay_apart():
    groups = merged_people([Person("Johannes Müller"), Person("Johannes Muller")])
    assert len(groups) == 2, "'Muller' may be another person; only ORCID or identical names merge"


def test_orcid_joins_two_name_groups():
    people = [Person("A. Person"), Person("Alice Person", orcid="0000-0002-1825-0097"),
              Person("A. Person", orcid="0000-0002-1825-0097")]
    assert [[p.name for p in g] for g in merged_people(people)] == [["A. Person", "A. Person", "Alice Person"]]


def test_sorted_by_family_name_with_accents_folded():
    ordered = [group[0].name for group in sorted(merged_people(PEOPLE), key=lambda g: sort_key(g[0]))]
    assert ordered == [
        "Adhiambo", "Zoë Ångström", "Mikołaj Bińkowski", "Domínguez-Sánchez Helena", "Lanasse Francois",
        "Mishra-Sharma Siddharth", "Johannes Müller", "Scaife Anna M. M.", "Jürgen Schäfer-Müller",
        "Konstantin Schürholt", "Ryan Theisen", "Johannes van der Waals", "Łucja Wróbel", "Çağla Yılmaz",
    ]


def test_fold():
    assert fold("Schürholt") == fold("SCHURHOLT") == "schurholt"
    assert fold("Łucja  Wróbel") == "lucja wrobel"


def test_author_index_lists_papers_and_talks():
    jurgen = Person("Jürgen Schäfer-Müller", orcid="0000-0002-1825-0097")
    papers = (Paper("a", "A", (jurgen, Person("Bo Li")), "x", "full"),
              Paper("b", "B", (Person("J. Schäfer-Müller", orcid="0000-0002-1825-0097"),), "x", "full"))
    talks = (Talk("t", "T", (Person("Bo Li"),)),)
    entries = author_index(papers, talks)
    assert [(e.person.name, e.papers, e.talks) for e in entries] == [
        ("Bo Li", ("a",), ("t",)), ("Jürgen Schäfer-Müller", ("a", "b"), ())]
    assert entries[1].anchor == "proceedings-author-jurgen-schafer-muller"


def test_keywords_merge_case_hyphens_and_a_plural_whose_singular_is_there():
    assert keyword_key("Neural-Operators") == keyword_key("neural  operators")
    papers = (Paper("a", "A", (Person("X"),), "x", "full",
                    keywords=("Neural Operators", "PDEs", "inductive biases", "Studies", "cases", "lens")),
              Paper("b", "B", (Person("X"),), "x", "full",
                    keywords=("neural operator", "pde", "Inductive-Bias", "study", "Climate", "case")))
    assert [(shown, ids) for shown, _, ids in keyword_index(papers)] == [
        ("cases", ["a", "b"]), ("Climate", ["b"]), ("inductive biases", ["a", "b"]), ("lens", ["a"]),
        ("Neural Operators", ["a", "b"]), ("PDEs", ["a", "b"]), ("Studies", ["a", "b"])]
    assert keyword_groups(["bias", "biases", "boxes", "gas"]) == {"bias": "bias", "biases": "bias", "boxes": "boxes",
                                                                 "gas": "gas"}


def test_a_keyword_s_anchor_is_its_group_s_key_whichever_spelling_comes_first():
    papers = (Paper("a", "A", (Person("X"),), "x", "full", keywords=("Inductive biases", "inductive-bias", "Graphs")),)
    assert [(shown, anchor) for shown, anchor, _ in keyword_index(papers)] == [
        ("Graphs", "proceedings-keyword-graphs"), ("Inductive biases", "proceedings-keyword-inductive-bias")]


def test_a_plural_joins_its_singular_s_own_group_and_a_withdrawn_paper_s_keyword_finds_its_entry():
    assert set(keyword_groups(["processes", "process", "proces"]).values()) == {"proces"}
    withdrawn = Notice(dt.date(2026, 5, 1), "Withdrawn.")
    papers = (Paper("a", "A", (Person("X"),), "x", "full", keywords=("Neural Operators", "case")),
              Paper("b", "B", (Person("X"),), "x", "full", keywords=("neural operator", "cases"), withdrawn=withdrawn))
    volume = Proceedings(Workshop("ws", "W", "Workshop", "ICLR 2026", dt.date(2026, 4, 27), "Rio", "America/Sao_Paulo",
                                  "https://example.org/ws", True, (Track("full", "Full"),)), papers)
    assert [(shown, anchor, ids) for shown, anchor, ids in volume.keywords] == [
        ("case", "proceedings-keyword-case", ["a"]), ("Neural Operators", "proceedings-keyword-neural-operator", ["a"])]
    assert volume.keyword_anchor("neural operator") == volume.keyword_anchor("Neural-Operators") == \
        "proceedings-keyword-neural-operator"
    assert volume.keyword_anchor("cases") == "proceedings-keyword-case"
    assert volume.keyword_anchor("unknown") is None


def test_shipped_archive_merges_by_orcid():
    volume, _ = load(Project(REPO))
    (jurgen,) = [e for e in volume.authors if "Schäfer-Müller" in e.person.name]
    assert jurgen.papers == ("example-operator-scaling", "example-weather-uncertainty")


def test_long_indexes_get_a_page_per_letter():
    volume, _ = load(Project(REPO))
    whole = authors_pages(volume)
    assert list(whole) == ["people/authors.md"] and "\n## A\n" in whole["people/authors.md"]
    split = authors_pages(volume, limit=5)
    jurgen = next(e for e in volume.authors if "Schäfer-Müller" in e.person.name)
    letter_page = split["people/authors-s.md"]
    assert f"({jurgen.anchor})=" in letter_page and "orphan: true" in letter_page
    assert "](authors-s.md)" in split["people/authors.md"] and "(proceedings-author" not in split["people/authors.md"]
    # Every entry is on exactly one letter page, under its family name's folded initial.
    anchors = [line for text in split.values() for line in text.splitlines() if line.startswith("(proceedings-author")]
    assert len(anchors) == len(volume.authors) == len(set(anchors))
    assert "(proceedings-author-zoe-angstrom)=" in split["people/authors-a.md"]
    keywords = keywords_pages(volume, limit=5)
    assert set(keywords) == {"papers/keywords.md"} | {name for name in keywords if name.startswith("papers/keywords-")}
    assert len(keywords) > 2


def test_a_long_papers_index_lists_the_tracks_not_every_paper():
    volume, _ = load(Project(REPO))
    whole = papers_index(volume)
    assert all(f"]({paper.id}.md)" in whole for paper in volume.papers)
    short = papers_index(volume, limit=len(volume.papers) - 1)
    assert not any(f"]({paper.id}.md)" in short for paper in volume.papers)
    for track in volume.workshop.tracks:  # the papers of the volume, then those withdrawn
        cited = [paper for paper in volume.papers_in(track) if paper.cited]
        removed = len(volume.papers_in(track)) - len(cited)
        assert f"](../tracks/{track.id}.md): {len(cited)} papers" + (f" (and {removed} withdrawn)" if removed else "") in short
    assert "proceedings.bib" in short  # the whole volume's citations stay


def test_the_index_limit_counts_links_not_entries():
    volume, _ = load(Project(REPO))
    links = sum(len(ids) for _, _, ids in volume.keywords)
    assert links > len(volume.keywords)
    assert len(keywords_pages(volume, limit=links - 1)) > 1  # fewer keywords than the limit, more links
