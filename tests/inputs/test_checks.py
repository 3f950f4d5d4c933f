"""The checks of the book beside papers/: its table of contents, as `check` and `build` report it."""

from __future__ import annotations

from pathlib import Path

import pytest

from proceedings.cli import KEPT_GOING, main
from proceedings.model.locations import GENERATED_DIRS

from conftest import PAPERS_YML, tree_state, with_accepted_csv, write_project

MISSING = "names no page: there is no {page}.md (nor .ipynb, .rst) in the project"


def _toc_lines(root: Path) -> list[str]:
    return (root / "_toc.yml").read_text("utf-8").split("\n")


def _line_of(root: Path, text: str) -> int:
    return next(number for number, line in enumerate(_toc_lines(root), 1) if text in line)


def test_a_pdf_no_record_publishes_is_named_once_and_nothing_else_is(tmp_path, capsys):
    """A new-user trial removed a paper from accepted.yml: its PDF stayed in papers/pdf/ with nothing
    saying so. Every PDF a record names (materials, revisions, erratum; through a link too) is not named."""
    root = write_project(tmp_path / "p")
    assert main(["check", str(root)]) == 0
    assert "publishes this PDF" not in capsys.readouterr().err
    (root / "papers" / "old").mkdir()
    (root / "papers" / "pdf" / "paper-two.pdf").rename(root / "papers" / "old" / "paper-two.PDF")
    (root / "papers" / "pdf" / "paper-two.pdf").symlink_to(root / "papers" / "old" / "paper-two.PDF")
    (root / "papers" / "pdf" / "removed.pdf").write_bytes((root / "papers" / "pdf" / "paper-one.pdf").read_bytes())
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    assert err.count("publishes this PDF") == 1, err
    assert "papers/pdf/removed.pdf: warning: no paper or talk publishes this PDF (a removed paper's?)" in err


def test_a_pdf_named_in_a_file_that_cannot_be_read_is_not_called_unpublished(tmp_path, capsys):
    """A new-user trial: a quote left open in talks.yml also gave "no paper or talk publishes this
    PDF: remove it" for the keynote's slides, which the broken file names."""
    root = write_project(tmp_path / "p", pdfs=("paper-one", "paper-two", "keynote-slides"))
    talks = '- id: keynote\n  title: "A Keynote\n  speaker: {name: Ada Lovelace}\n  slides: pdf/keynote-slides.pdf\n'
    (root / "papers" / "talks.yml").write_text(talks, "utf-8")
    assert main(["check", str(root)]) == 1
    assert main(["build", "--keep-going", str(root)]) == KEPT_GOING
    err = capsys.readouterr().err
    assert err.count("papers/talks.yml:") == 2 and "publishes this PDF" not in err


def test_no_pdf_is_called_unnamed_while_a_spreadsheet_s_row_is_unknown(tmp_path, capsys):
    """A verification trial: a quote left open in a CSV row also called the PDF that row names "a
    removed paper's"."""
    root = with_accepted_csv(write_project(tmp_path / "p"), "id,title,authors,abstract,track,pdf\n"
                             'paper-one,"Neural Operators,Jürgen Müller,"An abstract",full,pdf/paper-one.pdf\n'
                             "paper-two,A Tiny Idea,Łucja Wróbel,Short,tiny,pdf/paper-two.pdf\n")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert "papers/accepted.csv:2: error:" in err and "publishes this PDF" not in err


def test_pdfs_no_record_names_are_listed_with_the_errors_and_a_record_with_an_error_still_names_its_own(tmp_path, capsys):
    """A new-user trial: the warnings of PDFs no record names came only once every error was fixed,
    two `check` runs later."""
    papers = PAPERS_YML.replace('title: "A Tiny Idea"', "title: [A Tiny Idea]")
    root = write_project(tmp_path / "p", papers=papers, pdfs=("paper-one", "paper-two", "removed"))
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert "papers[1].title (paper-two): expected" in err and err.count("publishes this PDF") == 1
    assert "papers/pdf/removed.pdf: warning: no paper or talk publishes this PDF" in err


