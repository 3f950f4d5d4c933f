"""The fork server Jupyter Book runs from exits at once when the build ends, without Python's ending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import running, write_project

SERVER = textwrap.dedent("""\
    import multiprocessing, sys
    def child():
        pass
    if __name__ == "__main__":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(sys.argv[1:])
        process = context.Process(target=child)
        process.start()
        process.join()
        print(multiprocessing.forkserver._forkserver._forkserver_pid)
""")

# A module the server preloads first, whose ending is Python's: it leaves a file when it ends.
ENDING = "import atexit, pathlib\natexit.register(pathlib.Path(__file__).with_name('ended').write_text, 'yes')\n"


def _ended_normally(folder: Path, preload: list[str]) -> bool:
    """Whether the fork server preloading ``ending`` and then ``preload`` ran Python's ending."""
    folder.mkdir()
    (folder / "ending.py").write_text(ENDING)
    (folder / "server.py").write_text(SERVER)
    # The server imports what it preloads from the path it starts with (Python 3.11 ignores the
    # path of the process that starts it).
    path = os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, str(folder / "server.py"), "ending", *preload],
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": path})
    server = int(run.stdout)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{server}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return (folder / "ended").exists()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="the server's end is watched in /proc")
def test_the_server_preloading_it_skips_pythons_ending(tmp_path):
    assert _ended_normally(tmp_path / "without", [])
    assert not _ended_normally(tmp_path / "with", ["proceedings.site.book_server"])


def test_imported_elsewhere_it_does_nothing():
    program = "import proceedings.site.book_server; raise SystemExit(3)"
    assert subprocess.run([sys.executable, "-c", program]).returncode == 3


FROZEN = textwrap.dedent("""\
    import gc, multiprocessing, pathlib, sys
    def child(path):
        pathlib.Path(path).write_text(str(gc.get_freeze_count()))
    if __name__ == "__main__":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(sys.argv[2:])
        process = context.Process(target=child, args=(sys.argv[1],))
        process.start()
        process.join()
""")


def test_each_run_starts_with_what_the_server_preloaded_out_of_the_collectors_sight(tmp_path):
    (tmp_path / "server.py").write_text(FROZEN)
    frozen = []
    for preload in ([], ["proceedings.site.book_server"]):
        count = tmp_path / f"frozen-{len(preload)}"
        subprocess.run([sys.executable, str(tmp_path / "server.py"), str(count), *preload], check=True)
        frozen.append(int(count.read_text()))
    assert frozen[0] == 0 and frozen[1] > 1_000  # the interpreter's own modules and objects, at least


COMPILED = textwrap.dedent("""\
    import multiprocessing, pathlib, sys
    def child(path, selectors):
        from bs4 import BeautifulSoup
        from soupsieve import css_parser
        before = css_parser._cached_css_compile.cache_info().misses
        navigation = BeautifulSoup("<ul><li></li></ul>", "html.parser")
        for selector in selectors:
            navigation.select(selector)
        pathlib.Path(path).write_text(str(css_parser._cached_css_compile.cache_info().misses - before))
    if __name__ == "__main__":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(sys.argv[3:])
        process = context.Process(target=child, args=(sys.argv[1], sys.argv[2].split("|")))
        process.start()
        process.join()
""")


def test_each_run_finds_the_theme_s_selectors_compiled(tmp_path):
    """soupsieve compiles a selector's patterns at its first use: 0.2 s of each Jupyter Book run,
    paid once by the server instead. A run selecting as the theme does compiles none."""
    from proceedings.site.book_server import _THEME_SELECTORS

    (tmp_path / "server.py").write_text(COMPILED)
    compiled = []
    for preload in (["bs4"], ["proceedings.site.book_server"]):
        count = tmp_path / f"compiled-{len(compiled)}"
        subprocess.run([sys.executable, str(tmp_path / "server.py"), str(count), "|".join(_THEME_SELECTORS), *preload],
                       check=True)
        compiled.append(int(count.read_text()))
    assert compiled == [len(_THEME_SELECTORS), 0]


