"""A proceedings project folder and where each input and output lives in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Folders under book/ that the tool writes; everything else in book/ is the organizer's.
GENERATED_DIRS = ("papers", "tracks", "people")


@dataclass(frozen=True)
class Project:
    """The folder holding ``_config.yml``, ``_toc.yml``, ``book/`` and ``papers/``."""

    root: Path
    """The project folder."""

    @property
    def papers(self) -> Path:
        """The organizer's inputs; never written."""
        return self.root / "papers"

    @property
    def book(self) -> Path:
        """The book's pages: hand-written ones and the generated folders."""
        return self.root / "book"

    @property
    def build(self) -> Path:
        """Everything the build writes outside ``book/``."""
        return self.root / "_build"

    @property
    def html(self) -> Path:
        """The built website."""
        return self.build / "html"

    @property
    def cache(self) -> Path:
        """The PDF facts cache."""
        return self.build / ".proceedings" / "pdf-facts"

    @property
    def assets(self) -> Path:
        """Files (PDFs, BibTeX) laid out as they appear in the site, copied into it by Sphinx."""
        return self.build / ".proceedings" / "assets"

    def relative(self, path: Path) -> str:
        """``path`` relative to the project folder, with forward slashes, for messages."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def paper_docname(paper_id: str) -> str:
    """The Sphinx document name of a paper's page; its PDF and .bib sit in the same folder."""
    return f"book/papers/{paper_id}"


def track_docname(track_id: str) -> str:
    """The Sphinx document name of a track's listing page."""
    return f"book/tracks/{track_id}"
