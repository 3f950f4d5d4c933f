"""`proceedings serve` watching the project: what it looks at, when it builds again, what the
preview's pages are sent, and the command itself as an organizer runs it."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from proceedings.model.locations import Project
from proceedings.site import watch as watching
from proceedings.site.serve import SITE_VERSION, SiteHandler, WatchedSiteHandler, with_reload_script
from proceedings.site.watch import changed_files, watch, watched_files

from conftest import write_project
from watched import WATCHING, get, serving


def test_the_watched_files_are_the_organizer_s_not_the_generated_pages_nor_the_build_s(project):
    root = Project(project)
    (project / "book" / "papers").mkdir()
    (project / "book" / "papers" / "paper-one.md").write_text("generated", "utf-8")
    (project / "book" / "extra").mkdir()
    (project / "book" / "extra" / "notes.md").write_text("# Notes\n", "utf-8")
    (project / "logo.png").write_bytes(b"png")
    (project / ".hidden").write_text("not the organizer's to edit for the site", "utf-8")
    (project / "_build").mkdir()
    (project / "_build" / "out.html").write_text("built", "utf-8")
    files = watched_files(root)
    assert {"papers/workshop.yml", "papers/accepted.yml", "papers/pdf/paper-one.pdf", "papers/pdf/paper-two.pdf", "book/welcome.md",
            "book/preface.md", "book/extra/notes.md", "_config.yml", "_toc.yml", "logo.png"} == set(files)
    assert files["logo.png"] == [3, (project / "logo.png").stat().st_mtime_ns]


def test_the_changed_files_are_those_added_removed_or_changed():
    assert changed_files({"a": [1, 1], "b": [1, 1], "c": [1, 1]}, {"a": [1, 1], "b": [2, 1], "d": [1, 1]}) == ["b", "c", "d"]


def _builds(project: Path, during: list[Callable[[], None]], look: float = 0.05) -> list[float]:
    """The times ``watch`` called its build, which runs ``during[n]`` as its n-th call (if any) and is
    interrupted (Ctrl-C) at the call after the last."""
    calls: list[float] = []

    def build() -> None:
        calls.append(time.monotonic())
        if len(calls) > len(during):
            raise KeyboardInterrupt
        during[len(calls) - 1]()
    with pytest.raises(KeyboardInterrupt):  # raised during a build: it is the command's to report
        watch(Project(project), build, look=look)
    return calls


def test_a_change_made_while_a_build_runs_is_built_next(project, capsys):
    # The build read the file before the edit: comparing with the files after it would miss it.
    accepted = project / "papers" / "accepted.yml"
    calls = _builds(project, [lambda: accepted.write_text(accepted.read_text("utf-8") + "\n", "utf-8")])
    assert len(calls) == 2
    assert "papers/accepted.yml changed: building again." in capsys.readouterr().out


def test_a_build_waits_until_the_files_stay_the_same(project, capsys):
    # A sync client copying a PDF in, an editor saving twice: one build, once the file has settled.
    pdf = project / "papers" / "pdf" / "paper-one.pdf"
    settled: list[float] = []

    def copy_in_steps() -> None:
        def steps() -> None:
            for size in range(1, 6):
                time.sleep(0.02)
                pdf.write_bytes(b"%PDF" * size)
            settled.append(time.monotonic())
        threading.Thread(target=steps).start()
    calls = _builds(project, [copy_in_steps], look=0.3)
    assert len(calls) == 2 and calls[1] - settled[0] >= 0.3
    assert capsys.readouterr().out.count("changed: building again.") == 1


def test_the_announcement_names_three_changed_files_and_counts_the_rest(project, capsys):
    def add_pdfs() -> None:
        for number in range(5):
            (project / "papers" / "pdf" / f"new-{number}.pdf").write_bytes(b"%PDF")
    _builds(project, [add_pdfs])
    assert ("papers/pdf/new-0.pdf, papers/pdf/new-1.pdf, papers/pdf/new-2.pdf and 2 more file(s) changed: "
            "building again.") in capsys.readouterr().out


def test_ctrl_c_while_waiting_for_a_change_ends_the_watch_quietly(project, monkeypatch):
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(watching.time, "sleep", interrupted)
    calls: list[int] = []
    watch(Project(project), lambda: calls.append(1), look=0.05)
    assert calls == [1]


@contextmanager
def _server(folder: Path, handler: type[SiteHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_watched_preview_s_pages_carry_the_reload_script_and_its_site_is_named(tmp_path):
    snapshot = tmp_path / "sites" / "site-123"
    snapshot.mkdir(parents=True)
    page = b"<!DOCTYPE html><html><body><p>A page</p></body></html>"
    (snapshot / "page.html").write_bytes(page)
    (snapshot / "404.html").write_bytes(b"<html><body>Not found</body></html>")
    (snapshot / "style.css").write_bytes(b"p { color: red }")
    (tmp_path / "html").symlink_to(snapshot)
    with _server(tmp_path / "html", WatchedSiteHandler) as address:
        for gzipped in (False, True):
            assert get(f"{address}/page.html", gzipped) == (200, with_reload_script(page))
        assert with_reload_script(page).endswith(b"</script></body></html>")
        assert get(f"{address}/style.css") == (200, b"p { color: red }")
        status, body = get(f"{address}/gone.html")
        assert status == 404 and SITE_VERSION.encode() in body
        assert get(f"{address}{SITE_VERSION}") == (200, b"site-123")
    with _server(tmp_path / "html", SiteHandler) as address:  # `serve --no-watch`, and the published site
        assert get(f"{address}/page.html") == (200, page)
        assert get(f"{address}{SITE_VERSION}")[0] == 404


def test_serve_builds_then_builds_each_edit_and_keeps_the_last_good_site_through_an_error(tmp_path):
    root = write_project(tmp_path / "project")
    accepted = root / "papers" / "accepted.yml"
    text = accepted.read_text("utf-8")
    with serving(root) as served:
        served.wait_for(WATCHING)
        first = served.site()
        assert first.startswith(b"site-") and get(f"{served.address}/book/papers/paper-one.html")[0] == 200

        accepted.write_text(text.replace("A second paragraph.", "Quokkas are watched."), "utf-8")
        served.wait_for(WATCHING, 2)
        assert "papers/accepted.yml changed: building again.\n" in served.lines
        assert b"Quokkas are watched." in get(f"{served.address}/book/papers/paper-one.html")[1]
        second = served.site()
        assert second != first

        accepted.write_text(text.replace("  track: tiny\n", "  track: [tiny\n"), "utf-8")  # YAML cut short
        served.wait_for(WATCHING, 3)
        assert re.search(r"^papers/accepted\.yml:\d+: error: YAML syntax error", "".join(served.lines), re.MULTILINE)
        assert served.site() == second  # the last good site is still served
        assert b"Quokkas are watched." in get(f"{served.address}/book/papers/paper-one.html")[1]

        accepted.write_text(text, "utf-8")
        served.wait_for(WATCHING, 4)
        assert served.site() not in (first, second)
        assert b"Quokkas" not in get(f"{served.address}/book/papers/paper-one.html")[1]
        assert served.stop() == 0  # Ctrl-C while it waits
    assert "Interrupted" not in "".join(served.lines)


def test_serve_on_a_project_with_errors_serves_nothing_yet_and_builds_once_they_are_fixed(tmp_path):
    root = write_project(tmp_path / "project")
    accepted = root / "papers" / "accepted.yml"
    text = accepted.read_text("utf-8")
    accepted.write_text(text.replace("id: paper-two", "id: paper-one"), "utf-8")
    with serving(root) as served:
        served.wait_for(WATCHING)
        assert "Nothing was written: fix the errors above and build again.\n" in served.lines
        assert get(f"{served.address}/index.html")[0] == 404
        accepted.write_text(text, "utf-8")
        served.wait_for(WATCHING, 2)
        assert get(f"{served.address}/book/papers/paper-two.html")[0] == 200
        assert served.stop() == 0


def test_serve_no_watch_serves_the_built_site_as_it_is(tmp_path):
    root = write_project(tmp_path / "project")
    served = subprocess.run([sys.executable, "-m", "proceedings", "serve", str(root), "--no-watch", "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert served.returncode == 1 and "No site in" in served.stderr and "proceedings build" in served.stderr
    assert not (root / "_build").exists()


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX")
def test_ctrl_c_during_a_watched_build_reports_it_as_the_build_does(tmp_path):
    root = write_project(tmp_path / "project")
    with serving(root) as served:
        served.wait_for("  load ")  # the first build has begun
        assert served.stop() == 130
    assert "Interrupted." in "".join(served.lines)
