"""Problems found in a project's inputs, collected so they can all be reported at once."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How serious a problem is: errors stop the build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


# A message quotes the value it is about; a value may be a megabyte of author text.
MAX_MESSAGE = 400
# What a quoted value must not bring to the terminal: a control character (an escape sequence acts on
# it: clears it, retitles it) or a bidi override (it reorders the line). Each is written as its escape.
# A message may go on over lines (docutils quotes the text at fault); a file name is on one.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _printable(message: str, unprintable: re.Pattern = _UNPRINTABLE) -> str:
    """``message`` with each character that would act on a terminal written as its escape (``\\x1b``)."""
    return unprintable.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), message)


def printable_name(name: str) -> str:
    """A file's name as it may be written on a line of the terminal: each character that would act
    on it, a line break or a tab too (a name holding one could forge a line of the output), written
    as its escape."""
    return _printable(name, _UNPRINTABLE_IN_NAMES)


def excerpt(message: str) -> str:
    """``message``, its middle cut out when it is longer than ``MAX_MESSAGE`` characters (the start
    names the value, the end often says what to do)."""
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE * 2 // 3]} [... {len(message):,} characters ...] {message[-MAX_MESSAGE // 4:]}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one input, located as precisely as the input allows."""

    file: str
    """Path of the input file, relative to the project folder."""
    line: int | None
    """1-based line (or CSV row's first line) the problem is on, when known."""
    field: str | None
    """The record's field the problem concerns, e.g. ``papers[3].authors``."""
    message: str
    """What is wrong, in words an organizer can act on."""
    severity: Severity = Severity.ERROR
    """Whether this problem stops the build."""
    item: str | None = None
    """The id of the record concerned, when it has a valid one: what an organizer searches for (a
    record's position, ``papers[6]``, names another after one above it is deleted)."""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f" {self.field}{f' ({self.item})' if self.item else ''}:" if self.field else ""
        return f"{where}: {self.severity.value}:{what} {self.message}"


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics with helpers to add to it."""

    items: list[Diagnostic] = field(default_factory=list)
    """Every problem found so far, in the order found."""

    def error(self, file: str, line: int | None, field: str | None, message: str, item: str | None = None) -> None:
        """Record a problem that stops the build (in the record whose id is ``item``)."""
        self.items.append(Diagnostic(printable_name(file), line, field, excerpt(_printable(message)), Severity.ERROR, item))

    def warning(self, file: str, line: int | None, field: str | None, message: str, item: str | None = None) -> None:
        """Record a problem worth fixing that does not stop the build (in the record whose id is ``item``)."""
        self.items.append(Diagnostic(printable_name(file), line, field, excerpt(_printable(message)), Severity.WARNING, item))

    def extend(self, other: Diagnostics) -> None:
        """Append every diagnostic of ``other``."""
        self.items.extend(other.items)

    @property
    def error_count(self) -> int:
        """How many diagnostics are errors."""
        return sum(d.severity is Severity.ERROR for d in self.items)

    def has_errors_since(self, count: int) -> bool:
        """Whether a diagnostic found after the first ``count`` is an error (one record's, say, when
        ``count`` is how many there were before it was read)."""
        return any(d.severity is Severity.ERROR for d in self.items[count:])

    @property
    def has_errors(self) -> bool:
        """Whether any diagnostic is an error."""
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """The diagnostics ordered by file and line, for reading."""
        return sorted(self.items, key=lambda d: (d.file, d.line or 0, d.field or "", d.message))

    def to_json(self) -> str:
        """The diagnostics as a JSON list, for machines."""
        return json.dumps(Diagnostics(self.sorted()).as_records(), indent=2)

    def as_records(self) -> list[dict]:
        """The diagnostics as JSON's objects, in the order found."""
        return [{**asdict(d), "severity": d.severity.value} for d in self.items]

    @classmethod
    def from_records(cls, records: list[dict]) -> Diagnostics:
        """The diagnostics :meth:`as_records` gave (they were made printable then)."""
        return cls([Diagnostic(**{**record, "severity": Severity(record["severity"])}) for record in records])
