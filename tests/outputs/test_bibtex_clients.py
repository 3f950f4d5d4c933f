"""Our BibTeX as other people's readers take it: bibtex, biber and pandoc (and Zotero's BibTeX import
when a translation-server runs) give back each author's family name (with its particle), given names
and suffix, and each title, as the record has them, for the shipped archive and the name table.

Both files are read: ``.bib`` (letters without a command every reader knows in ``{\\relax{}X}``
groups, which 8-bit bibtex keeps whole) and ``.utf8.bib`` (every letter in UTF-8). Where a reader
cannot take one of them, the test says which and why, and the other must satisfy it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from proceedings.inputs.loader import load
from proceedings.model.locations import Project
from proceedings.model.volume import Proceedings
from proceedings.outputs.citation import Citations
from proceedings.util.latex import PORTABLE, command, latex_title, plain
from proceedings.util.mathtext import math_segments

from conftest import REPO
from names import names_volume, printed

CI = os.environ.get("CI") == "true"
ZOTERO = os.environ.get("ZOTERO_TRANSLATION_SERVER", "")


def _needs(tool: str, package: str):
    return pytest.mark.skipif(not CI and not shutil.which(tool), reason=f"{tool} not installed (Debian: {package}); CI installs it")


# A style that prints what bibtex makes of each name and title: the parts, then the abbreviated given
# names, where bibtex takes the first letter of each word (a UTF-8 letter cut there breaks LaTeX).
_PROBE_BST = r"""ENTRY { author title } {} {}
INTEGERS { n i }
FUNCTION {inproceedings} {
  "=K " cite$ * write$ newline$
  "=T " title * write$ newline$
  author num.names$ 'n :=
  #1 'i :=
  { i n #1 + < }
  { "=A " author i "{ff}|{vv~}{ll}|{jj}|{f.}" format.name$ * write$ newline$ i #1 + 'i := }
  while$
}
READ
ITERATE {call.type$}
"""

Read = dict[str, tuple[str, list[tuple[str, str, str]]]]
"""What a reader gives back: by citation key, the title and each author's (given, family, suffix)."""


def _shipped_volume() -> Proceedings:
    volume, diags = load(Project(REPO))
    assert volume is not None, [str(d) for d in diags.items]
    return volume


VOLUMES = {"archive": _shipped_volume, "names": names_volume}
FILES = {"bib": Citations.bibtex, "utf8.bib": Citations.utf8_bibtex}


def _text(volume_name: str, file: str) -> tuple[Proceedings, str]:
    volume = VOLUMES[volume_name]()
    return volume, FILES[file](Citations(volume), list(volume.cited_papers))


def _bibtex(text: str, folder: Path) -> Read:
    (folder / "probe.bst").write_text(_PROBE_BST)
    (folder / "in.bib").write_bytes(text.encode())
    (folder / "in.aux").write_text("\\citation{*}\n\\bibdata{in}\n\\bibstyle{probe}\n")
    subprocess.run(["bibtex", "in"], cwd=folder, capture_output=True, check=True)
    # bibtex breaks lines over 79 characters; a line without a marker continues the one before.
    lines = re.sub(r"\n(?!=[KTA] )", " ", (folder / "in.bbl").read_bytes().decode("utf-8")).splitlines()
    read: Read = {}
    for line in lines:
        marker, value = line[:3], line[3:]
        if marker == "=K ":
            key = value
            read[key] = ("", [])
        elif marker == "=T ":
            read[key] = (printed(value), [])
        elif marker == "=A ":
            given, family, suffix, initials = (printed(part) for part in value.split("|"))
            read[key][1].append((given, family, suffix))
            assert initials == _initials(given), (key, value)
    return read


def _initials(given: str) -> str:
    return " ".join("-".join(part[0] + "." for part in word.split("-")) for word in given.split())


def _biber(text: str, folder: Path) -> Read:
    (folder / "in.bib").write_bytes(text.encode())
    subprocess.run(["biber", "--tool", "--output-format=biblatexml", "--output-file=out.xml", "in.bib"], cwd=folder,
                   capture_output=True, check=True)
    ns = {"b": "http://biblatex-biber.sourceforge.net/biblatexml"}
    read: Read = {}
    for entry in ET.parse(folder / "out.xml").getroot().findall("b:entry", ns):
        names = []
        for name in entry.findall("b:names[@type='author']/b:name", ns):
            part = {p.get("type"): " ".join(t for t in p.itertext() if t.strip())
                    for p in name.findall("b:namepart", ns)}
            family = " ".join(filter(None, (part.get("prefix"), part.get("family"))))
            names.append(tuple(printed(p) for p in (part.get("given", ""), family, part.get("suffix", ""))))
        read[entry.get("id", "")] = (printed(entry.findtext("b:title", "", ns)), names)
    return read


def _pandoc(text: str, folder: Path) -> Read:
    result = subprocess.run(["pandoc", "-f", "bibtex", "-t", "csljson"], input=text.encode(), capture_output=True, check=True)
    read: Read = {}
    for item in json.loads(result.stdout):
        names = [(a.get("given", ""), " ".join(filter(None, (a.get("dropping-particle"), a.get("non-dropping-particle"),
                                                             a.get("family", a.get("literal"))))), a.get("suffix", ""))
                 for a in item["author"]]
        read[item["id"]] = (item["title"], names)
    return read


def _zotero(text: str, folder: Path) -> Read:
    request = urllib.request.Request(f"{ZOTERO.rstrip('/')}/import", data=text.encode(), headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=120) as response:
        items = [item for item in json.load(response) if item["itemType"] != "note"]
    keys = re.findall(r"^@inproceedings\{([^,]+),", text, re.MULTILINE)
    read: Read = {}
    for key, item in zip(keys, items, strict=True):
        names = []
        for creator in item["creators"]:
            given, _, suffix = creator.get("firstName", "").partition(", ")  # Zotero writes "Robert T., Jr."
            names.append((given, creator.get("lastName", creator.get("name", "")), suffix))
        # Zotero keeps sub- and superscripts as rich-text tags; compared as the Unicode plain() writes.
        title = re.sub(r"<(sub|sup)>([^<]*)</\1>", lambda m: plain(f"${'_' if m.group(1) == 'sub' else '^'}{{{m.group(2)}}}$"),
                       item["title"])
        read[key] = (title, names)
    return read


READERS = {
    "bibtex": pytest.param(_bibtex, marks=_needs("bibtex", "texlive-binaries texlive-base")),
    "biber": pytest.param(_biber, marks=_needs("biber", "biber")),
    "pandoc": pytest.param(_pandoc, marks=_needs("pandoc", "pandoc")),
    "zotero": pytest.param(_zotero, marks=pytest.mark.skipif(not ZOTERO, reason="set ZOTERO_TRANSLATION_SERVER to a running "
                                                              "translation-server (../shared/tools/zotero/README.md)")),
}
# What a reader cannot take, and why (the README's table); the other file must satisfy it.
LOSSES = {
    ("zotero", "bib"): "Zotero reads no LaTeX for stacked accents, \\H or \\. and keeps \\relax{} (Þ, CJK) as text",
    ("bibtex", "utf8.bib"): "8-bit bibtex cuts a UTF-8 letter in half where a style abbreviates a name",
    ("biber", "bib"): "biber misreads stacked accents ({\\~{\\^{e}}}), which pdfLaTeX needs for Vietnamese",
}
# Title text Zotero's BibTeX import reads no escape for, in any encoding (its own export writes the
# same escapes): a tilde, a backslash or a brace, and text between two dollars, which it takes for math.
_ZOTERO_UNREADABLE = re.compile(r"[~\\{}]|\$.*\$")


def _expected_titles(reader: str, title: str) -> set[str]:
    """The title as the reader should give it back: bibtex and biber keep math as TeX; pandoc drops
    its dollars and sets apostrophes as LaTeX does (’); Zotero writes simple sub- and superscripts
    as Unicode and strips the braces of the rest."""
    if reader in ("bibtex", "biber"):
        return {title}
    if reader == "pandoc":
        return {"".join(segment if is_math else segment.replace("'", "’") for is_math, segment in math_segments(title))}
    text = "".join(segment for is_math, segment in math_segments(title) if not is_math)
    return {title, plain(title), re.sub(r"[${}]", "", title)} if not _ZOTERO_UNREADABLE.search(text) else set()


@pytest.mark.parametrize("file", FILES)
@pytest.mark.parametrize("volume_name", VOLUMES)
@pytest.mark.parametrize("reader", [pytest.param(name, marks=param.marks) for name, param in READERS.items()])
def test_reader_gives_back_names_and_titles(reader, volume_name, file, tmp_path, request):
    if (reader, file) in LOSSES:  # a known loss must still be one, or the table in the README is wrong
        request.applymarker(pytest.mark.xfail(strict=True, reason=LOSSES[reader, file]))
    volume, text = _text(volume_name, file)
    read = READERS[reader].values[0](text, tmp_path)
    wrong = []
    for paper in volume.cited_papers:
        title, names = read[volume.keys[paper.id]]
        expected_titles = _expected_titles(reader, paper.title)
        if expected_titles and title not in expected_titles:
            wrong.append((paper.id, "title", title, paper.title))
        expected = [(a.parts.given, a.parts.family, a.parts.suffix) for a in paper.authors]
        wrong += [(paper.id, "author", got, want) for got, want in zip(names, expected, strict=True) if got != want]
    assert not wrong, "\n".join(map(str, wrong))


def _letters_bib(letters: list[str]) -> str:
    return "".join(f"@inproceedings{{k{index},\n  author = {{X{command(letter)}y, A{command(letter)}b}},\n"
                   f"  title = {{T{command(letter)}t}}\n}}\n" for index, letter in enumerate(letters))


@pytest.mark.parametrize("reader", [pytest.param(name, marks=param.marks) for name, param in READERS.items() if name != "bibtex"])
def test_portable_letters_read_back_from_their_commands(reader, tmp_path):
    """Every letter ``util.latex.PORTABLE`` writes as a command comes back as that letter."""
    letters = sorted(PORTABLE)
    read = READERS[reader].values[0](_letters_bib(letters), tmp_path)
    wrong = [(letter, command(letter), read[f"k{index}"]) for index, letter in enumerate(letters)
             if read[f"k{index}"] != (f"T{letter}t", [(f"A{letter}b", f"X{letter}y", "")])]
    assert not wrong, "\n".join(map(str, wrong))


def _latin(paper) -> bool:
    text = paper.title + "".join(author.name for author in paper.authors)
    return not any(unicodedata.name(char, "").startswith(("CJK", "ARABIC", "HANGUL")) for char in text)


@pytest.mark.skipif(not CI and not shutil.which("pdflatex"), reason="pdflatex not installed (Debian: texlive-latex-base); CI installs it")
@pytest.mark.parametrize("style", ["plain", "abbrv", "alpha"])
@pytest.mark.parametrize("volume_name", VOLUMES)
def test_pdflatex_typesets_every_latin_name_and_title_of_the_bib(volume_name, style, tmp_path):
    """A reader's pdfLaTeX run with the `.bib` and bibtex: every letter of a Latin-script name or title
    is typeset (pdfLaTeX's UTF-8 input knows no Vietnamese letter: those come as accent commands).
    CJK, Arabic and Hangul need packages of the reader's own choosing and are left out."""
    volume = VOLUMES[volume_name]()
    papers = [paper for paper in volume.cited_papers if _latin(paper)]
    (tmp_path / "refs.bib").write_text(Citations(volume).bibtex(papers), "utf-8")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\begin{document}\n\\nocite{*}\n"
                                      f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n")
    latex = ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "doc"]
    for command_line in (latex, ["bibtex", "doc"], latex):
        subprocess.run(command_line, cwd=tmp_path, capture_output=True, timeout=120)
    log = (tmp_path / "doc.log").read_text("utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert errors == [] and (tmp_path / "doc.pdf").is_file(), "\n".join(errors)
    assert (tmp_path / "doc.bbl").read_text("utf-8").count("\\bibitem") == len(papers)


@_needs("bibtex", "texlive-binaries texlive-base")
def test_bibtex_title_case_keeps_the_capitals_of_math(tmp_path):
    """A new-user trial: the plain, abbrv and alpha styles (``"t" change.case$``) printed $O(n \\log n)$
    as $o(n \\log n)$, which changes what it says; a capital in a formula is protected as in a word."""
    title = "Learning $\\ell_1$-sparse codes in $O(n \\log n)$ time with $K$-means and $\\Delta$ of CO$_2$"
    (tmp_path / "case.bst").write_text('ENTRY { title } {} {}\nFUNCTION {inproceedings} { title "t" change.case$ write$ '
                                       "newline$ }\nREAD\nITERATE {call.type$}\n")
    (tmp_path / "in.bib").write_text(f"@inproceedings{{k,\n  title = {{{latex_title(title)}}}\n}}\n")
    (tmp_path / "in.aux").write_text("\\citation{*}\n\\bibdata{in}\n\\bibstyle{case}\n")
    subprocess.run(["bibtex", "in"], cwd=tmp_path, capture_output=True, check=True)
    # bibtex breaks lines past 79 characters.
    assert " ".join((tmp_path / "in.bbl").read_text("utf-8").split()) == \
        "{Learning} $\\ell_1$-sparse codes in {$O(n \\log n)$} time with {$K$}-means and {$\\Delta$} of {CO}$_2$"
