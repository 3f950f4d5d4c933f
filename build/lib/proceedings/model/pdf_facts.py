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
    has_text: bool = False
    """Whether text was extracted. The text is kept apart, by the same hash: only the pages made
    anew read it (reading every paper's with the facts was 0.05 s of an edited abstract's build at
    1,000 papers, and most of the volume's memory)."""
    text_skipped: int = 0
    """Pages whose text was not extracted: their content is too large to read in bounded time."""
    encrypted: bool = False
    """Whether the file needs a password; such facts are never cached, so that every check tries the
    password it is given now."""
    active: tuple[str, ...] = ()
    """Active content the file holds ("JavaScript", "launch actions", "embedded files"), which the
    volume PDF leaves out."""
    error: str | None = None
    """Why the file could not be read, when it could not."""

    @property
    def size_label(self) -> str:
        """The size for people, e.g. '312 kB'."""
        if self.size >= 1_000_000:
            return f"{self.size / 1_000_000:.1f} MB"
        return f"{max(1, round(self.size / 1000))} kB"


# PDF actions (their /S) that only move the reader or the view; any other runs code, starts a
# program, sends data, opens an attachment or another file, and is active content. A link to another
# file (/GoToR, a file: address) opens it where it points: on Windows, a network share, to which
# the reader's login is sent (a red-team trial's \\evil.example\share\x.pdf stayed in the volume).
_MOVING_ACTIONS = frozenset({"/GoTo", "/Named", "/Thread", "/Hide", "/SetOCGState", "/Trans", "/ResetForm"})
_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/RichMediaExecute": "JavaScript", "/Rendition": "JavaScript",
                   "/GoToE": "embedded files", "/SubmitForm": "form submissions", "/ImportData": "form submissions",
                   "/GoToR": "links to other files"}
_LINK_SCHEMES = ("http:", "https:", "mailto:")
# Annotations that hold a file or play one, which may be another file anywhere (a red-team trial's
# movie on \\evil.example\share stayed in the volume): active content, whatever their action.
ACTIVE_ANNOTATIONS = {"/FileAttachment": "embedded files", "/Movie": "media players", "/Sound": "media players",
                      "/Screen": "media players", "/RichMedia": "media players", "/3D": "media players"}


def active_kind(action_type: str, uri: str = "", names_file: bool = False) -> str | None:
    """The kind of active content an action of type ``action_type`` (e.g. ``/Launch``) is, or None
    when it only moves the reader within the document (one that ``names_file``, has an /F, moves it to
    another: a /Thread's article may be in another file); a /URI action is a link unless its address is
    not a web or mail one."""
    if action_type == "/URI":
        address = uri.strip().lower()
        return None if address.startswith(_LINK_SCHEMES) else "JavaScript" if address.startswith("javascript:") \
            else "links to other files"
    if action_type in _MOVING_ACTIONS:
        return "links to other files" if names_file else None
    return _ACTIVE_ACTIONS.get(action_type, "launch actions")