@pytest.mark.parametrize("command", [["check"], ["build"], ["build", "--keep-going"]])
def test_a_missing_root_page_is_an_error_at_its_line_and_nothing_is_built(tmp_path, capsys, command):
    # Jupyter Book stopped with Sphinx's traceback ("unable to load the master document").
    root = write_project(tmp_path / "p")
    (root / "book" / "welcome.md").unlink()
    before = tree_state(root)
    assert main([*command, str(root)]) == 1
    err = capsys.readouterr().err
    line = _line_of(root, "root: book/welcome")
    assert f"_toc.yml:{line}: error: root: 'book/welcome' {MISSING.format(page='book/welcome')}" in err
    assert "Traceback" not in err and "Sphinx" not in err
    assert tree_state(root) == before  # not even _build/


def test_a_chapter_that_is_not_there_is_an_error_and_every_one_is_named(tmp_path, capsys):
    # Jupyter Book left such a page out of the book, with a warning among its own.
    root = write_project(tmp_path / "p")
    (root / "book" / "preface.md").unlink()
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text("utf-8").replace("      - file: book/preface\n",
                                                  "      - file: book/preface\n      - file: book/prefce.md\n"), "utf-8")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"_toc.yml:{_line_of(root, 'book/preface')}: error: file: 'book/preface' {MISSING.format(page='book/preface')}" in err
    assert f"_toc.yml:{_line_of(root, 'book/prefce.md')}: error: file: 'book/prefce.md' names no page" in err
    assert "2 error(s)" in err


def test_pages_the_build_writes_and_pages_given_with_their_suffix_are_pages(tmp_path, capsys):
    root = write_project(tmp_path / "p")
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text("utf-8").replace("      - file: book/preface\n", "      - file: book/preface.md\n"), "utf-8")
    assert "book/papers/index" in toc.read_text("utf-8")  # written by the build, not there before it
    assert main(["check", str(root)]) == 0
    assert "_toc.yml" not in capsys.readouterr().err