def test_the_selectors_compiled_are_the_theme_s():
    """Each selector pydata-sphinx-theme's navigation code gives BeautifulSoup is among those the
    server compiles (a numbered level as its first, 0: the only one at the sidebar's depth 1)."""
    import re

    import pydata_sphinx_theme

    from proceedings.site.book_server import _THEME_SELECTORS

    source = (Path(pydata_sphinx_theme.__file__).with_name("toctree.py")).read_text("utf-8")
    used = set(re.findall(r"\.select(?:_one)?\(f?\"([^\"]+)\"", source))
    assert used and {selector.replace("{ii}", "0") for selector in used} <= set(_THEME_SELECTORS)



STOPPED = textwrap.dedent("""\
    import multiprocessing, sys
    from multiprocessing import forkserver
    from proceedings.site.book_server import stop_jupyter_book_server
    if __name__ == "__main__":
        multiprocessing.get_context("forkserver").set_forkserver_preload(["slow"])
        forkserver.ensure_running()
        print(forkserver._forkserver._forkserver_pid, flush=True)
        stop_jupyter_book_server()
        stop_jupyter_book_server()  # none left: nothing to do
""")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="the server's end is watched in /proc")
def test_a_server_stopped_while_it_imports_ends_then_and_lets_the_output_go(tmp_path):
    """A build with nothing to do ends before the server it started has imported Jupyter Book:
    stopped, the server is gone at once, and with it the hold it had on the command's output (which
    a pipe's reader waits for). Here it imports a module that takes a minute."""
    (tmp_path / "slow.py").write_text("import time\ntime.sleep(60)\n")
    (tmp_path / "server.py").write_text(STOPPED)
    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, str(tmp_path / "server.py")], capture_output=True, text=True, check=True,
                         timeout=30, env={**os.environ, "PYTHONPATH": path})
    assert not Path(f"/proc/{int(run.stdout)}").exists()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="the server is looked for in /proc")
def test_a_build_with_nothing_to_do_leaves_no_server_behind(project, tmp_path):
    """``proceedings build`` starts the server before its own imports, before it knows whether there
    is anything to build; once it has ended, whether it built or not, no server of its is left. (Its
    output goes to a file: a pipe's reader would wait for the server too.)"""
    mark = f"PROCEEDINGS_TEST_RUN={os.getpid()}-{time.monotonic_ns()}"
    environment = {**os.environ, "PROCEEDINGS_TEST_RUN": mark.partition("=")[2]}
    for expected in ("Built in", "Nothing changed since the last build"):
        with open(tmp_path / "output", "w+") as output:
            run = subprocess.run([sys.executable, "-m", "proceedings", "build", str(project)], stdout=output,
                                 stderr=subprocess.STDOUT, timeout=300, env=environment)
            assert not [pid for pid in _processes_of(mark) if b"multiprocessing.forkserver" in _command(pid)]
            output.seek(0)
            said = output.read()
        assert run.returncode == 0 and expected in said, said


