"""jupyter-cache is imported in Jupyter Book's fork server only when a notebook is run."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile

from bs4 import BeautifulSoup

from proceedings.cli import main

from conftest import write_project

DEFERRED = textwrap.dedent("""\
    import sys
    from proceedings.site.notebook_cache import defer_notebook_cache
    defer_notebook_cache()
    import myst_nb.sphinx_ext
    from myst_nb.core.execute import cache, direct
    print("sqlalchemy" in sys.modules)
    {use}
    print("sqlalchemy" in sys.modules)
""")


def _imports_sqlalchemy(use: str) -> list[str]:
    """Whether SQLAlchemy was imported with MyST-NB, and after ``use``."""
    program = DEFERRED.format(use=use)
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout.split()


def test_myst_nb_is_imported_without_jupyter_cache_until_one_of_its_names_is_used():
    assert _imports_sqlalchemy("assert cache.NbProjectRecord.__name__ == 'NbProjectRecord'") == ["False", "True"]
    made = "import nbformat\nbundle = cache.CacheBundleIn(nbformat.v4.new_notebook(), 'nb.ipynb')\n" \
           "assert type(bundle).__module__ == 'jupyter_cache.base' and bundle.uri == 'nb.ipynb'"
    assert _imports_sqlalchemy(made) == ["False", "True"]
    assert _imports_sqlalchemy("assert callable(direct.single_nb_execution)") == ["False", "False"]


def test_a_name_not_deferred_is_the_real_one_at_once():
    use = ("from jupyter_cache.base import NbValidityError\n"
           "assert issubclass(NbValidityError, Exception) and type(sys.modules['jupyter_cache.base']).__name__ == 'module'")
    assert _imports_sqlalchemy(use) == ["False", "True"]


def test_a_notebook_run_with_the_cache_is_built_with_its_output(tmp_path, capsys):
    # Jupyter Book's process is forked from the server that deferred jupyter-cache: the notebook is
    # run with the cache there, and its output is on the page.
    root = write_project(tmp_path / "p")
    config = root / "_config.yml"
    config.write_text(config.read_text("utf-8").replace('execute_notebooks: "off"', 'execute_notebooks: "cache"'), "utf-8")
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Notebook\n"},
             {"cell_type": "code", "metadata": {}, "source": "print(6 * 7, 'quokkas')", "outputs": [], "execution_count": None}]
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    (root / "book" / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": kernel, "nbformat": 4,
                                                        "nbformat_minor": 5}), "utf-8")
    failing = [*cells[:1], {**cells[1], "source": "raise ValueError('no quokka at ' + __file__)"}]
    (root / "book" / "failing.ipynb").write_text(json.dumps({"cells": failing, "metadata": kernel, "nbformat": 4,
                                                             "nbformat_minor": 5}), "utf-8")
    assert main(["build", str(root)]) == 0
    site = root / "_build" / "html"
    page = BeautifulSoup((site / "book" / "nb.html").read_text("utf-8"), "html.parser")
    assert "42 quokkas" in page.select_one("div.cell_output").get_text()
    work = root / "_build" / ".proceedings" / "work" / "_build"
    assert list((work / ".jupyter_cache").iterdir())
    # MyST-NB's report of the failing notebook (its code, the machine's paths) is in the work folder,
    # where the build's message says, and neither in the site nor in its zip.
    err = capsys.readouterr().err
    report = work / "html" / "reports" / "book" / "failing.err.log"
    assert "ValueError" in report.read_text("utf-8") and "failing.err.log" in err
    assert not (site / "reports").exists()
    with zipfile.ZipFile(site / "proceedings-site.zip") as archive:
        assert not [name for name in archive.namelist() if "/reports/" in name]


def test_jupyter_cache_imported_through_a_stand_in_has_its_own_names():
    # get_cache imports jupyter_cache.cache.main, which takes names from the stand-in of
    # jupyter_cache.base as that is imported: the real ones, not their stand-ins.
    use = ("import tempfile\nfrom jupyter_cache import get_cache\nget_cache(tempfile.mkdtemp())\n"
           "import jupyter_cache.cache.main as main\nassert isinstance(main.CacheBundleIn, type)")
    assert _imports_sqlalchemy(use) == ["False", "True"]