@pytest.mark.parametrize(("text", "expected"), [
    ("format: jb-book\nroot: [book/welcome\n", "_toc.yml:2: error: YAML syntax error, column 7: a [ list opened here is not closed"),
    ("format: jb-book\nchapters: []\n", "_toc.yml:1: error: root: names no root page"),
    ("format: jb-book\nroot: book/welcome\nchapters:\n  - file: book/preface\n    title: [1]\n",
     "_toc.yml:5: error: Jupyter Book cannot read it: doc validation @ '//chapters/0/': 'title' must be str (got [1] that is a "
     "list)"),  # at the key's line, not the entry's; Python's type names without <class ...>
    ("format: jb-book\nroot: book/welcome\noptions: 7\nchapters:\n  - file: book/preface\n",
     "_toc.yml:1: error: Jupyter Book cannot read it: TypeError: "),  # sphinx-external-toc's own, uncaught before
    (None, "_toc.yml: error: missing: the book's table of contents"),
    ("# nothing yet\n", "_toc.yml:1: error: is empty (`format: jb-book`"),
    ("- book/welcome\n", "_toc.yml:1: error: is not a table of contents"),
    ("format: jb-book\nroot: book/welcome\nchapters:\n\t- file: book/preface\n",
     "_toc.yml:4: error: YAML syntax error, column 1: found character that cannot start any token (a tab: YAML indents with "
     "spaces only)"),
])
def test_a_table_of_contents_that_cannot_be_read_is_an_error(tmp_path, capsys, text, expected):
    root = write_project(tmp_path / "p")
    if text is None:
        (root / "_toc.yml").unlink()
    else:
        (root / "_toc.yml").write_text(text, "utf-8")
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not (root / "_build").exists()


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("      - file: book/preface\n", "      - book/preface\n",
     "error: Jupyter Book cannot read it: entry not a mapping type @ '/parts/0/chapters/0'"),
    ("      - file: book/people/committee\n", "      - file: book/preface\n",
     "error: Jupyter Book cannot read it: document file used multiple times: 'book/preface'"),
    ("      - file: book/preface\n", "      - url: iclr.cc\n        title: ICLR\n",
     "error: Jupyter Book cannot read it: entry validation @ '/parts/0/chapters/0': 'url' must match"),
    ("format: jb-book\n", "", "(`format: jb-book` is missing)"),
    ("      - file: book/preface\n", "      - file: ./book/preface\n",
     "error: file: './book/preface': write it as 'book/preface', from the project's folder"),
    ("root: book/welcome", "root: welcome", "error: root: 'welcome' names no page"),
    ("      - file: book/people/authors\n", "      - file: book/people/author\n",
     "error: file: 'book/people/author' names no page the build writes for these inputs (did you mean 'book/people/authors'?)"),
    ("          - glob: book/tracks/*\n", "          - glob: book/tracks/*.md\n",
     "error: glob: 'book/tracks/*.md' matches no page (a glob names pages without their suffix: 'book/tracks/*')"),
    ("          - glob: book/tracks/*\n", "          - glob: book/track/*\n", "error: glob: 'book/track/*' matches no page"),
    ("          - glob: book/tracks/*\n", "          - glob: 5\n", "error: glob: 5: a glob is a text"),
    ("      - file: book/preface\n", "      - file: book/preface\n      - file: book/preface.md\n",
     "error: file: 'book/preface.md' is 'book/preface' of line"),
    ("      - file: book/preface\n", "      - url: javascript://%0Aalert(document.domain)\n        title: JS\n",
     "error: url: 'javascript://%0Aalert(document.domain)': the sidebar links only http://, https:// and mailto: addresses"),
    ("      - file: book/preface\n", "      - file: book/nope.md\n", "error: file: 'book/nope.md' names no page: there is no "
     "book/nope.md in the project"),
])
def test_a_table_of_contents_jupyter_book_refuses_is_an_error_at_its_line(tmp_path, capsys, old, new, expected):
    # Each ended the build in sphinx-external-toc's traceback, or (./book/preface) left the page out.
    root = write_project(tmp_path / "p")
    toc = root / "_toc.yml"
    text = toc.read_text("utf-8")
    assert old in text
    toc.write_text(text.replace(old, new, 1), "utf-8")
    line = next(number for number, content in enumerate(toc.read_text("utf-8").split("\n"), 1)
                if new.strip() and new.split("\n")[0].strip() in content) if new else 5
    assert main(["build", "--keep-going", str(root)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    if "multiple times" in expected or "of line" in expected:  # the second mention
        line = [number for number, content in enumerate(toc.read_text("utf-8").split("\n"), 1) if "book/preface" in content][-1]
    assert f"_toc.yml:{line}: " in err
    assert not (root / "_build").exists()


def test_a_page_outside_book_is_an_error_unless_the_book_is_configured_to_hold_it(tmp_path, capsys):
    root = write_project(tmp_path / "p")
    (root / "about.md").write_text("# About\n", "utf-8")
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text("utf-8").replace("      - file: book/preface\n", "      - file: book/preface\n      - file: about\n"))
    assert main(["check", str(root)]) == 1
    assert "error: file: 'about' is outside book/" in capsys.readouterr().err
    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace("  config:\n", '  config:\n    include_patterns: ["book/**", "about.md"]\n'),
                      "utf-8")
    assert main(["check", str(root)]) == 0
    assert "_toc.yml" not in capsys.readouterr().err


def test_a_control_character_in_a_yaml_file_is_an_error_at_its_line_not_a_traceback(tmp_path, capsys):
    # PyYAML's ReaderError ("unacceptable character #x000c") ended check and build in a traceback.
    root = write_project(tmp_path / "p")
    papers = root / "papers" / "accepted.yml"
    text = papers.read_text("utf-8")
    at = text.index("abstract:") + len("abstract: ")
    papers.write_text(text[:at] + "\x0c" + text[at:], "utf-8")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    line = text[:at].count("\n") + 1
    column = at - text.rfind("\n", 0, at)
    assert (f"papers/accepted.yml:{line}: error: column {column}: the control character U+000C cannot be in a YAML file"
            in err) and "Traceback" not in err


def test_every_page_the_build_writes_may_be_named_in_the_table_of_contents(tmp_path, capsys):
    # The check knows the generated pages by the records' ids and the listings' names; the build's
    # own pages (letter pages too, past a small index page limit) must all pass it.
    root = write_project(tmp_path / "p")
    assert main(["build", "--index-page-limit", "1", str(root)]) == 0
    toc = root / "_toc.yml"
    text = toc.read_text("utf-8")
    pages = sorted(path.relative_to(root).with_suffix("").as_posix() for folder in GENERATED_DIRS
                   for path in (root / "book" / folder).rglob("*.md"))
    assert "book/people/authors-m" in pages and "book/papers/paper-one" in pages  # letter pages and papers' own
    listed = [page for page in pages if f"file: {page}\n" not in text and not page.startswith("book/tracks/")]
    toc.write_text(text.replace("      - file: book/preface\n", "      - file: book/preface\n"
                                + "".join(f"      - file: {page}\n" for page in listed)), "utf-8")
    capsys.readouterr()
    assert main(["check", str(root)]) == 0
    assert "_toc.yml" not in capsys.readouterr().err