def _processes_of(mark: str) -> set[int]:
    """The running processes with ``mark`` in their environment."""
    found = set()
    for process in Path("/proc").iterdir():
        try:
            if process.name.isdigit() and mark.encode() in (process / "environ").read_bytes().split(b"\0"):
                found.add(int(process.name))
        except OSError:  # gone
            continue
    return {pid for pid in found if running(pid)}


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone
        return b""


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="the build's processes are looked for in /proc")
@pytest.mark.parametrize("moment", ["forked", "spawned"])
def test_a_build_killed_alone_leaves_no_process_running_nor_its_output_held(tmp_path, moment):
    """Killed alone in the middle of a build (SIGKILL, as the out-of-memory killer does), the command
    can end none of its processes: the workers it had forked (reading new PDFs) waited for work for
    ever, holding its output open, the fork server alive (and with it Sphinx, writing on) and the
    pipes of the workers it had spawned (previews, the volume PDF). They end with it now."""
    # Forty papers: the workers that read their PDFs, and those that draw their previews, run long
    # enough to be seen.
    names = [f"paper-{number}" for number in range(40)]
    project = write_project(tmp_path / "project", pdfs=tuple(names), papers="".join(
        f"- id: {name}\n  title: Paper {name}\n  authors: [{{name: A Person}}]\n  abstract: Fine.\n  track: full\n"
        f"  pdf: pdf/{name}.pdf\n" for name in names))
    mark = f"PROCEEDINGS_TEST_RUN={os.getpid()}-{time.monotonic_ns()}"
    environment = {**os.environ, "PROCEEDINGS_TEST_RUN": mark.partition("=")[2]}
    build = subprocess.Popen([sys.executable, "-m", "proceedings", "build", str(project)], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=environment)

    def workers() -> set[int]:
        children = [pid for pid in _processes_of(mark) if _parent(pid) == build.pid]
        if moment == "forked":  # a fork has the command's own command line
            return {pid for pid in children if _command(pid) == _command(build.pid)}
        return {pid for pid in children if b"multiprocessing.spawn" in _command(pid)}

    deadline = time.monotonic() + 120
    # Seen twice: a child that a program is about to replace (the resource tracker, the fork server)
    # has the command's command line for a moment too.
    while not (workers() & (time.sleep(0.01) or workers())) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert build.poll() is None, "the build ended before it had started its workers"
    started = _processes_of(mark) - {build.pid}
    build.kill()
    build.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (_processes_of(mark) or (time.sleep(0.2) or _processes_of(mark))):
        time.sleep(0.1)  # until none is seen twice: a process replacing its program is not seen for a moment
    left = {pid: _command(pid).replace(b"\0", b" ").decode(errors="replace")[:200] for pid in _processes_of(mark)}
    assert not left, f"left running: {left} (of {started})"
    assert build.stdout is not None and build.stdout.read() is not None  # at the end of the output: no holder left


FORKED_AS_KILLED = textwrap.dedent("""\
    import multiprocessing, os, signal, time
    from proceedings.util.processes import worker_pool
    if __name__ == "__main__":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["proceedings.site.book_server"])
        pool = worker_pool(2, context)
        pool.submit(time.sleep, 0.1).result()  # the server and a first worker are ready
        for _ in range(2):
            pool.submit(time.sleep, 600)  # the second forks a second worker, now
        os.kill(os.getpid(), signal.SIGKILL)  # killed alone, as the server forks it
""")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="the workers are looked for in /proc")
def test_a_worker_the_server_forks_as_the_command_is_killed_ends_too(tmp_path):
    """A worker forked by the server just before the command is killed asks for the parent-death
    signal once the server, ended with the command, is gone already: it waited for work for ever,
    holding the output. It ends at once now, seeing its parent is no longer the server."""
    (tmp_path / "killed.py").write_text(FORKED_AS_KILLED)
    mark = f"PROCEEDINGS_TEST_RUN={os.getpid()}-{time.monotonic_ns()}"
    for _ in range(3):
        run = subprocess.run([sys.executable, str(tmp_path / "killed.py")], capture_output=True, timeout=60,
                             env={**os.environ, "PROCEEDINGS_TEST_RUN": mark.partition("=")[2]})
        assert run.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 15
        while _processes_of(mark) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _processes_of(mark)


FORKED_ELSEWHERE = textwrap.dedent("""\
    import multiprocessing, pathlib, sys
    def child(path):
        import proceedings.site.book_server
        from proceedings.util import processes
        pathlib.Path(path).write_text(repr(processes._fork_server))
    if __name__ == "__main__":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([])  # a server something else started, without this module
        process = context.Process(target=child, args=(sys.argv[1],))
        process.start()
        process.join()
""")


def test_what_another_server_forks_does_not_take_itself_for_the_server(tmp_path):
    """A process forked by a server that had not imported this module (a pool's, started before
    Jupyter Book's was asked for) imports it with the server's command line: it took itself for the
    server, and Jupyter Book's process, finding its parent was not itself, ended at once."""
    (tmp_path / "server.py").write_text(FORKED_ELSEWHERE)
    subprocess.run([sys.executable, str(tmp_path / "server.py"), str(tmp_path / "seen")], check=True, timeout=60)
    assert (tmp_path / "seen").read_text() == "None"
