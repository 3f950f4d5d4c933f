"""`proceedings serve` watching the project: what it looks at, when it builds again, what the
preview's pages are sent, and the command itself as an organizer runs it."""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import shlex
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from proceedings.model.locations import Project
from proceedings.site import watch as watching
from proceedings.site.serve import NO_SITE_YET, SITE_VERSION, SiteHandler, WatchedSiteHandler, with_reload_script
from proceedings.site.stamp import root_files
from proceedings.site.watch import watch, watched_files
from proceedings.util.files import changed_names

from conftest import edit_while_jupyter_book_runs, write_project
from watched import WATCHING, get, serving


def test_the_watched_files_are_the_organizer_s_not_the_generated_pages_nor_the_build_s(project):
    root = Project(project)
    (project / "book" / "papers").mkdir()
    (project / "book" / "papers" / "paper-one.md").write_text("generated", "utf-8")
    (project / "book" / "extra").mkdir()
    (project / "book" / "extra" / "notes.md").write_text("# Notes\n", "utf-8")
    (project / "logo.png").write_bytes(b"png")
    (project / "_config.yml").write_text((project / "_config.yml").read_text("utf-8").replace('logo: ""', "logo: logo.png"), "utf-8")
    (project / ".hidden").write_text("not the organizer's to edit for the site", "utf-8")
    (project / "_build").mkdir()
    (project / "_build" / "out.html").write_text("built", "utf-8")
    files = watched_files(root)
    assert {"papers/workshop.yml", "papers/accepted.yml", "papers/pdf/paper-one.pdf", "papers/pdf/paper-two.pdf", "book/welcome.md",
            "book/preface.md", "book/extra/notes.md", "_config.yml", "_toc.yml", "logo.png"} == set(files)
    assert files["logo.png"] == [3, (project / "logo.png").stat().st_mtime_ns]


def test_the_changed_files_are_those_added_removed_or_changed():
    assert changed_names({"a": [1, 1], "b": [1, 1], "c": [1, 1]}, {"a": [1, 1], "b": [2, 1], "d": [1, 1]}) == ["b", "c", "d"]


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
    # A sync client copying a PDF in, an editor saving twice: one build, once the file has stayed the
    # same for the look's length since it was last written.
    pdf = project / "papers" / "pdf" / "paper-one.pdf"
    settled: list[tuple[float, float]] = []

    def copy_in_steps() -> None:
        def steps() -> None:
            for size in range(1, 6):
                time.sleep(0.02)
                pdf.write_bytes(b"%PDF" * size)
            settled.append((time.monotonic(), time.time() - pdf.stat().st_mtime_ns / 1e9))
        threading.Thread(target=steps).start()
    calls = _builds(project, [copy_in_steps], look=0.3)
    seen, since_written = settled[0]
    assert len(calls) == 2 and calls[1] - seen + since_written >= 0.3 - 1e-3
    assert capsys.readouterr().out.count("changed: building again.") == 1


def test_a_change_settles_a_look_after_its_file_was_written_not_after_it_was_seen(project):
    accepted = project / "papers" / "accepted.yml"
    seen = watched_files(Project(project))

    def left() -> float:
        return watching._left_to_settle(seen, watched_files(Project(project)), 1.0)
    accepted.write_text(accepted.read_text("utf-8") + "\n", "utf-8")
    assert 0.5 < left() <= 1.0
    # Copied with its times kept, or renamed into place whole: seen once more, then built.
    os.utime(accepted, (time.time() - 3600,) * 2)
    assert left() == watching.CONFIRM_SECONDS
    # No time to count from: a time to come (a clock elsewhere), a file gone, nothing changed.
    os.utime(accepted, (time.time() + 3600,) * 2)
    assert left() == 1.0
    os.utime(accepted, (time.time() - 3600,) * 2)
    (project / "papers" / "pdf" / "paper-one.pdf").unlink()
    assert left() == 1.0
    assert watching._left_to_settle(seen, seen, 1.0) == 1.0


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


