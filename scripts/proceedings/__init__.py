"""``proceedings``: a workshop's accepted papers, program, talks and recordings made into a searchable
Jupyter Book archive with citations that real tools import exactly.

The package is layered; each folder imports only those above it in this list:

- ``util``: text, LaTeX, MyST escaping, file writing, progress (imports nothing of the package);
- ``records``: reading input files into located records, and diagnostics;
- ``model``: the typed records, the volume, citation keys, and where each page and file lives;
- ``inputs``: loading ``papers/`` into the model, PDF facts, the OpenReview import, project checks;
- ``outputs``: citations (BibTeX, RIS, CSL-JSON, APA, Scholar tags), the calendar, the volume PDF, previews;
- ``pages``: the generated MyST pages;
- ``site``: Jupyter Book, the files beside the pages, search, the site zip, publishing, the preview;
- ``new`` (a new project), ``build`` (the pipeline) and ``cli`` (the command line) on top.

``sphinxext`` is the Sphinx extension that Jupyter Book loads; it imports only ``util``.
"""

from .util.software import installed_version

DISTRIBUTION = "workshop-proceedings-archive"
"""The name pip installs this tool by (its command and package are ``proceedings``)."""
__version__ = installed_version(DISTRIBUTION) or ""
if not __version__:  # run from a checkout not installed: every command needs what installing it sets up
    from importlib.metadata import PackageNotFoundError

    raise PackageNotFoundError(DISTRIBUTION)