def test_include_patterns_are_checked_as_sphinx_reads_them(tmp_path, capsys):
    # `include_patterns: 7` stopped the build in our extension's traceback; patterns that leave out
    # the root page stopped it in Sphinx's ("unable to load the master document").
    root = write_project(tmp_path / "p")
    config = root / "_config.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("  config:\n", "  config:\n    include_patterns: 7\n"), "utf-8")
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err
    line = next(number for number, content in enumerate(config.read_text("utf-8").split("\n"), 1) if "include_patterns" in content)
    assert f"_config.yml:{line}: error: include_patterns: is a list of patterns" in err and "Traceback" not in err
    config.write_text(text.replace("  config:\n", '  config:\n    include_patterns: ["nothing/**"]\n'), "utf-8")
    assert main(["check", str(root)]) == 1
    assert ("error: root: 'book/welcome': book/welcome.md is not among the files _config.yml's include_patterns (nothing/**) "
            "let the book hold") in capsys.readouterr().err


def test_line_breaks_only_yaml_counts_do_not_move_the_lines_of_later_problems(tmp_path, capsys):
    # YAML breaks lines at U+0085, U+2028 and U+2029 (Word pastes them): every later line was off by one.
    root = write_project(tmp_path / "p")
    papers = root / "papers" / "accepted.yml"
    text = papers.read_text("utf-8").replace('title: "A Tiny Idea"', 'title: "A\u2028Tiny\u2029Idea\x85again"')
    papers.write_text(text + "- id: bad-track\n  title: T\n  authors: [A B]\n  track: nosuch\n", "utf-8")
    assert main(["check", str(root)]) == 1
    line = text.count("\n") + 4
    assert f"papers/accepted.yml:{line}: error: papers[2].track (bad-track): unknown track 'nosuch'" in capsys.readouterr().err


def test_every_control_character_is_named_and_deep_nesting_is_an_error_not_a_traceback(tmp_path, capsys):
    root = write_project(tmp_path / "p")
    papers = root / "papers" / "accepted.yml"
    text = papers.read_text("utf-8")
    papers.write_text(text.replace("abstract:", "abstract: \x0c", 1) + "# \x07\n", "utf-8")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert "U+000C cannot be in a YAML file" in err and f"papers/accepted.yml:{text.count(chr(10)) + 1}: error: column 3: " \
        "the control character U+0007" in err
    papers.write_text(text + "- id: deep\n  tldr: " + "[" * 300 + "]" * 300 + "\n", "utf-8")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert "papers/accepted.yml: error: its lists and mappings are nested too deeply to read" in err and "Traceback" not in err


def test_a_million_refused_characters_are_named_fifty_times_then_counted(tmp_path, capsys):
    # Each was named with its line counted from the file's start: quadratic in a hostile file.
    root = write_project(tmp_path / "p")
    papers = root / "papers" / "accepted.yml"
    papers.write_text(papers.read_text("utf-8") + "# " + "\x0c" * 1_000_000 + "\n", "utf-8")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.count("the control character U+000C") == 50
    assert "papers/accepted.yml: error: and 999,950 more such characters after line" in err


def test_a_key_jupyter_book_ignores_in_a_part_is_an_error_at_its_line(tmp_path, capsys):
    # `sections:` indented onto a part: sphinx-external-toc reads past it, and the track listings under
    # it left the sidebar, with only Sphinx's "document isn't included in any toctree" to say so.
    root = write_project(tmp_path / "p")
    toc = root / "_toc.yml"
    listed = toc.read_text("utf-8")
    text = listed.replace("        sections:\n          - glob: book/tracks/*\n", "") + "    sections:\n      - glob: book/tracks/*\n"
    toc.write_text(text, "utf-8")
    assert main(["check", str(root)]) == 1
    line = text.split("\n").index("    sections:") + 1
    assert (f"_toc.yml:{line}: error: sections: an entry of 'parts:' holds no 'sections': Jupyter Book ignores it, and the "
            "pages under it are not in the sidebar (its pages go under 'chapters:', a page's own under that page's entry)"
            ) in capsys.readouterr().err
    toc.write_text(listed.replace("  - caption: Program\n", "  - caption: Program\n    numbered: true\n"), "utf-8")
    assert main(["check", str(root)]) == 0  # a part's own options are not refused