def test_a_page_gone_as_it_is_sent_is_not_found_without_a_traceback(tmp_path, monkeypatch, capsys):
    # A snapshot switched (or a site removed) between finding a page and reading it printed the
    # server thread's traceback in the terminal running serve.
    from proceedings.site import serve

    (tmp_path / "page.html").write_bytes(b"<html><body>A page</body></html>")
    (tmp_path / "404.html").write_bytes(b"<html><body>Not found</body></html>")

    def gone(path: str, *args) -> bytes:
        raise FileNotFoundError(path)
    monkeypatch.setattr(serve, "_sent_bytes", gone)
    with _server(tmp_path, WatchedSiteHandler) as address:
        status, body = get(f"{address}/page.html", gzipped=True)
    assert status == 404 and b"Not found" in body
    assert "Traceback" not in capsys.readouterr().err


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
            assert get(f"{address}/page.html", gzipped) == (200, with_reload_script(page, "site-123"))
        assert with_reload_script(page, "site-123").endswith(b"</script></body></html>")
        assert b'const shown = "site-123"' in with_reload_script(page, "site-123")  # the site the page came from
        assert get(f"{address}/style.css") == (200, b"p { color: red }")
        assert get(f"{address}/gone.html") == (404, with_reload_script(b"<html><body>Not found</body></html>", "site-123"))
        assert get(f"{address}{SITE_VERSION}") == (200, b"site-123")
        # The next snapshot keeps an unchanged page as the same file (a hard link, its time too): it is
        # sent with the new snapshot's name, or it would reload itself again and again.
        (tmp_path / "sites" / "site-456").mkdir()
        os.link(snapshot / "page.html", tmp_path / "sites" / "site-456" / "page.html")
        (tmp_path / "html").unlink()
        (tmp_path / "html").symlink_to(tmp_path / "sites" / "site-456")
        assert get(f"{address}/page.html") == (200, with_reload_script(page, "site-456"))
        # No site at all (before the first build, or after `rm -rf _build`): a page that says so, and
        # reloads itself once there is one.
        (tmp_path / "html").unlink()
        status, body = get(f"{address}/page.html")
        assert status == 404 and body == with_reload_script(NO_SITE_YET, "") and b"No site to show yet" in body
        assert get(f"{address}{SITE_VERSION}") == (200, b"")
    (tmp_path / "html").symlink_to(snapshot)
    with _server(tmp_path / "html", SiteHandler) as address:  # `serve --no-watch`, and the published site
        assert get(f"{address}/page.html") == (200, page)
        assert get(f"{address}{SITE_VERSION}")[0] == 404


