"""Typed reading of one input record's fields, reporting every problem as a diagnostic."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from ..util.doi import normalised_doi
from ..util.mathml import UnconvertibleMath, mathml
from ..util.mathtext import braces_balance, disallowed_macros, hazardous_formulas, math_segments
from ..util.software import software_digest
from ..util.text import clean_text, one_line
from ..util.textstore import TextCache
from .diagnostics import Diagnostics
from .sources import Located, did_you_mean

_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
# Ids name pages, files and anchors, so they are kept to what every URL and file system takes as is.
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# An id names files ("<id>-recording.webm", "<id>.utf8.bib"), whose names most file systems cap at 255 bytes.
MAX_ID_LENGTH = 100
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_DURATION = re.compile(r"(?:\d{1,2}:)?[0-5]?\d:[0-5]\d")


KEPT_MATH_CHECKS = 1 << 14
"""How many texts' math problems are kept (at most three texts a paper: its title, abstract and
TL;DR, those with math)."""
KEPT_TEXT_LENGTH = 5_000
"""Past this many characters, a text's math problems are not kept: a stranger's megabyte of abstract,
saved again and again under ``serve``, would be kept once for each version (with the count above,
at most 80 million characters are kept, for that many texts holding math)."""


def math_problems(text: str) -> tuple[str, ...]:
    """What is wrong with the math of a text that may hold ``$math$`` (a title, an abstract), in
    words. Kept for the texts with math seen last (``serve`` reads every record again after each
    change), and between builds within :func:`math_checks_kept_in`: typesetting their formulas,
    with latex2mathml's import, was 0.15 s of an edited abstract's rebuild at 1,000 papers."""
    if "$" not in text and "{" not in text and "}" not in text:  # most texts: no math, no braces, nothing to keep
        return ()
    if len(text) > KEPT_TEXT_LENGTH:
        return _math_problems(text)
    if _stored is None:
        return _kept_math_problems(text)
    return tuple(json.loads(_stored.text("math", text, lambda text: json.dumps(_math_problems(text)))))


_stored: TextCache | None = None


@contextmanager
def math_checks_kept_in(path: Path) -> Iterator[TextCache]:
    """Within the block, :func:`math_problems` also finds what it found before in the database at
    ``path``, by a digest of the text and of the software, and keeps what it finds in the cache the
    block is given, which the caller saves (:meth:`~proceedings.util.textstore.TextCache.save`) if it
    goes on: a build stopped by an error writes nothing. The records are read by one thread at a time."""
    global _stored
    _stored = TextCache(path, software_digest())
    try:
        yield _stored
    finally:
        _stored = None


def _math_problems(text: str) -> tuple[str, ...]:
    problems = []
    if not braces_balance(text):
        problems.append("unbalanced { } braces (a LaTeX leftover?); they are shown and cited literally")
    if macros := disallowed_macros(text):
        listed = ", ".join(f"\\{macro}" for macro in macros)
        problems.append(f"math using {listed} is shown as text: author math may use letters, Greek, fonts, "
                        "accents, operators, relations, arrows and \\text only")
    problems.extend(f"${formula}$ is shown as text: it holds {', '.join(hazards)}"
                    for formula, hazards in hazardous_formulas(text))
    for formula in (segment for is_math, segment in math_segments(text) if is_math):
        try:
            mathml(formula, display=False)
        except UnconvertibleMath as error:
            problems.append(f"${formula}$ cannot be typeset ({error}); it is shown as its source")
    return tuple(problems)


_kept_math_problems = lru_cache(maxsize=KEPT_MATH_CHECKS)(_math_problems)


def _nearest_file(papers_dir: Path, relative: PurePosixPath) -> str:
    """A ' (did you mean ...?)' hint naming the file of the same folder whose name differs only in
    case (a trial's ``slides/Mahoney.pdf`` for ``mahoney.pdf``), else the closest; or nothing."""
    folder = papers_dir / relative.parent
    names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file()) if folder.is_dir() else []
    same = [name for name in names if name.casefold() == relative.name.casefold()]
    found = same or difflib.get_close_matches(relative.name, names, n=1)
    return f" (did you mean '{(relative.parent / found[0]).as_posix()}'?)" if found else ""


def valid_id(data: Located) -> str | None:
    """The record's id, when it is a valid one (an invalid one's own error names it)."""
    rid = data.get("id")
    return rid if isinstance(rid, str) and _SLUG.match(rid) and len(rid) <= MAX_ID_LENGTH else None


def _followed(folder: Path, relative: PurePosixPath) -> bool:
    """Whether a symbolic link is on the way from ``folder`` to the file ``relative`` to it: only
    then can it lead outside. Resolving every path of a thousand records took 0.05 s of each load."""
    return any(os.path.islink(os.path.join(folder, *relative.parts[:count])) for count in range(1, len(relative.parts) + 1))