def test_a_missing_hand_written_page_gets_the_page_it_may_be(tmp_path, capsys):
    root = write_project(tmp_path / "p")
    toc = root / "_toc.yml"
    listed = toc.read_text("utf-8")
    toc.write_text(listed.replace("book/preface", "book/prefac"), "utf-8")
    assert main(["check", str(root)]) == 1
    assert "book/people/, book/program/, book/talks/ (did you mean 'book/preface'?)" in capsys.readouterr().err
    # A file named on macOS has its accents decomposed: the name looks the same and is not.
    (root / "book" / "preface.md").rename(root / "book" / "pre\u0301face.md")
    toc.write_text(listed.replace("book/preface", "book/pr\u00e9face"), "utf-8")
    assert main(["check", str(root)]) == 1
    assert ("('book/pre\u0301face' looks the same but its accents are other characters, as macOS writes them: type its "
            "name again in the file's name or here)") in capsys.readouterr().err
    # The other way round: the entry typed on macOS, the file not; check read the entry normalized and
    # found the page, which Jupyter Book, reading it as written, left out of the sidebar.
    (root / "book" / "pre\u0301face.md").rename(root / "book" / "pr\u00e9face.md")
    toc.write_text(listed.replace("book/preface", "book/pre\u0301face"), "utf-8")
    assert main(["check", str(root)]) == 1
    assert ("('book/pr\u00e9face' looks the same but its accents are other characters, as macOS writes them: type its "
            "name again in the file's name or here)") in capsys.readouterr().err
    (root / "book" / "pr\u00e9face.md").rename(root / "book" / "pre\u0301face.md")  # both decomposed: the same name
    assert main(["check", str(root)]) == 0


def test_a_hand_written_page_no_entry_lists_is_a_warning_unless_it_says_it_is_an_orphan(tmp_path, capsys):
    # A trial's draft page, in book/ but not in _toc.yml: `check` said the inputs were valid, and the
    # build published it (the site, its search, the zip, gh-pages) with one line among Jupyter Book's.
    root = write_project(tmp_path / "p")
    draft = root / "book" / "draft-cfp.md"
    draft.write_text("# Draft call for papers\n\nNot yet.\n", "utf-8")
    (root / "book" / "venue").mkdir()
    (root / "book" / "venue" / "hotels.md").write_text("# Hotels\n", "utf-8")
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text("utf-8") + "  - caption: Venue\n    chapters:\n      - glob: book/venue/*\n", "utf-8")
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    assert ("book/draft-cfp.md: warning: no entry of _toc.yml lists it, yet it is published (and found by search), with "
            "no link in the sidebar: list it in _toc.yml; if your pages link to it, write `orphan: true` in its front "
            "matter; to keep it unpublished, move it out of book/") in err
    assert "hotels" not in err and "preface" not in err
    draft.write_text("---\norphan: true\n---\n# Draft call for papers\n", "utf-8")
    assert main(["check", str(root)]) == 0
    assert "draft-cfp" not in capsys.readouterr().err
    # A file's name, as a message's text, may not act on the terminal (this one would clear it)
    (root / "book" / "ev\x1b[2Jil.md").write_text("# Evil\n", "utf-8")
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    assert "book/ev\\x1b[2Jil.md: warning: no entry of _toc.yml lists it" in err and "\x1b" not in err
    (root / "book" / "ev\x1b[2Jil.md").unlink()
    # MyST drops front matter that is not YAML, and its orphan: with it (Sphinx then warns as check does)
    draft.write_text("---\norphan: true\ntags: [a, b\n---\n# Draft call for papers\n", "utf-8")
    assert main(["check", str(root)]) == 0
    assert "book/draft-cfp.md: warning: no entry of _toc.yml lists it" in capsys.readouterr().err


