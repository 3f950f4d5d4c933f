"""Jupyter Book's messages read as diagnostics: what Sphinx's warning stream may hold that is no
ordinary message (the builds of tests/test_build.py read the ordinary ones)."""

from __future__ import annotations

from proceedings.model.locations import Project
from proceedings.site.jupyter_book import _warning_diagnostics


def _read(tmp_path, said: str) -> list[str]:
    (tmp_path / "book").mkdir(exist_ok=True)
    (tmp_path / "book" / "page.md").write_text("# Page\n", "utf-8")
    return [str(d) for d in _warning_diagnostics(said, Project(tmp_path), tmp_path / "warnings.log").items]


def test_a_place_that_is_no_file_is_no_place_however_it_is_written(tmp_path):
    # A name too long for the system, or holding a NUL, made Path.is_file raise instead of saying no.
    [long] = _read(tmp_path, "/" + "a" * 100_000 + ": WARNING: long\n")
    assert long.startswith("warnings.log: warning: Jupyter Book: /aaa") and long.endswith("aaa: WARNING: long")
    assert " [... 100,030 characters ...] " in long
    assert _read(tmp_path, f"{tmp_path}/book/\x00.md:3: WARNING: nul\n") == [
        "warnings.log: warning: Jupyter Book: book/\\x00.md:3: WARNING: nul"]
    assert _read(tmp_path, "/: WARNING: root\n") == ["warnings.log: warning: Jupyter Book: /: WARNING: root"]
    assert _read(tmp_path, f"{tmp_path}/book/page.md:²: WARNING: not a line\n") == [
        "book/page.md: warning: Jupyter Book: not a line"]


def test_a_long_message_of_many_lines_is_read_in_linear_time(tmp_path):
    # Each line joined onto a growing message, or each "LEVEL: " tried as a file's end, took quadratic time.
    lines = _read(tmp_path, f"{tmp_path}/book/page.md:1: WARNING: start\n" + "more text\n" * 300_000)
    assert len(lines) == 1 and lines[0].startswith("book/page.md:1: warning: Jupyter Book: start more text more")
    assert len(_read(tmp_path, "x: WARNING: " * 200_000)) == 1
