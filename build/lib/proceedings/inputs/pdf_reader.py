"""Reading a PDF's facts: its structure with pypdf, its text with pdfium (about three times as fast
as pypdf's pure-Python extraction, and it joins words hyphenated at a line's end and unfolds
ligatures). Imported only when a PDF is new (:func:`proceedings.inputs.pdf.pdf_facts`)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import pypdfium2
from pypdf import PageObject, PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from ..model.pdf_facts import ACTIVE_ANNOTATIONS, PdfFacts, active_kind
from ..util.text import clean_text

# Text extraction is bounded: a page whose content decodes to more than this is not read (pypdf took
# ten seconds a page to give up on a 19 MB stream that a 60 kB file's 1,000 pages shared), nor any
# page once a file has taken this long. The pages left out are counted, and `check` says so.
MAX_PAGE_CONTENT = 2_000_000
EXTRACTION_SECONDS = 30.0
# Actions looked at for active content, chained ones included (a chain may loop).
_MAX_ACTIONS = 100_000
# How far from a PDF's start its header, and from its end its end-of-file mark, may be: where readers look.
_MARK_WITHIN = 1024


def read_pdf(path: Path, sha256: str, password: str = "") -> tuple[PdfFacts, str]:
    """Facts of the PDF at ``path``, parsed with pypdf (decrypted with ``password`` if it is
    encrypted), and its text, pages separated by blank lines; an unreadable file gives facts with
    ``error`` set."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    size = path.stat().st_size
    if why := _not_a_pdf(path):
        return PdfFacts(sha256, size, error=why), ""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and reader.decrypt(password) == PasswordType.NOT_DECRYPTED:
            why = "the password given (papers/private.yml or pdf_password) does not open it" if password else \
                ("the PDF is encrypted with a password; upload an unprotected copy, or give its password in "
                 "papers/private.yml (pdf_passwords, see the README's Private data) or as pdf_password")
            return PdfFacts(sha256, size, error=why), ""
        pages = list(reader.pages)
        if not pages:
            return PdfFacts(sha256, size, error="the PDF has no pages"), ""
        deadline = time.monotonic() + EXTRACTION_SECONDS
        readable = _readable_pages(pages, deadline)
        active = active_content(reader)
    except Exception as exc:  # pypdf raises many types for damaged files; each is a diagnostic, not a crash
        return PdfFacts(sha256, size, error=_damaged(exc)), ""
    texts = _bounded_texts(path, password, readable, deadline)
    text = "\n\n".join(t for t in texts if t)
    return PdfFacts(sha256, size, len(pages), bool(text), len(pages) - len(texts), reader.is_encrypted, active), text