def test_a_hand_written_link_to_a_page_the_build_no_longer_writes_is_a_warning_at_its_line(tmp_path, capsys):
    # A trial linked a paper from a page of its own, then removed the paper: `check` said the inputs
    # were valid, and the page linked to "#papers/paper9.md", with a line among Jupyter Book's only.
    root = write_project(tmp_path / "p")
    (root / "book" / "highlights.md").write_text(
        "---\norphan: true\n---\n# Highlights\n\nThe best: [](papers/paper-one.md) and\n[its sequel](papers/paper-nine.md#abstract),"
        " {doc}`the tiny one <papers/paper-two>`,\n{doc}`/book/tracks/poster`, [the track](tracks/full.md),"
        " [OpenReview](https://openreview.net/papers/x.md).\n\n```\n[](papers/in-code.md)\n```\n", "utf-8")
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    assert ("book/highlights.md:7: warning: links to 'papers/paper-nine.md#abstract', a page the build does not write for "
            "these inputs (a paper, track or talk removed?): the link leads nowhere (did you mean 'papers/paper-one'?)") in err
    assert "book/highlights.md:8: warning: links to '/book/tracks/poster'" in err
    assert err.count("book/highlights.md") == 2


def test_the_build_says_once_that_a_hand_written_link_leads_nowhere(tmp_path, capsys):
    """A second trial: Jupyter Book's "unknown document" came beside the build's own warning, and the
    suggestion named the page from the project's folder (book/papers/...), not from the link's."""
    root = write_project(tmp_path / "p")
    (root / "book" / "preface.md").write_text("# Preface\n\nSee {doc}`papers/paper-gone`.\n", "utf-8")
    assert main(["build", str(root)]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith("book/preface.md")]
    assert said == ["book/preface.md:3: warning: links to 'papers/paper-gone', a page the build does not write for these "
                    "inputs (a paper, track or talk removed?): the link leads nowhere (did you mean 'papers/paper-one'?)"]


def test_a_sphinx_extension_that_is_not_installed_is_an_error_at_its_line_before_the_build(tmp_path, capsys):
    # check said the inputs were valid; the build then ended in Jupyter Book's 75-line traceback
    # ("No module named ..."), without the setting's line (a trial's finding).
    root = write_project(tmp_path / "p")
    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace(
        "    - proceedings.sphinxext\n",
        "    - proceedings.sphinxext\n    - sphinx_no_such_extension\n    - sphinx.ext.no_such\n    - sphinx.ext.mathjax\n"
        "    - .relative\n"), "utf-8")
    lines = config.read_text("utf-8").split("\n")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    for name in ("sphinx_no_such_extension", "sphinx.ext.no_such", ".relative"):
        assert (f"_config.yml:{lines.index(f'    - {name}') + 1}: error: sphinx.extra_extensions: {name!r} is no Python "
                "module installed here, so Jupyter Book would stop at it: install the package that provides it (into this "
                "environment) or remove it from the list") in err.splitlines()
    assert "mathjax" not in err and "proceedings.sphinxext" not in err
    assert main(["build", str(root)]) == 1 and not (root / "_build" / "html").exists()
    assert "Traceback" not in capsys.readouterr().err


def test_a_myst_extension_myst_does_not_know_is_an_error_at_its_line(tmp_path, capsys):
    # MyST refused the whole list for a typo, with one line in Jupyter Book's log: every page lost its
    # colon fences (admonitions shown as typed) while check said the inputs were valid (a trial's finding).
    root = write_project(tmp_path / "p")
    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace("    - dollarmath\n", "    - dollarmath\n    - deflistt\n"), "utf-8")
    line = config.read_text("utf-8").split("\n").index("    - deflistt") + 1
    assert main(["check", str(root)]) == 1
    assert (f"_config.yml:{line}: error: parse.myst_enable_extensions: 'deflistt' is no MyST extension (did you mean "
            "'deflist'?): MyST then enables none of the list on any page (its colon fences and dollar math show as typed)"
            ) in capsys.readouterr().err.splitlines()
    # An item that is no name is no extension either (it stopped check with a TypeError)
    config.write_text(config.read_text("utf-8").replace("    - deflistt\n", "    - {deflist: 1}\n"), "utf-8")
    assert main(["check", str(root)]) == 1
    key = config.read_text("utf-8").split("\n").index("  myst_enable_extensions:") + 1  # the item's own line is not found
    assert f"_config.yml:{key}: error: parse.myst_enable_extensions: {{'deflist': 1}} is no MyST extension" \
        in capsys.readouterr().err