def _revalidated(address: str, tag: str | None = None) -> tuple[int, str | None, bytes]:
    """The status, ETag and body of a GET of ``address`` accepting gzip, by a browser holding ``tag``."""
    request = urllib.request.Request(address, headers={"Accept-Encoding": "gzip", **({"If-None-Match": tag} if tag else {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers.get("ETag"), response.read()
    except urllib.error.HTTPError as error:  # a 304 is no error, but urllib says so
        return error.code, error.headers.get("ETag"), error.read()


def test_a_page_or_style_sheet_a_browser_holds_is_not_sent_again_until_it_or_the_published_site_changes(tmp_path):
    """A new user's trial: every reload after an edit fetched each page and style sheet whole, in
    every tab open (no validator on what the preview compresses or gives the reload script)."""
    snapshot = tmp_path / "sites" / "site-123"
    snapshot.mkdir(parents=True)
    (snapshot / "page.html").write_bytes(b"<!DOCTYPE html><html><body><p>A page</p></body></html>")
    (snapshot / "style.css").write_bytes(b"p { color: red }")
    (tmp_path / "html").symlink_to(snapshot)
    with _server(tmp_path / "html", WatchedSiteHandler) as address:
        status, page_tag, body = _revalidated(f"{address}/page.html")
        assert status == 200 and page_tag and body
        status, style_tag, _ = _revalidated(f"{address}/style.css")
        assert status == 200 and style_tag and style_tag != page_tag
        assert _revalidated(f"{address}/page.html", page_tag) == (304, page_tag, b"")
        assert _revalidated(f"{address}/style.css", f'W/"other", {style_tag}') == (304, style_tag, b"")
        # Another snapshot, the same files in it (hard links, their times too): the page names the new
        # snapshot in its reload script and comes again; the style sheet does not.
        (tmp_path / "sites" / "site-456").mkdir()
        for name in ("page.html", "style.css"):
            os.link(snapshot / name, tmp_path / "sites" / "site-456" / name)
        (tmp_path / "html").unlink()
        (tmp_path / "html").symlink_to(tmp_path / "sites" / "site-456")
        status, new_tag, body = _revalidated(f"{address}/page.html", page_tag)
        assert status == 200 and new_tag != page_tag and b"site-456" in gzip.decompress(body)
        assert _revalidated(f"{address}/style.css", style_tag)[0] == 304
        (tmp_path / "sites" / "site-456" / "style.css").write_bytes(b"p { color: blue }")  # changed
        assert _revalidated(f"{address}/style.css", style_tag)[0] == 200


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
        assert "Nothing was written: fix the errors above: the site is built again once you save the fix.\n" in served.lines
        assert get(f"{served.address}/index.html") == (404, with_reload_script(NO_SITE_YET, ""))
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


def test_editors_files_are_not_watched(project):
    # Each started a build that found nothing to do, and printed every warning again (a trial's finding).
    root = Project(project)
    before = watched_files(root)
    for name in ("papers/.accepted.yml.swp", "papers/.accepted.yml.swx", "papers/#accepted.yml#", "papers/.#accepted.yml",
                 "papers/accepted.yml~", "papers/4913", "papers/.~lock.accepted.csv#", "book/welcome.md.kate-swp",
                 ".preface.md.swp", "_toc.yml~", "papers/~$accepted.xlsx", "papers/.goutputstream-7QX2Z1",
                 "papers/pdf/.DS_Store", "papers/pdf/Thumbs.db", "book/desktop.ini", "desktop.ini"):
        (project / name).write_text("editing", "utf-8")
    assert watched_files(root) == before
    (project / "papers" / "notes~.yml").write_text("a file of the organizer's", "utf-8")
    assert changed_names(before, watched_files(root)) == ["papers/notes~.yml"]


def test_the_announcement_writes_a_name_s_control_characters_as_escapes(project, capsys):
    # A file named with an escape sequence or a line break acted on the terminal, or forged a line.
    def add() -> None:
        (project / "papers" / "evil\x1b[2J\n0 error(s).pdf").write_bytes(b"%PDF")
    _builds(project, [add])
    assert "papers/evil\\x1b[2J\\n0 error(s).pdf changed: building again.\n" in capsys.readouterr().out


def test_a_published_site_that_goes_is_built_again(project, capsys):
    # `rm -rf _build` while serving: the open pages showed an error, and nothing was built again.
    site = Project(project).html

    def publish_then_remove() -> None:
        site.mkdir(parents=True)
        threading.Timer(0.3, site.rmdir).start()  # once the watch waits
    _builds(project, [publish_then_remove])
    assert capsys.readouterr().out.count("_build/html changed: building again.") == 1


def test_a_site_removed_with_its_build_folder_is_built_once_the_removal_has_ended(project, capsys):
    # A trial's `rm -rf _build` at 300 papers: the build began once the site had gone, failed on a
    # cache file removed under it, and nothing was built again once the removal had ended.
    build = Project(project).build
    removed: list[float] = []

    def remove_slowly() -> None:
        (build / "html").unlink()
        for file in sorted(build.rglob("cache-*")):
            time.sleep(0.01)  # a removal under way: it changes the folder more often than the watch looks
            file.unlink()
        removed.append(time.monotonic())

    def publish_then_remove() -> None:
        (build / "sites" / "site-1").mkdir(parents=True)
        for number in range(12):
            (build / "sites" / "site-1" / f"cache-{number}").write_text("cached", "utf-8")
        (build / "html").symlink_to(build / "sites" / "site-1")
        threading.Timer(0.2, remove_slowly).start()  # once the watch waits
    calls = _builds(project, [publish_then_remove], look=0.05)
    assert len(calls) == 2 and removed and calls[1] >= removed[0]
    assert capsys.readouterr().out.count("_build/html changed: building again.") == 1


def test_beside_the_settings_only_the_files_they_name_are_inputs(project):
    # `proceedings serve > serve.log` in the project: the log changed while each build ran, which was
    # then not published, and built again, forever (a trial's finding); `build | tee out.txt` so too,
    # and publish refused after `build > out.txt`.
    for name in ("notes.log", "serve.out", "out.txt", "notes.md"):
        (project / name).write_text("the organizer's", "utf-8")
    (project / "images").mkdir()
    (project / "images" / "logo.png").write_bytes(b"png")
    (project / "_static").mkdir()  # Jupyter Book publishes it unasked
    (project / "_static" / "custom.css").write_text("p {}", "utf-8")
    (project / "extra").mkdir()
    (project / "extra" / "style.css").write_text("p {}", "utf-8")
    config = project / "_config.yml"
    config.write_text(config.read_text("utf-8").replace('logo: ""', "logo: images/logo.png") +
                      "more: &static [extra, ., ../outside, papers, _build, /etc/passwd]\nagain: [*static, *static]\n"
                      f"footer: '{'<b>long</b>' * 100}'\ndeep: '{'a/' * 3000}'\nnul: \"a\\0b\"\n", "utf-8")
    expected = {"_config.yml", "_toc.yml", "images/logo.png", "_static/custom.css", "extra/style.css"}
    files = watched_files(Project(project))
    assert {name for name in files if not name.startswith(("papers/", "book/"))} == expected
    assert set(root_files(Project(project))) == expected


def test_a_build_with_its_output_in_a_file_beside_the_settings_is_published(tmp_path):
    root = write_project(tmp_path / "project")
    with (root / "build.log").open("w") as log:
        assert subprocess.run([sys.executable, "-m", "proceedings", "build", "-v", str(root)],
                              stdout=log, stderr=subprocess.STDOUT).returncode == 0
    assert "Built in" in (root / "build.log").read_text("utf-8")
    assert (root / "_build" / "html" / "index.html").is_file()
    (root / "book" / "preface.md").write_text("# Preface\n\nTeed.\n", "utf-8")
    teed = subprocess.run(["bash", "-c", f"set -o pipefail; {shlex.quote(sys.executable)} -m proceedings build "
                           f"{shlex.quote(str(root))} 2>&1 | tee {shlex.quote(str(root / 'out.txt'))}"],
                          capture_output=True, text=True, timeout=300)
    assert teed.returncode == 0 and "Built in" in (root / "out.txt").read_text("utf-8"), teed.stdout
    assert "Teed." in (root / "_build" / "html" / "book" / "preface.html").read_text("utf-8")


@pytest.mark.parametrize(("arguments", "said"), [
    (["/no/such/folder"], "no papers/ folder here; is this a proceedings project?"),
    (["--port", "99999"], "argument --port: expected a port number from 0 to 65535, got '99999'"),
    (["--port", "-1"], "argument --port: expected a port number from 0 to 65535, got '-1'"),
    # They were accepted, and did nothing.
    (["--no-watch", "--keep-going"], "serve --no-watch builds nothing, so the build's options"),
    (["--no-watch", "--index-page-limit", "5"], "serve --no-watch builds nothing, so the build's options"),
])
def test_serve_refuses_what_it_cannot_serve_with_a_plain_message(tmp_path, arguments, said):
    # A missing folder was blamed on the port; a port out of range ended in a traceback; a folder that
    # is no project was served (bare 404s) and watched.
    run = subprocess.run([sys.executable, "-m", "proceedings", "serve", *arguments], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode in (1, 2) and said in run.stderr and "Traceback" not in run.stderr
    assert "port" not in run.stderr or "--port" in arguments and not (tmp_path / "_build").exists()


def test_a_change_undone_before_it_settles_builds_nothing(project, capsys):
    # A temporary file made and removed at once (a download's part): a build was announced with no file named.
    real = project / "papers" / "accepted.yml"

    def transient_then_real() -> None:
        def steps() -> None:
            time.sleep(0.1)
            (project / "papers" / "accepted.yml.part").write_text("saving", "utf-8")
            time.sleep(0.1)
            (project / "papers" / "accepted.yml.part").unlink()
            time.sleep(1.5)
            real.write_text(real.read_text("utf-8") + "\n", "utf-8")
        threading.Thread(target=steps).start()
    calls = _builds(project, [transient_then_real], look=0.3)
    assert len(calls) == 2
    out = capsys.readouterr().out
    assert out.count("changed: building again.") == 1 and "papers/accepted.yml changed: building again." in out


def test_a_watched_build_whose_inputs_changed_meanwhile_says_it_is_built_again(project, monkeypatch, capsys):
    # It said "Build again once the change is done", which serve does by itself.
    from proceedings import cli

    accepted = project / "papers" / "accepted.yml"
    edits = iter(range(1, 3))

    def edit() -> None:  # a title: each edit changes a page, which the next build's Jupyter Book run reads
        text = accepted.read_text("utf-8")
        accepted.write_text(re.sub(r'title: "A Tiny Idea[^"]*"', f'title: "A Tiny Idea {next(edits)}"', text), "utf-8")
    edit_while_jupyter_book_runs(monkeypatch, edit)
    for watched, then in ((True, "It is built again once the change has settled."),
                          (False, "Build again once the change is done.")):
        assert cli._built(Project(project), cli.BuildOptions(), watched=watched) == 1
        said = capsys.readouterr().err.splitlines()[-1]
        assert said.startswith("papers/accepted.yml changed while this build ran") and said.endswith(then), said
    # The watch does not look at the tool's code or the installed software: serve must be started again.
    from proceedings.site.errors import InputsChanged
    assert cli._then(InputsChanged(["package"]), watched=True) == " The tool or its software changed: start serve again."


def test_a_watched_build_that_raises_is_shown_and_the_preview_goes_on(project, monkeypatch, capsys):
    from proceedings import cli

    def failing(*args, **kwargs):
        raise RuntimeError("a file went as it was read")
    monkeypatch.setattr(cli, "_built", failing)
    cli._built_for_preview(Project(project), cli.BuildOptions())
    out, err = capsys.readouterr()
    assert "RuntimeError: a file went as it was read" in err and "The build stopped on the error above." in err
    assert "Watching papers/, book/ and the settings" in out


def test_a_watched_preview_lets_no_asset_be_kept_and_no_missing_file_anywhere(tmp_path):
    # A logo or figure changed keeps its name: kept a day, the reloaded page showed the old one.
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "logo.svg").write_text("<svg/>", "utf-8")
    for handler, kept in ((WatchedSiteHandler, "no-cache"), (SiteHandler, "public, max-age=86400")):
        with _server(tmp_path, handler) as address:
            with urllib.request.urlopen(f"{address}/_static/logo.svg") as response:
                assert response.headers["Cache-Control"] == kept
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(f"{address}/_static/gone.js")
            assert missing.value.code == 404 and missing.value.headers["Cache-Control"] == "no-cache"
