"""Front matter parsed with libyaml.

MyST reads a page's front matter three times (MyST-NB to see whether the page is a notebook, MyST's
settings, then the page's metadata), each with PyYAML's pure-Python parser: 0.9 s of Jupyter Book's
cold run at 1,000 papers. For the length of a build, ``yaml.safe_load`` uses libyaml's parser with
the same safe constructor and resolver, which PyYAML ships for this; the original is put back when
the build ends.
"""

from __future__ import annotations

from typing import Any

import yaml
from sphinx.application import Sphinx

_ORIGINAL = yaml.safe_load


def setup(app: Sphinx) -> None:
    """Use libyaml's parser, when PyYAML has it, for each build of ``app``."""
    if hasattr(yaml, "CSafeLoader"):
        app.connect("config-inited", _with_libyaml, priority=0)
        app.connect("build-finished", _as_pyyaml_reads)


def _safe_load(stream: Any) -> Any:
    return yaml.load(stream, Loader=yaml.CSafeLoader)


def _with_libyaml(app: Sphinx, config: Any) -> None:
    yaml.safe_load = _safe_load


def _as_pyyaml_reads(app: Sphinx, exception: Exception | None) -> None:
    yaml.safe_load = _ORIGINAL