@pytest.mark.parametrize("command", [["check"], ["build"], ["build", "--keep-going"]])
def test_a_notebook_jupyter_book_cannot_read_is_an_error_at_its_line(tmp_path, capsys, command):
    # A trial's notebook cut short stopped Jupyter Book with Sphinx's "Exception occurred" and
    # "0 error(s)"; `check` said the inputs were valid.
    import json

    root = write_project(tmp_path / "p")
    notebook = json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Fine"}], "metadata": {},
                           "nbformat": 4, "nbformat_minor": 5}, indent=1)
    (root / "book" / "fine.ipynb").write_text(notebook, "utf-8")
    (root / "book" / "cut.ipynb").write_text(notebook[:60], "utf-8")
    (root / "book" / "list.ipynb").write_text("[1, 2]", "utf-8")
    (root / "book" / "text.ipynb").write_text("Some notes, not a notebook.\n", "utf-8")
    (root / "book" / "deep.ipynb").write_text("[" * 100_000, "utf-8")  # hostile: Python's stack, not JSON's limit
    # What nbformat reads but MyST-NB or sphinx-thebe stop at (a re-trial's): a cell of no kind, a kernel named by a number.
    parsed = json.loads(notebook)
    (root / "book" / "nokind.ipynb").write_text(json.dumps({**parsed, "cells": [{"metadata": {}, "source": "x"}]}), "utf-8")
    (root / "book" / "number.ipynb").write_text(json.dumps({**parsed, "metadata": {"kernelspec": {"name": 123}}}), "utf-8")
    before = tree_state(root)
    assert main([*command, str(root)]) == 1
    err = capsys.readouterr().err
    line = notebook[:60].count("\n") + 1
    assert f"book/cut.ipynb:{line}: error: not a notebook Jupyter Book can read: its JSON breaks off at column" in err
    assert "book/list.ipynb: error: not a notebook Jupyter Book can read (" in err
    assert "book/deep.ipynb: error: not a notebook Jupyter Book can read: its JSON is nested too deeply" in err
    assert "book/text.ipynb:1: error: not a notebook Jupyter Book can read: it holds no JSON, as Jupyter saves a notebook" in err
    assert "book/nokind.ipynb: error: not a notebook Jupyter Book can read: cell 1 is of no kind it knows" in err
    assert "book/number.ipynb: error: its kernel's name (metadata.kernelspec.name) is not text" in err
    assert "fine.ipynb: error" not in err and "Traceback" not in err and "Warning" not in err and "6 error(s)" in err
    assert tree_state(root) == before


@pytest.mark.parametrize("mode, outputs, refused", [("cache", True, True), ("force", True, True), ("auto", False, True),
                                                    ("inline", True, True), ("auto", True, False), ("off", False, False),
                                                    ("force\n  exclude_patterns: ['*/run.ipynb']", True, False)])
def test_a_notebook_the_build_runs_with_a_kernel_not_installed_is_an_error(tmp_path, capsys, mode, outputs, refused):
    # A trial's notebook naming the kernel "myenv" stopped Jupyter Book with NoSuchKernel and "0 error(s)".
    import json

    root = write_project(tmp_path / "p")
    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace('execute_notebooks: "off"', f'execute_notebooks: {mode}'), "utf-8")
    cell = {"cell_type": "code", "metadata": {}, "source": "1", "execution_count": 1 if outputs else None,
            "outputs": [{"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}, "execution_count": 1}]
            if outputs else []}
    spec = {"kernelspec": {"name": "myenv", "display_name": "My env", "language": "python"}}
    (root / "book" / "run.ipynb").write_text(json.dumps({"cells": [cell], "metadata": spec, "nbformat": 4,
                                                         "nbformat_minor": 5}), "utf-8")
    status = main(["check", str(root)])
    err = capsys.readouterr().err
    message = f"book/run.ipynb: error: metadata.kernelspec.name: the build runs it (execute_notebooks: {mode}) with the kernel 'myenv'"
    assert (message in err and status == 1 and "python3" in err) if refused else ("not installed" not in err and status == 0)
