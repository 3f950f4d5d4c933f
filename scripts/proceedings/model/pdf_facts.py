"""What the archive knows about one PDF file, as plain data (read by :mod:`proceedings.inputs.pdf`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfFacts:
    """What the archive needs to know about one PDF file."""

    sha256: str
    """Hash of the file's bytes; the cache key."""
    size: int
    """Size in bytes."""
    pages: int = 0
    """Number of pages."""
    text: str = ""
    """Extracted text, pages separated by blank lines."""
    error: str | None = None
    """Why the file could not be read, when it could not."""

    @property
    def size_label(self) -> str:
        """The size for people, e.g. '312 kB'."""
        if self.size >= 1_000_000:
            return f"{self.size / 1_000_000:.1f} MB"
        return f"{max(1, round(self.size / 1000))} kB"