def unreadable(path: Path) -> str | None:
    """Why the file at ``path`` is no PDF that the build can read (empty, a web page, a download cut
    short), if it is not; an encrypted one is readable, since its password opens it."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if why := _not_a_pdf(path):
        return why
    try:
        reader = PdfReader(path)
        if not reader.is_encrypted and not reader.pages:
            return "the PDF has no pages"
    except Exception as exc:  # as in read_pdf
        return _damaged(exc)
    return None


def _damaged(error: Exception) -> str:
    """What is said of a PDF that pypdf could not read, and what to do (a new-user trial's message
    named the error alone)."""
    return (f"pypdf cannot read it: {type(error).__name__}: {error}; ask the authors for the file again (a PDF "
            "printed anew from it, or exported again, usually reads), or leave it out to publish the paper without it")


def _not_a_pdf(path: Path) -> str | None:
    """Why the file at ``path`` is not a whole PDF, if it is not: empty, no ``%PDF-`` header where
    readers look for it (a web page saved instead), or no ``%%EOF`` where they look for its end (a
    download or a copy cut short: pypdf read a paper cut at nine tenths as 117 whole pages, and the
    build published it)."""
    with path.open("rb") as stream:
        head = stream.read(_MARK_WITHIN)
        stream.seek(max(stream.seek(0, os.SEEK_END) - _MARK_WITHIN, 0))
        tail = stream.read(_MARK_WITHIN)
    if not head:
        return "the file is empty"
    if b"%PDF-" not in head:
        return "not a PDF file (no %PDF- header); was a web page saved instead?"
    if b"%%EOF" not in tail:
        return "the PDF ends without its end-of-file mark (%%EOF); was a download or a copy cut short?"
    return None


def _readable_pages(pages: list[PageObject], deadline: float) -> list[int]:
    """The indexes of the pages whose content is within ``MAX_PAGE_CONTENT``, sized before the
    ``deadline`` (which also ends the extraction)."""
    sizes: dict[tuple[int, int], int] = {}
    return [index for index, page in enumerate(pages)
            if time.monotonic() < deadline and _content_size(page, sizes) <= MAX_PAGE_CONTENT]


def _bounded_texts(path: Path, password: str, pages: list[int], deadline: float) -> list[str]:
    """The text of each of ``pages`` that pdfium reads before the ``deadline``; the pages after it,
    and the file's text if pdfium cannot open it, are left out."""
    try:
        document = pypdfium2.PdfDocument(path, password=password or None)
    except Exception:  # pdfium refuses what pypdf read: no text, counted as pages left out
        return []
    try:
        return [_page_text(document, index) for index in pages if time.monotonic() < deadline]
    finally:
        document.close()


def _content_size(page: PageObject, sizes: dict[tuple[int, int], int]) -> int:
    """Bytes of the page's decoded content streams; a stream several pages share is decoded once
    (its size is kept in ``sizes``)."""
    contents = page.raw_get("/Contents") if "/Contents" in page else None
    parts = contents.get_object() if isinstance(contents, IndirectObject) else contents
    total = 0
    for part in parts if isinstance(parts, ArrayObject) else [contents]:
        stream: Any = part.get_object() if part is not None else None
        if stream is not None:
            key = (part.idnum, part.generation) if isinstance(part, IndirectObject) else (id(stream), -1)
            if key not in sizes:
                sizes[key] = len(stream.get_data())
            total += sizes[key]
    return total


def active_content(reader: PdfReader) -> tuple[str, ...]:
    """The kinds of active content in the file: document and page scripts, actions that launch
    programs, send data or open other files, embedded files and media (see
    :func:`~proceedings.model.pdf_facts.active_kind`)."""
    root = reader.root_object
    names = root.get("/Names") or DictionaryObject()
    found = {label for key, label in (("/JavaScript", "JavaScript"), ("/EmbeddedFiles", "embedded files")) if key in names}
    actions = [root.get("/OpenAction"), *(root.get("/AA") or {}).values()]
    for page in reader.pages:
        actions += (page.get("/AA") or {}).values()
        for reference in page.get("/Annots") or []:
            annotation: Any = reference.get_object()
            if kind := ACTIVE_ANNOTATIONS.get(str(annotation.get("/Subtype", ""))):
                found.add(kind)
            actions += [annotation.get("/A"), *(annotation.get("/AA") or {}).values()]
    seen = 0
    while seen < min(len(actions), _MAX_ACTIONS):  # the list grows with each chained action (/Next)
        action = actions[seen].get_object() if actions[seen] is not None else None
        seen += 1
        if isinstance(action, DictionaryObject):
            if kind := active_kind(str(action.get("/S", "")), str(action.get("/URI", "")), "/F" in action):
                found.add(kind)
            following = action.get("/Next")
            actions += following if isinstance(following, ArrayObject) else [following] if following else []
    return tuple(sorted(found))


def _page_text(document: pypdfium2.PdfDocument, index: int) -> str:
    try:
        page = document[index]
        textpage = page.get_textpage()
        try:
            # pdfium ends lines with CR LF; clean_text makes each a line feed.
            return clean_text(textpage.get_text_bounded())
        finally:
            textpage.close()
            page.close()
    except Exception:  # a page whose content is damaged still leaves the others readable
        return ""
