"""The last module the fork server that Jupyter Book runs from preloads (see ``jupyter_book``).

The server ends when the build does. Python's own ending, every module of Jupyter Book and Sphinx
torn down, took it half a second, during which it held the build's output open: whatever reads the
command's output through a pipe (``| tee``, a CI log, the benchmark) waited for it. It has nothing
to save or flush, so it exits at once instead.

Every object the preloaded modules made is moved out of the cycle collector's sight
(:func:`gc.freeze`): each Jupyter Book run is a fork of the server, whose first full collection
visited all of them before the build's own settings (``sphinxext.memory``) took over, 0.2 s of an
edited abstract's run.

Before that, the CSS selectors pydata-sphinx-theme gives BeautifulSoup for every page's navigation
are compiled once here: soupsieve compiles its own patterns at their first use, which every run
paid, 0.2 s of the 1 s Jupyter Book takes for an edited abstract. Imported anywhere else, this
module does nothing.
"""

import atexit
import gc
import os
import sys

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


# The server is started as ``python -c "from multiprocessing.forkserver import main; main(...)"``.
if any("multiprocessing.forkserver import main" in argument for argument in sys.orig_argv):
    atexit.register(os._exit, 0)
    _compile_selectors()
    gc.freeze()
