"""The checks of the book beside papers/: its table of contents, as `check` and `build` report it."""

from __future__ import annotations

from pathlib import Path

import pytest

from proceedings.cli import main

from conftest import tree_state, write_project

MISSING = "names no page: there is no {page}.md (nor .ipynb, .rst) in the project"


def _toc_lines(root: Path) -> list[str]:
    return (root / "_toc.yml").read_text("utf-8").split("\n")


def _line_of(root: Path, text: str) -> int:
    return next(number for number, line in enumerate(_toc_lines(root), 1) if text in line)


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
    (root / "notes.md").write_text("# Notes\n", "utf-8")
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text("utf-8").replace("      - file: book/preface\n",
                                                  "      - file: book/preface.md\n      - file: notes\n"), "utf-8")
    assert "book/papers/index" in toc.read_text("utf-8")  # written by the build, not there before it
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    assert f"_toc.yml:{_line_of(root, 'file: notes')}: warning: file: 'notes' is outside book/" in err
    assert "_toc.yml" not in err.replace(f"_toc.yml:{_line_of(root, 'file: notes')}: warning", "")


@pytest.mark.parametrize(("text", "expected"), [
    ("format: jb-book\nroot: [book/welcome\n", "_toc.yml:2: error: YAML syntax error, column 7: a [ list opened here is not closed"),
    ("format: jb-book\nchapters: []\n", "_toc.yml:1: error: root: names no root page"),
    (None, "_toc.yml: error: missing: the book's table of contents"),
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
