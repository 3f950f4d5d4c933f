"""Reading input files (YAML, CSV) into plain data that remembers where each value came from."""

from __future__ import annotations

import bisect
import csv
import difflib
import io
import itertools
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostics


class Located(dict):
    """A mapping read from a file, with the line of the record and of each of its keys."""

    line: int
    """1-based line where the record starts."""
    key_lines: dict[str, int]
    """1-based line of each key."""
    complete = True
    """False for a CSV row with another number of cells than the header (a quote left open shifts
    them), of which only the id in the first column is kept: the program and the recordings still
    know the paper, so that one typo gives one error."""

    def line_of(self, key: str) -> int:
        """The line of ``key`` if present, else the record's line."""
        return self.key_lines.get(key, self.line)


# libyaml's parser is about ten times faster than PyYAML's own, and keeps the same marks.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


# Line breaks to YAML, not to an editor (nor to ``str.split("\n")``): text pasted from Word may hold them.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


class _EditorLines:
    """Where a YAML mark is as an editor counts lines: YAML also breaks lines at U+0085, U+2028
    and U+2029, which put every later line number off by one for each."""

    def __init__(self, text: str):
        self.breaks = [found.start() for found in re.finditer("\n", text)] if _YAML_ONLY_BREAKS.search(text) else None

    def of(self, mark: Any) -> tuple[int, int]:
        """The mark's line and column, from 0."""
        if self.breaks is None:
            return mark.line, mark.column
        line = bisect.bisect_left(self.breaks, mark.index)
        return line, mark.index - (self.breaks[line - 1] + 1 if line else 0)

    def line(self, mark: Any) -> int:
        """The mark's line, from 1."""
        return self.of(mark)[0] + 1


_TEXT_TAG = "tag:yaml.org,2002:str"


class _LineLoader(_SafeLoader):
    """A safe YAML loader whose mappings are :class:`Located` and that reports duplicate keys."""

    def __init__(self, stream: str, duplicates: list[tuple[str, int]]):
        super().__init__(stream)
        self.duplicates = duplicates
        self.lines = _EditorLines(stream)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Located:
        self.flatten_mapping(node)
        mapping = Located()
        mapping.line = self.lines.line(node.start_mark)
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self._constructed(key_node)
            key = str(key) if not isinstance(key, str) else key
            if key in mapping:
                self.duplicates.append((key, self.lines.line(key_node.start_mark)))
            mapping[key] = self._constructed(value_node)
            mapping.key_lines[key] = self.lines.line(key_node.start_mark)
        return mapping

    def _constructed(self, node: yaml.Node) -> Any:
        # A text is its node's value, as SafeConstructor makes it: most keys and values of 1,000
        # records, which PyYAML's constructing machinery took 0.1 s to give.
        if node.tag == _TEXT_TAG and isinstance(node, yaml.ScalarNode):
            return node.value
        return self.construct_object(node, deep=True)



_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
# Dates stay strings so that every field is validated the same way, by the record that reads it.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


MAX_VALUES = 1_000_000
"""The most values a YAML file may hold once its aliases are expanded: a few hundred bytes of nested
aliases (a "billion laughs") otherwise expand to billions, and a diagnostic quoting one would take
the machine's memory."""


# An anchor (``&name``) where a node's properties may begin: at a line's start, after a space, a flow
# indicator or a key's colon. Without one a document has no alias, and no more values than characters.
_ANCHOR_NAME = re.compile(r"&[^\s\[\]{},]")
_BEFORE_ANCHOR = "[{,:?-"


def _may_hold_anchors(text: str) -> bool:
    """Whether the YAML ``text`` may define an anchor, which its aliases could expand (an ``&`` in
    a title, "R&D", defines none): the expanded size of 1,000 records, 0.09 s, is then counted.
    Each ``&`` is found first, then what is before it looked at: one pattern for both tried every
    character of the file (20 ms for 1,000 records, against 0.7)."""
    return any(found.start() == 0 or text[found.start() - 1].isspace() or text[found.start() - 1] in _BEFORE_ANCHOR
               for found in _ANCHOR_NAME.finditer(text))


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values ``node`` stands for with every alias expanded; an alias is the very node it
    names, so each node's size is counted once (``sizes``, by node) however often it is used."""
    if id(node) not in sizes:
        sizes[id(node)] = 0  # a node inside itself (a recursive alias) adds nothing more
        children: list = []
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        sizes[id(node)] = 1 + sum(min(_expanded_size(child, sizes), MAX_VALUES + 1) for child in children)
    return sizes[id(node)]


