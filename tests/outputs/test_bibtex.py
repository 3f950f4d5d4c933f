"""BibTeX: every entry parses with bibtexparser and pybtex and gives back the names and titles as written."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import bibtexparser
import pybtex.database
import pytest

from proceedings.inputs.loader import load
from proceedings.model.keys import citation_keys
from proceedings.model.locations import Project
from proceedings.model.paper import Paper
from proceedings.model.people import Person, split_name
from proceedings.model.volume import Proceedings
from proceedings.model.workshop import Track, Workshop
from proceedings.outputs.bibtex import latex_name
from proceedings.outputs.citation import Citations
from proceedings.util.latex import latex_title

from conftest import REPO
from names import NAMES, TITLES, printed


def _volume(papers: list[Paper]) -> Proceedings:
    workshop = Workshop("ws", "Workshop", "Workshop on Foundation Models for {Science} & More", "ICLR 2026",
                        dt.date(2026, 4, 27), "Rio de Janeiro, Brazil", "America/Sao_Paulo",
                        "https://example.org/ws", False, (Track("full", "Full"),))
    return Proceedings(workshop, tuple(papers))


def _paper(pid: str, title: str, authors: list[Person]) -> Paper:
    return Paper(pid, title, tuple(authors), "Abstract.", "full")


@pytest.mark.parametrize("name, explicit, expected", NAMES)
def test_name_parts(name, explicit, expected):
    given, family = explicit or (None, None)
    parts = Person(name, given=given, family=family).parts
    assert (parts.given, parts.family, parts.suffix) == expected


def test_suffix_is_split_off():
    assert split_name("Robert T. Jones Jr.") == split_name("Robert T. Jones Jr.")
    parts = split_name("Robert T. Jones Jr.")
    assert (parts.given, parts.family, parts.suffix) == ("Robert T.", "Jones", "Jr.")
    assert latex_name(Person("Robert T. Jones Jr.")) == "Jones, Jr., Robert T."


def _all_entries_round_trip(volume: Proceedings, utf8: bool = False):
    citations = Citations(volume)
    text = (citations.utf8_bibtex if utf8 else citations.bibtex)(list(volume.cited_papers))
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == [volume.keys[p.id] for p in volume.cited_papers]
    parsed = pybtex.database.parse_string(text, "bibtex")
    for paper in volume.cited_papers:
        entry = parsed.entries[volume.keys[paper.id]]
        assert entry.type == "inproceedings"
        assert printed(entry.fields["title"]) == paper.title
        assert printed(library.entries_dict[volume.keys[paper.id]]["title"]) == paper.title
        persons = entry.persons["author"]
        assert len(persons) == len(paper.authors)
        for person, author in zip(persons, paper.authors, strict=True):
            given = printed(" ".join(person.first_names + person.middle_names))
            family = printed(" ".join(person.prelast_names + person.last_names))
            assert (given, family) == (author.parts.given, author.parts.family), author.name
        for field in ("booktitle", "year", "month", "address", "url", "note"):
            assert field in entry.fields
    return text


def test_tricky_names_and_titles_round_trip():
    authors = [Person(name, given=explicit[0] if explicit else None, family=explicit[1] if explicit else None)
               for name, explicit, _ in NAMES]
    papers = [
        _paper("p1", "Learning PDEs with Transformers: 100% & More_Stuff #1 {braces}", authors[:8]),
        _paper("p2", "Foundation Models for CO$_2$ and $\\mathcal{O}(n^{2})$ Costs", authors[8:14]),
        _paper("p5", "Names", authors[14:]),
        _paper("p3", "Müller's Über-Model", [Person("Konstantin Schürholt")]),
        _paper("p4", "Back\\slash ~tilde^ caret", [Person("Robert T. Jones Jr.")]),
    ]
    text = _all_entries_round_trip(_volume(papers))
    assert "{PDE}s" in text and "{Transformers}" in text and "{CO}$_2$" in text
    assert r"Sch{\"u}rholt" in text


@pytest.mark.parametrize("title", TITLES)
def test_titles_round_trip(title):
    _all_entries_round_trip(_volume([_paper("p", title, [Person("Ada Lovelace")])]))


def test_real_iclr_names_round_trip(shared_data):
    import csv

    from proceedings.util.text import one_line
    with (shared_data / "iclr2020-miniconf" / "papers.csv").open(encoding="utf-8") as stream:
        names = sorted({one_line(name) for row in csv.DictReader(stream) for name in row["authors"].split("|")
                        if not name.isascii()})
    assert len(names) >= 60
    papers = [_paper(f"p{index}", f"Paper {index}", [Person(name)]) for index, name in enumerate(names)]
    _all_entries_round_trip(_volume(papers))


def test_letters_without_a_portable_command_are_kept_whole_and_typeset():
    paper = _paper("p", "Über Þórsson", [Person("Jürgen Müller"), Person("Nguyễn Thị", given="Thị", family="Nguyễn"),
                                          Person("王芳", given="芳", family="王"), Person("Paul Erdős")])
    citations = Citations(_volume([paper]))
    text = citations.bibtex([paper])
    assert r"M{\"u}ller, J{\"u}rgen and Nguy{\~{\^{e}}}n, Th{\d{i}} and {\relax{}王}, {\relax{}芳} and Erd{\H{o}}s, Paul" in text
    assert r"{{\"U}ber} {{\relax{}Þ}{\'o}rsson}" in text
    utf8 = citations.utf8_bibtex([paper])
    assert "Müller, Jürgen and Nguyễn, Thị and 王, 芳 and Erdős, Paul" in utf8 and "{Über} {Þórsson}" in utf8


@pytest.mark.parametrize("utf8", [False, True], ids=["latex", "utf8"])
def test_shipped_archive_round_trips(utf8):
    volume, diags = load(Project(REPO))
    assert volume is not None, [str(d) for d in diags.items]
    _all_entries_round_trip(volume, utf8)


def test_keys_are_ascii_stable_and_unique():
    authors = [Person("Konstantin Schürholt")]
    papers = [_paper(f"p{i}", "The Foundation of Models", authors) for i in range(3)]
    papers.append(Paper("p9", "Pinned", tuple(authors), "A.", "full", bibkey="schurholt2026foundation"))
    keys = citation_keys(tuple(papers), 2026)
    assert keys == {"p0": "schurholt2026foundationb", "p1": "schurholt2026foundationc",
                    "p2": "schurholt2026foundationd", "p9": "schurholt2026foundation"}
    assert keys == citation_keys(tuple(papers), 2026)
    assert all(re.fullmatch(r"[a-z0-9-]+", key) for key in keys.values())


@pytest.mark.parametrize("name, key", [
    ("Johannes van der Waals", "waals2026neural"),
    ("Łucja Wróbel", "wrobel2026neural"),
    ("王芳", "wang2026neural"),
    ("Adhiambo", "adhiambo2026neural"),
])
def test_key_transliterates_family_name(name, key):
    explicit = dict(given="芳", family="王") if name == "王芳" else {}
    papers = (_paper("p", "A Neural Thing", [Person(name, **explicit)]),)
    assert citation_keys(papers, 2026) == {"p": key}


@pytest.mark.parametrize("title, key", [
    ("\\emph{Deep} Learning of Fluids", "berg2026deep"),  # the trial's key was berg2026emph
    ("$\\frac{1}{2}$-Approximations for \\textbf{Sparse} PCA", "berg2026approximations"),
    ("$$E = mc^2$$ Revisited", "berg2026revisited"),
])
def test_key_takes_the_title_s_first_word_not_a_latex_command(title, key):
    assert citation_keys((_paper("p", title, [Person("Ann Berg")]),), 2026) == {"p": key}


def test_title_capitals_are_protected_as_words():
    assert latex_title("Transformers for PDEs") == "{Transformers} for {PDE}s"
    assert latex_title("The CO$_2$ Budget") == "{The} {CO}$_2$ {Budget}"
    # A formula holding a capital too: bibtex's styles lower-case math (a new-user trial).
    assert latex_title("$O(n)$ for $K$-means on $x^2$") == "{$O(n)$} for {$K$}-means on $x^2$"


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc not installed (Debian: pandoc); CI installs it")
def test_pandoc_s_title_case_keeps_the_capitals_and_math_of_the_csl_json(tmp_path):
    """A new-user trial: pandoc's default style (Chicago, title case) printed the CSL-JSON's CO₂ as
    Co₂ and O(n log n) as O(n Log n); the BibTeX of the same paper kept them."""
    title = "The CO$_2$ budget in $O(n \\log n)$ time with GPT-4, the iPhone and NaCl"
    volume = _volume([_paper("p", title, [Person("Ana Silva")])])
    (tmp_path / "refs.json").write_text(Citations(volume).csl_json(list(volume.cited_papers)), "utf-8")
    (tmp_path / "refs.bib").write_text(Citations(volume).bibtex(list(volume.cited_papers)), "utf-8")
    shown = {}
    for file in ("refs.json", "refs.bib"):
        (tmp_path / "doc.md").write_text(f"---\nbibliography: {file}\nnocite: '@*'\n---\n", "utf-8")
        result = subprocess.run(["pandoc", "doc.md", "--citeproc", "-t", "plain", "--wrap=none"], cwd=tmp_path,
                                capture_output=True, text=True, check=True)
        shown[file] = result.stdout
    titles = {file: re.search("“(.*)”", text).group(1) for file, text in shown.items()}
    assert titles["refs.json"] == "The CO₂ Budget in O(n log n) Time with GPT-4, the iPhone and NaCl."
    # pandoc writes the BibTeX's TeX math out without TeX's spacing (O(nlogn)), the case as written.
    assert titles["refs.bib"].replace(" ", "") == titles["refs.json"].replace(" ", "")
