"""The fork server that Jupyter Book runs from, and the last module it preloads.

Jupyter Book runs in a child of a fork server that has imported it and the Sphinx extensions it loads
while the command read the inputs and wrote the pages: importing them took about two of the three
seconds of a rebuild after a one-page change. (Forking the command itself could deadlock: it runs
threads.) The command starts the server first thing (``proceedings.__main__``), before its own
imports; this module is kept light for that, and so that the server imports of the package only
what Jupyter Book's process runs: :func:`jupyter_book_main`, and the modules our extension imports.

The server ends when the build does. Python's own ending, every module of Jupyter Book and Sphinx
torn down, took it half a second, during which it held the build's output open: whatever reads the
command's output through a pipe (``| tee``, a CI log, the benchmark) waited for it. It has nothing
to save or flush, so it exits at once instead. The command ends it as it ends, whatever it is doing
(:func:`stop_jupyter_book_server`): a build that found nothing to do ends it half-way through its
imports, which cost that build 0.2 s of a core (0.03 s more from start to exit on an idle machine).

Every object the preloaded modules made is moved out of the cycle collector's sight
(:func:`gc.freeze`): each Jupyter Book run is a fork of the server, whose first full collection
visited all of them before the build's own settings (``sphinxext.memory``) took over, 0.2 s of an
edited abstract's run.

Before that, the CSS selectors pydata-sphinx-theme gives BeautifulSoup for every page's navigation
are compiled once here: soupsieve compiles its own patterns at their first use, which every run
paid, 0.2 s of the 1 s Jupyter Book takes for an edited abstract. Imported anywhere else than in the
server, this module only defines its functions.
"""

import atexit
import gc
import os
import signal
import sys
from contextlib import suppress
from multiprocessing import forkserver, get_context
from multiprocessing.connection import Connection
from typing import Any

from ..util.processes import deaf_children, end_with_parent, serving_forks, starting_fork_server

# Not sphinxext-opengraph, nor our extension, which imports it: it prints a notice when imported,
# which belongs in Jupyter Book's log.
_BOOK_MODULES = [f"{__package__}.notebook_cache",  # first: before MyST-NB imports jupyter-cache
                 "jupyter_book.cli.main", "jupyter_book.sphinx", "sphinx.application", "sphinx.builders.html",
                 "myst_nb", "myst_nb.sphinx_ext", "sphinx_book_theme", "pydata_sphinx_theme", "sphinx_design",
                 "sphinx_external_toc", "sphinx_jupyterbook_latex", "sphinx_thebe", "sphinx_togglebutton",
                 "sphinx_copybutton", "sphinx_comments", "sphinx_multitoc_numbering",
                 # What Sphinx and our extension import when they start (0.2 s of a one-page rebuild):
                 # Sphinx's built-in extensions and builders.
                 "sphinx.transforms.post_transforms.code", "sphinx.ext.doctest", "sphinx.domains.c",
                 "sphinx.domains.cpp", "sphinx.domains.javascript", "sphinx.domains.python", "sphinx.builders.epub3",
                 "sphinx.builders.latex", "sphinx.builders.gettext", "sphinx_design.extension",
                 "sphinx_external_toc.parsing",
                 # What our extension imports of the package and of fontTools (0.02 s), not the
                 # extension itself (see above).
                 "proceedings.util.files", "proceedings.util.myst", "proceedings.util.latex", "proceedings.util.mathml",
                 "fontTools",
                 # Last: this module, which readies the server (below) and holds what its children run.
                 __name__]
BOOK_PROCESSES = get_context("forkserver")
"""How Jupyter Book's process is started: forked from the server."""


def start_jupyter_book_server() -> None:
    """Start the fork server that Jupyter Book runs from, unless it runs; it imports in the background."""
    BOOK_PROCESSES.set_forkserver_preload(_BOOK_MODULES)
    with deaf_children():
        forkserver.ensure_running()


def stop_jupyter_book_server() -> None:
    """End the fork server, if it runs, at once: still importing, it would hold the command's output
    open until done (0.8 s), however quickly the command ended. multiprocessing stops it only by
    waiting for it (``_stop``, which its tests use); the server has nothing to save."""
    server = forkserver._forkserver  # the module's own instance, which ensure_running() starts
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    server._stop()  # type: ignore[attr-defined]  # not in typeshed: a test helper of multiprocessing


def jupyter_book_main(argv: list[str], cwd: str, log: str | None, warnings: str,
                      told: Connection | None = None) -> None:
    """Run Jupyter Book's command line in this (forked) process, its output into ``log`` if given
    (else the terminal), its warnings and errors into ``warnings`` (Sphinx writes them to stderr).
    It ends with the server (which ends with the command): a command killed alone left it writing
    into the work folder of the next build. Given ``told``, Sphinx, once set up, says so over it
    and builds only when told to (the pages are written then: see
    :class:`~proceedings.site.jupyter_book.ReadiedRun`), and the process ends if the command closes
    it instead."""
    end_with_parent()
    if told is not None:
        _build_when_told(told)
    os.chdir(cwd)
    for path, stream in ((log, 1), (warnings, 2)):
        if path:
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), stream)
    from jupyter_book import utils
    from jupyter_book.cli.main import main
    from sphinx.util.console import color_terminal, nocolor

    # Colours only on a terminal, as sphinx-build decides, which Jupyter Book does not (its own boxes
    # are coloured always): a log written to a file had their codes.
    if not color_terminal():
        nocolor()
        utils.bcolors.update(dict.fromkeys(utils.bcolors, ""))
        utils.endc = ""

    sys.argv = ["jupyter-book", *argv]
    main()


def _build_when_told(told: Connection) -> None:
    from sphinx.application import Sphinx

    build = Sphinx.build

    def build_when_told(app: Sphinx, *args: Any, **kwargs: Any) -> None:
        try:
            told.send(True)  # set up
            told.recv()
        except (OSError, EOFError):  # not taken: nothing was written, nothing is to be
            os._exit(0)
        told.close()
        build(app, *args, **kwargs)
    Sphinx.build = build_when_told  # type: ignore[method-assign,assignment]


# pydata_sphinx_theme/toctree.py's selectors, one per level of the sidebar shown expanded
# (sphinx-book-theme's `show_navbar_depth`, 1 unless the book sets it: level 0 alone).
_THEME_SELECTORS = ("li", *(f"li.toctree-l{level} > details" for level in range(4)), ".toc-h1", ".toc-h2",
                    "details > a.reference", "details > p.caption")


def _compile_selectors() -> None:
    from bs4 import BeautifulSoup

    navigation = BeautifulSoup('<ul><li class="toctree-l1"><details><a class="reference"></a><p class="caption"></p>'
                               '</details></li></ul><div class="toc-h1"><div class="toc-h2"></div></div>', "html.parser")
    for selector in _THEME_SELECTORS:
        navigation.select(selector)


if starting_fork_server():
    atexit.register(os._exit, 0)
    end_with_parent()  # a command killed before this line is seen gone once the imports are done
    serving_forks()  # after: the server's own parent is the command
    _compile_selectors()
    gc.freeze()