def read_text(path: Path, rel: str, diags: Diagnostics) -> str | None:
    """The file's text as NFC-normalized UTF-8, or None with a diagnostic when it cannot be decoded."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = "UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "probably Latin-1 or Windows-1252"
        diags.error(rel, line, None, f"file is not UTF-8 ({guess}; byte 0x{data[exc.start]:02x}); save it as UTF-8")
        return None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n"))


# The constructs that YAML reads on from where they open to where it finds it cannot go on, by the
# words YAML gives: a quote or a bracket left unclosed is reported where it opens.
_OPENED = {"while scanning a quoted scalar": "a quoted text", "while scanning a double-quoted scalar": "a quoted text",
           "while parsing a quoted scalar": "a quoted text",
           "while parsing a flow sequence": "a [ list", "while parsing a flow mapping": "a { mapping"}


def yaml_syntax_error(exc: Any, text: str) -> tuple[int | None, str]:
    """The line of a YAML syntax error in ``text`` (PyYAML's or ruamel.yaml's: the same marks and
    words) and what to say of it."""
    where = _EditorLines(text)
    problem = where.of(exc.problem_mark) if exc.problem_mark else None
    opened = where.of(exc.context_mark) if exc.context_mark else None
    lines = text.split("\n")
    if opened and problem and exc.context in _OPENED and opened[0] != problem[0]:
        what = _OPENED[exc.context]
        if _left_open(lines, opened[0], problem[0]):
            return opened[0] + 1, _not_closed(opened, what, problem, exc.problem)
        return problem[0] + 1, (f"YAML syntax error, column {problem[1] + 1}: {exc.problem} (in {what} opened at "
                                f"line {opened[0] + 1})")
    if problem and (unclosed := _unclosed_quote(lines, problem[0])):
        return unclosed[0] + 1, _not_closed(unclosed, "a quoted text", problem, exc.problem)
    mark = problem or opened
    if mark is None:
        return None, f"YAML syntax error: {exc.problem or exc.context}"
    line, column = mark
    tab = line < len(lines) and lines[line][column:column + 1] == "\t"
    odd_break = line < len(lines) and _YAML_ONLY_BREAKS.search(lines[line])
    hint = " (a tab: YAML indents with spaces only)" if tab else \
        f" (line {line + 1} holds U+{ord(odd_break.group()):04X}, a line break to YAML: delete it)" if odd_break else \
        _structure_hint(exc.problem or "")
    return line + 1, f"YAML syntax error, column {column + 1}: {exc.problem or exc.context}{hint}"


def _structure_hint(problem: str) -> str:
    """What to look at for one of YAML's words about its structure, which name its parser's states
    (a new-user trial's "did not find expected '-' indicator" was a field indented one space short)."""
    if problem.startswith(("expected <block end>", "did not find expected '-' indicator", "did not find expected key")):
        return " (is the line indented as the other fields of its record? YAML reads records from the indentation)"
    if problem.startswith("mapping values are not allowed"):
        return (" (a value holding a colon and a space is quoted: title: \"A: B\"; or is the line indented deeper "
                "than the field above it?)")
    return ""


def _not_closed(opened: tuple[int, int], what: str, problem: tuple[int, int], words: str | None) -> str:
    """What is said of ``what``, opened at ``opened`` (line and column, from 0) and read on by YAML
    to ``problem``, where it said ``words``."""
    return (f"YAML syntax error, column {opened[1] + 1}: {what} opened here is not closed "
            f"(YAML read on to line {problem[0] + 1}, column {problem[1] + 1}: {words})")


# A line whose value opens a quoted text that it does not close (a double quote not escaped, or a
# single quote not doubled), the quote and what follows it as the group "quoted".
_OPENS_A_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#'"][^#'"]*?:\s+)?(?P<quoted>"(?:[^"\\]|\\.)*|'(?:[^']|'')*)$""")
_QUOTES_TRIED = 20
"""How many lines opening a quote, nearest first, are tried as the one left open."""


def _unclosed_quote(lines: list[str], problem: int) -> tuple[int, int] | None:
    """The line and column (from 0) of a quote left open above line ``problem``, where YAML found
    it could not go on: it read the quote on over the next records up to another field's quote (a
    new-user trial's `title: "Curvature Graph Networks` was reported 150 lines below). The quote is
    the one that, closed where its line ends, lets YAML read past ``problem``."""
    opening = ((line, found) for line in range(problem - 1, -1, -1) if (found := _OPENS_A_QUOTE.match(lines[line])))
    for line, found in itertools.islice(opening, _QUOTES_TRIED):
        # Closed where its line ends, or where the lines indented deeper that go on its text end (a
        # long abstract wrapped, which a verification trial found reported below).
        if any(_reads_past(lines, end, found["quoted"][0], problem) for end in {line, _text_end(lines, line)}):
            return line, found.start("quoted")
    return None


def _text_end(lines: list[str], line: int) -> int:
    """The last of the lines after ``line`` indented deeper than it, which go on its text."""
    end = line
    while end + 1 < len(lines) and lines[end + 1].strip() and _indent(lines[end + 1]) > _indent(lines[line]):
        end += 1
    return end


def _reads_past(lines: list[str], end: int, quote: str, problem: int) -> bool:
    """Whether YAML reads past line ``problem`` once ``quote`` closes line ``end``."""
    closed = "\n".join([*lines[:end], lines[end] + quote, *lines[end + 1:]])
    try:
        yaml.compose(closed, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        return exc.problem_mark is not None and exc.problem_mark.line > problem
    except (yaml.YAMLError, RecursionError):
        return False
    return True


def _left_open(lines: list[str], opened: int, problem: int) -> bool:
    """Whether YAML, reading a construct opened on line ``opened`` (from 0), failed at the file's end
    or on a line indented no deeper than that one, or read on over such a line (the record's next
    field, or the next record: a quote left open read later records until a backslash in an abstract
    far below): the construct was left open. A construct that goes on over lines indented deeper (a
    list of authors over two lines) failed inside, where YAML says."""
    if problem >= len(lines) or not lines[problem].strip():
        return True
    if _indent(lines[problem]) <= _indent(lines[opened]):
        return True
    # A quoted text's next lines may be as deep as its key: only a field's or an item's start tells.
    return any(_STARTS_AN_ENTRY.match(line) and _indent(line) <= _indent(lines[opened])
               for line in lines[opened + 1:problem])


_STARTS_AN_ENTRY = re.compile(r"\s*(- |-$|[\w-]+:(\s|$))")


def _indent(line: str) -> int:
    """Where the line's content starts, after its spaces and list dashes (``- id:`` is the record's
    first field, as deep as its next)."""
    return len(line) - len(line.lstrip(" -"))


DUPLICATE_KEY = "key appears twice in the same record; the second would silently win"
"""What is said of a key that a record gives twice (YAML reads the second)."""


def load_yaml(path: Path, rel: str, diags: Diagnostics) -> Any:
    """The YAML document in ``path``; None (with diagnostics) when it cannot be read."""
    text = read_text(path, rel, diags)
    if text is None:
        return None
    if unreadable := _unreadable_characters(text):
        for line, message in unreadable:
            diags.error(rel, line, None, message)
        return None
    duplicates: list[tuple[str, int]] = []
    loader = _LineLoader(text, duplicates)
    try:
        node = loader.get_single_node()
        if node is not None and _may_hold_anchors(text) and _expanded_size(node, {}) > MAX_VALUES:
            diags.error(rel, None, None, f"its aliases (*name) expand to more than {MAX_VALUES:,} values; "
                                         "write the records out instead")
            return None
        return loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        at, message = yaml_syntax_error(exc, text)
        diags.error(rel, at, None, message)
        return None
    except RecursionError:  # a few hundred nested [ ] or mappings: Python's stack, not YAML's limit
        diags.error(rel, None, None, "its lists and mappings are nested too deeply to read; write it flatter")
        return None
    finally:
        loader.dispose()
        for key, line in duplicates:
            diags.error(rel, line, key, DUPLICATE_KEY)


MAX_CHARACTERS_NAMED = 50
"""How many characters YAML refuses are named one by one; the rest are counted (a hostile file may
hold a million)."""


def _unreadable_characters(text: str) -> list[tuple[int | None, str]]:
    """The line of each character YAML refuses to read (a control character, as text copied from a
    PDF may hold: a form feed), and what to say of it; past :data:`MAX_CHARACTERS_NAMED`, how many
    more there are. PyYAML raised its ``ReaderError`` for the first, which carries no line."""
    problems: list[tuple[int | None, str]] = []
    line, counted = 1, 0
    found = list(itertools.islice(yaml.reader.Reader.NON_PRINTABLE.finditer(text), MAX_CHARACTERS_NAMED + 1))
    for character in found[:MAX_CHARACTERS_NAMED]:
        line += text.count("\n", counted, character.start())
        counted = character.start()
        column = character.start() - (text.rfind("\n", 0, character.start()) + 1) + 1
        kind = "control character" if unicodedata.category(character.group()) == "Cc" else "character"
        problems.append((line, f"column {column}: the {kind} U+{ord(character.group()):04X} cannot be in a YAML file "
                               "(text copied from a PDF may hold a form feed, U+000C): delete it or put a space instead"))
    if len(found) > MAX_CHARACTERS_NAMED:
        more = len(yaml.reader.Reader.NON_PRINTABLE.findall(text, found[-1].start()))
        problems.append((None, f"and {more:,} more such characters after line {line}"))
    return problems


def load_csv(path: Path, rel: str, diags: Diagnostics, columns: tuple[str, ...],
             required: tuple[str, ...], hints: dict[str, str] | None = None) -> list[Located] | None:
    """The rows of a CSV file with a header row, each a :class:`Located` at its first line, keyed by
    ``columns``. The separator is the one the header uses (',', ';' as European spreadsheets
    write, or a tab as a copy from a spreadsheet's cells pastes). Header problems are reported once,
    on line 1: a column written in other capitals is read (with a warning), an unknown one is left
    out (an error, with ``hints``' advice for it, by its name in lowercase, or a "did you mean"), and
    a missing ``required`` one gives no rows at all (an error, rather than one per row)."""
    text = read_text(path, rel, diags)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        diags.error(rel, 1, None, "CSV file is empty; the first row must name the columns")
        return None
    names = _header_names([name.strip() for name in header], rel, diags, columns, hints or {})
    if missing := [column for column in required if column not in names]:
        diags.error(rel, 1, None, f"the header has no column {', '.join(map(repr, missing))}, which every row needs; "
                                  f"its columns are: {', '.join(header)}")
        return None
    rows: list[Located] = []
    lines = text.split("\n")  # once: each row with the wrong number of cells reads some of them
    start = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if len(cells) != len(header):
                rows += _incomplete_rows(lines, cells, start, reader.line_num, delimiter, names[0] == "id")
                diags.error(rel, start, None, f"row has {len(cells)} cells but the header has {len(header)}"
                                              + _open_quote(lines, start, reader.line_num))
            else:
                row = Located((name, cell) for name, cell in zip(names, cells, strict=True) if name and cell.strip())
                row.line, row.key_lines = start, {}
                rows.append(row)
        start = reader.line_num + 1
    return rows


def _open_quote(lines: list[str], start: int, end: int) -> str:
    """What a row read from lines ``start`` to ``end`` says of a quote left open in it: that it took
    in the rows after it, or, on the file's last line, that it is open (a second trial's last row
    was only "row has 2 cells")."""
    if end > start:
        return f" (it runs on to line {end}: a quote left open takes in the rows after it)"
    return " (a quote in it is left open)" if start <= len(lines) and lines[start - 1].count('"') % 2 else ""


def _incomplete_rows(lines: list[str], cells: list[str], start: int, end: int, delimiter: str,
                     ids_first: bool) -> list[Located]:
    """The incomplete records of a row with the wrong number of cells, read from its lines ``start``
    to ``end``: when the id is the first column (``ids_first``), the id of its first cell, and the
    first cell of each line it took in (a quote left open reads the rows after it into one cell)."""
    if not ids_first:
        return []
    found = [(start, cells[0])] + [(line, lines[line - 1].split(delimiter, 1)[0].strip())
                                   for line in range(start + 1, min(end, len(lines)) + 1)]
    rows = []
    for line, rid in found:
        if rid:
            row = Located(id=rid)
            row.line, row.key_lines, row.complete = line, {}, False
            rows.append(row)
    return rows


def _header_names(header: list[str], rel: str, diags: Diagnostics, columns: tuple[str, ...],
                  hints: dict[str, str]) -> list[str | None]:
    """The column each header cell names (None for one left out), its problems reported on line 1."""
    by_folded = {column.casefold(): column for column in columns}
    names: list[str | None] = []
    for cell in header:
        name = cell if cell in columns else by_folded.get(cell.casefold().replace(" ", "_"))
        if name is None:
            hint = f" ({hints[cell.lower()]})" if cell.lower() in hints else did_you_mean(cell.lower(), list(columns))
            diags.error(rel, 1, None, f"unknown column {cell!r}{hint}; its cells are left out")
        elif name != cell:
            diags.warning(rel, 1, None, f"column {cell!r} read as {name!r}")
        names.append(name)
    return names


def record_list(document: object) -> object:
    """What holds a file's records: the document itself (a list), or the list under its one key
    (``papers:``)."""
    if isinstance(document, dict) and len(document) == 1 and isinstance(next(iter(document.values())), list):
        return next(iter(document.values()))
    return document


def did_you_mean(word: str, choices: list[str]) -> str:
    """A ' (did you mean X?)' hint for a misspelt name, or an empty string."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
