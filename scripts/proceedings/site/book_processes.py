"""The fork server that Jupyter Book runs from, as the command starts and ends it.

Jupyter Book runs in a child of a fork server that has imported it and the Sphinx extensions it
loads while the command read the inputs and wrote the pages: importing them took about two of the
three seconds of a rebuild after a one-page change. (Forking the command itself could deadlock: it
runs threads.) The commands that build start it from their first moment, before their own imports
(``__main__``); it is ended as they end, whether it was used or not (a build that found nothing to
do). The server's side: ``book_server``.
"""

from __future__ import annotations

import contextlib
import os
import signal
from multiprocessing import forkserver, get_context

from ..util.processes import deaf_children

# Not sphinxext-opengraph, nor our extension, which imports it: it prints a notice when imported,
# which belongs in Jupyter Book's log.
_BOOK_MODULES = ["jupyter_book.cli.main", "jupyter_book.sphinx", "sphinx.application", "sphinx.builders.html",
                 "myst_nb", "myst_nb.sphinx_ext", "sphinx_book_theme", "pydata_sphinx_theme", "sphinx_design",
                 "sphinx_external_toc", "sphinx_jupyterbook_latex", "sphinx_thebe", "sphinx_togglebutton",
                 "sphinx_copybutton", "sphinx_comments", "sphinx_multitoc_numbering", f"{__package__}.jupyter_book",
                 # What Sphinx and our extension import when they start (0.2 s of a one-page rebuild):
                 # Sphinx's built-in extensions and builders, and the icon trim's font tools.
                 "sphinx.transforms.post_transforms.code", "sphinx.ext.doctest", "sphinx.domains.c",
                 "sphinx.domains.cpp", "sphinx.domains.javascript", "sphinx.domains.python", "sphinx.builders.epub3",
                 "sphinx.builders.latex", "sphinx.builders.gettext", "sphinx_design.extension",
                 "sphinx_external_toc.parsing", "fontTools.subset",
                 # Last: it makes the server, once the build has ended, exit without Python's ending.
                 f"{__package__}.book_server"]
BOOK_PROCESSES = get_context("forkserver")
"""Where Jupyter Book's processes come from: the fork server."""


def start_jupyter_book_server() -> None:
    """Start the fork server that Jupyter Book runs from, if it is not running; it imports in the
    background."""
    BOOK_PROCESSES.set_forkserver_preload(_BOOK_MODULES)
    with deaf_children():
        forkserver.ensure_running()


def end_jupyter_book_server() -> None:
    """End the fork server, if this process started it, as the command ends: still importing, it
    would go on for seconds, holding the command's output open."""
    server = forkserver._forkserver  # multiprocessing's own, which has no public way to end it
    pid = getattr(server, "_forkserver_pid", None)
    if isinstance(pid, int):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)  # it would see its pipe closed only once its imports are done
        server._stop()  # type: ignore[attr-defined]  # closes that pipe and reaps it; a later build starts another