def suggested_slug(value: str) -> str | None:
    """The URL-safe id that :meth:`Fields.slug` tells a refused ``value`` to be written as (lower-cased,
    every run of other characters a hyphen: ``BJxg_hvtwH``, ``bjxg-hvtwh``), if it suggests one."""
    safe = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return safe if value.isascii() and _SLUG.match(safe) else None


def _kind(value: object) -> str:
    """What a value read from YAML is, in words: a Python type's name ("Located") said nothing."""
    return "a mapping (fields with names)" if isinstance(value, dict) else "a text" if isinstance(value, str) else \
        f"{type(value).__name__} {value!r}"


def list_items(value: object) -> object:
    """A list field's value as its items: a text split at ';', ',' or '|' (as a spreadsheet cell or
    a hurried ``keywords: a, b`` writes a list), else the value as it is."""
    return re.split(r"[;,|]", value) if isinstance(value, str) else value


class Fields:
    """Reads the fields of one record, checking types and reporting unknown fields."""

    def __init__(self, data: Located, file: str, where: str, known: tuple[str, ...], diags: Diagnostics,
                 item: str | None = None):
        self.data = data
        """The record as read from the file."""
        self.file = file
        """The input file, relative to the project."""
        self.where = where
        """How diagnostics name the record, e.g. ``papers[2]``."""
        self.item = item
        """The id of the record (or of the record this one is nested in) that diagnostics give too."""
        self.diags = diags
        """Where problems go."""
        for name in data:
            if name not in known:
                self.error(name, f"unknown field{did_you_mean(name, list(known))}")

    @property
    def line(self) -> int:
        """The line the record starts on."""
        return self.data.line

    def _locate(self, name: str | None) -> tuple[int, str]:
        """The line and label of field ``name`` (or of the whole record when None)."""
        return (self.data.line_of(name), f"{self.where}.{name}") if name else (self.data.line, self.where)

    def error(self, name: str | None, message: str) -> None:
        """Report a problem with field ``name`` (or the whole record when None) that stops the build."""
        self.diags.error(self.file, *self._locate(name), message, self.item)

    def warning(self, name: str | None, message: str) -> None:
        """Report a problem with field ``name`` (or the whole record when None) worth fixing."""
        self.diags.warning(self.file, *self._locate(name), message, self.item)

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "required field is missing")
            return None
        return value

    def text(self, name: str, required: bool = False, multiline: bool = False, math: bool = False) -> str | None:
        """A text field; numbers are refused so that e.g. an id of 1e3 cannot silently change. With
        ``math``, a text that may hold ``$math$`` (a title, an abstract): unbalanced braces and math
        using macros author math may not use are reported, as they are shown and cited as text."""
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(name, f"expected text, got {type(value).__name__} {value!r}; put it in quotes")
            return None
        value = clean_text(value) if multiline else one_line(value)
        if not value and required:
            self.error(name, "required field is empty")
        if value and math:
            self._check_math(name, value)
        return value or None

    def _check_math(self, name: str, text: str) -> None:
        for problem in math_problems(text):
            self.warning(name, problem)

    def integer(self, name: str, required: bool = False) -> int | None:
        """A whole-number field."""
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(name, f"expected a whole number, got {value!r}")
            return None
        return value

    def boolean(self, name: str, default: bool) -> bool:
        """A yes/no field."""
        value = self._get(name, False)
        if value is None:
            return default
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
            return value.strip().lower() in ("true", "yes")
        if not isinstance(value, bool):
            self.error(name, f"expected true or false, got {value!r}")
            return default
        return value

    def slug(self, name: str, required: bool = False) -> str | None:
        """A URL-safe id (lower-case letters, digits and hyphens) that names pages and files."""
        value = self.text(name, required)
        if value is not None and not _SLUG.match(value):
            # An id with capitals or underscores (an OpenReview forum id copied from a spreadsheet)
            # would name pages that clash on a case-insensitive disk: say what to write instead.
            instead = f"; write {safe!r}" if (safe := suggested_slug(value)) else ""
            self.error(name, f"{value!r} is not URL-safe: use lower-case letters, digits and hyphens{instead}")
            return None
        if value is not None and len(value) > MAX_ID_LENGTH:
            self.error(name, f"{value[:20]}... is {len(value)} characters long; an id names files, so at most {MAX_ID_LENGTH}")
            return None
        return value

    def date(self, name: str, required: bool = False) -> dt.date | None:
        """A calendar date written as YYYY-MM-DD."""
        if isinstance(raw := self.data.get(name), int) and not isinstance(raw, bool):
            self.error(name, f"expected a date as YYYY-MM-DD, got the number {raw}")
            return None
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            if _ISO_DATE.match(value):
                self.error(name, f"{value!r} is not a real date ({error})")
            else:
                self.error(name, f"expected a date as YYYY-MM-DD, got {value!r}")
            return None

    def duration(self, name: str) -> str | None:
        """A length such as ``44:10`` or ``1:02:03``. Unquoted, YAML 1.1 reads those as a number of
        seconds (sexagesimal), which is written back the way it was meant."""
        value = self._get(name, False)
        if isinstance(value, int) and not isinstance(value, bool):
            hours, rest = divmod(value, 3600)
            return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
        text = self.text(name)
        if text is not None and not _DURATION.fullmatch(text):
            self.error(name, f"expected a length such as 44:10 or 1:02:03, got {text!r}")
            return None
        return text

    def url(self, name: str, required: bool = False) -> str | None:
        """An http(s) URL field; any other scheme (javascript:, data:, file:) is refused."""
        value = self.text(name, required)
        if value is None:
            return None
        if not _URL.match(value):
            self.error(name, f"expected an http:// or https:// URL, got {value!r}")
            return None
        if "@" in urlsplit(value).netloc:  # https://github.com@evil.example/ leads to evil.example
            self.error(name, f"{value!r} names a user before its host (the link would lead to what follows the @)")
            return None
        # The scheme in lower case: MyST took HTTPS://x for a reference to a page, and the theme left it out.
        scheme, _, rest = value.partition(":")
        return f"{scheme.lower()}:{rest}"

    def doi(self, name: str) -> str | None:
        """A DOI field, bare or as a ``https://doi.org/`` URL, given back bare."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return normalised_doi(value)
        except ValueError as problem:
            self.error(name, f"{value!r} is not a DOI: {problem}")
            return None

    def path(self, name: str, papers_dir: Path) -> str | None:
        """A file path relative to ``papers/`` that exists and does not lead outside it."""
        text = self.text(name)
        if text is None:
            return None
        relative = PurePosixPath(text)
        if relative.is_absolute() or ".." in relative.parts or "\\" in text:
            self.error(name, f"{text!r} must be a path inside papers/, such as 'pdf/paper.pdf'")
            return None
        path = papers_dir / relative
        if not path.is_file():
            self.error(name, f"file papers/{text} does not exist{_nearest_file(papers_dir, relative)}")
            return None
        if _followed(papers_dir, relative) and not path.resolve().is_relative_to(papers_dir.resolve()):
            self.error(name, f"papers/{text} is a link to a file outside papers/; copy the file in instead")
            return None
        return relative.as_posix()

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
        """One of ``choices``; ``default`` when the field is absent."""
        raw = self._get(name, required=default is None)
        if raw is None:
            return default
        if not isinstance(raw, str):  # YAML reads yes/no/on/off as true/false
            hint = " (unquoted, YAML reads yes and no as true and false)" if isinstance(raw, bool) else ""
            self.error(name, f"{raw!r} is not one of: {', '.join(choices)}{hint}")
            return None
        value = self.text(name)
        if value is None:
            return default
        if value not in choices:
            self.error(name, f"{value!r} is not one of: {', '.join(choices)}{did_you_mean(value, list(choices))}")
            return None
        return value

    def text_list(self, name: str) -> tuple[str, ...]:
        """A list of texts, given as a YAML list, or as one text separated by ';', ',' or '|' (as a
        spreadsheet cell or a hurried ``keywords: a, b`` writes it)."""
        value = self._get(name, False)
        if value is None:
            return ()
        items = list_items(value)
        if not isinstance(items, list):
            self.error(name, f"expected a list of texts, got {value!r}")
            return ()
        # As for a text: YAML reads an unquoted yes, No, on or 1:20 as true, false, true and 80.
        if others := [item for item in items if not isinstance(item, str)]:
            self.error(name, f"expected texts, got {', '.join(f'{type(item).__name__} {item!r}' for item in others)}; "
                             "put each in quotes")
            return ()
        texts = [text for item in items if (text := one_line(item))]
        if isinstance(value, list) and (joined := [text for text in texts if re.search(r"[;|]", text)]):
            # A text is split at these; a list's item is not, though one may hold two (`[a; b]`).
            self.warning(name, f"{', '.join(map(repr, joined))}: one item holding ';' or '|' (two in one?); "
                               "write each as an item of its own")
        if repeated := sorted(text for text, count in Counter(texts).items() if count > 1):
            self.warning(name, f"{', '.join(map(repr, repeated))} listed more than once; shown once")
        return tuple(dict.fromkeys(texts))

    def records(self, name: str, required: bool = False,
                from_text: Callable[[str], Located | None] | None = None) -> list[tuple[str, Located]]:
        """A list of mappings, each with its label for diagnostics (e.g. ``papers[2].authors[0]``);
        ``from_text`` makes a mapping of an item written as text (None: it reported why it cannot)."""
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(name, f"expected a list (each item on a line of its own, after '- '), got {_kind(value)}")
            return []
        found = []
        for index, item in enumerate(value):
            if from_text and isinstance(item, str):
                item = from_text(item)
                if item is None:
                    continue
            if isinstance(item, Located):
                found.append((f"{self.where}.{name}[{index}]", item))
            else:
                self.error(name, f"item {index + 1} should be a record with named fields, got {item!r}")
        return found

    def sub(self, label: str, data: Located, known: tuple[str, ...]) -> Fields:
        """A reader for a nested record of this one."""
        return Fields(data, self.file, label, known, self.diags, self.item)
