"""People (authors, organizers, committee members) and how their names split for citations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from ..records.fields import Fields
from ..records.sources import Located
from ..util.latex import latex_as_text

PERSON_FIELDS = ("name", "given", "family", "affiliation", "orcid", "email", "url")

# Lower-case words that belong to the family name ("Johannes van der Waals", "Maria de la Cruz").
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "ten", "ter", "zu",
              "bin", "ibn", "al", "el"}
# Irish words that open a family name, capital and all ("Aoife Ní Bhriain", "Seán Ó Ríordáin").
_IRISH_PREFIXES = {"Ó", "Ní", "Nic", "Mac", "Mhic", "Uí", "Ua"}
# Particles written with a capital, which open a family name before its last word or its lower-case
# particles ('Tom Van de Wiele', 'Ronan Le Bras': cited as 'de Wiele' and 'Bras', a researcher's trial).
_CAPITAL_PARTICLES = {"Van", "Von", "De", "Del", "Della", "Le", "La", "Dos", "Das", "Ten", "Ter"}
# Words that join two family names into one ('Blaise Aguera y Arcas').
_CONJUNCTIONS = {"y", "e"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# What separates people in a text naming several ('&' and ';' only as words, not inside '&amp;'),
# and the parentheses inside which nothing does.
_SEPARATOR = re.compile(r"[(),|]|;(?=\s|$)|\s&\s|\band\b")
# A full stop after a one-letter word and before a letter: between two initials ('C.H.', not 'Ph.D.').
_RUN_TOGETHER_INITIALS = re.compile(r"(?<=(?<![^\W\d_])[^\W\d_]\.)(?=[^\W\d_])")
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


@dataclass(frozen=True)
class NameParts:
    """A name split the way BibTeX and citation styles need it."""

    given: str
    """Given names, possibly empty (mononyms); initials written together are spaced ('C.H.' as 'C. H.')."""
    family: str
    """Family name including particles such as 'van der'."""
    suffix: str = ""
    """Generational suffix such as 'Jr.'."""


@dataclass(frozen=True)
class Person:
    """A person named in the inputs: a paper's author, an organizer or a committee member."""

    name: str
    """The name as the person writes it, shown everywhere as is."""
    affiliation: str | None = None
    """Institution, shown beside the name."""
    orcid: str | None = None
    """ORCID iD (``0000-0002-1825-0097``), checksum-verified."""
    given: str | None = None
    """Given names, when the input states them because the split cannot be guessed."""
    family: str | None = None
    """Family name, when the input states it (family-first names, compound names)."""
    url: str | None = None
    """Personal web page."""

    @property
    def parts(self) -> NameParts:
        """The name split into given, family and suffix: as stated in the input, else guessed."""
        if self.family:
            return NameParts(spaced_initials(self.given or ""), self.family)
        return split_name(self.name)

    @property
    def family_first(self) -> str:
        """The name as Zotero, Scholar and DataCite split it: 'Family, Given' (the family with its
        particle, a suffix after the given names, where Zotero keeps it); a name without given names
        (a mononym, a CJK name) whole, as one field."""
        parts = self.parts
        if not parts.given:
            return " ".join(part for part in (parts.family, parts.suffix) if part)
        return f"{parts.family}, {' '.join(part for part in (parts.given, parts.suffix) if part)}"

    @property
    def orcid_url(self) -> str | None:
        """The ORCID iD as the URL ORCID asks everyone to display."""
        return f"https://orcid.org/{self.orcid}" if self.orcid else None

    @property
    def ascii_family(self) -> str:
        """The family name transliterated to lower-case ASCII letters, for citation keys."""
        words = [w for w in self.parts.family.split() if w.lower() not in _PARTICLES]
        return re.sub(r"[^a-z]", "", anyascii(" ".join(words) or self.parts.family).lower())


@lru_cache(maxsize=1 << 16)
def split_name(name: str) -> NameParts:
    """Given/family/suffix for a name written given-names-first, e.g. 'Johannes van der Waals Jr.'.
    Cached: every output asks for each author's parts, 40,000 times a build at 1,000 papers."""
    # An initial written against the family name ('Ethan X.Fang') is a word of its own.
    words = spaced_initials(name).replace(",", " ").split()
    suffix = ""
    if len(words) > 1 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    if len(words) <= 1:
        return NameParts("", " ".join(words), suffix)
    start = len(words) - 1
    while start > 1 and (words[start - 1] in _PARTICLES or words[start - 1] in _IRISH_PREFIXES
                         or words[start - 1] in _CONJUNCTIONS):
        start -= 1
        if words[start] in _CONJUNCTIONS and start > 1:
            start -= 1  # and the family name the conjunction joins
    if start > 1 and words[start - 1] in _CAPITAL_PARTICLES:
        start -= 1
    return NameParts(" ".join(words[:start]), " ".join(words[start:]), suffix)


def spaced_initials(given: str) -> str:
    """``given`` with a space after each initial written against the next word ('Steven C.H.' as
    'Steven C. H.'), as Zotero stores them from a page's tags: BibTeX takes each word's first letter
    for its initial, so its abbreviating styles (abbrv, IEEE, ACM) printed 'S. C. Hoi' (a new-user
    trial; seven names of the ICLR 2020 papers are written so)."""
    return _RUN_TOGETHER_INITIALS.sub(" ", given)


def orcid_is_valid(orcid: str) -> bool:
    """Whether the ORCID iD's last character is its ISO 7064 11-2 check digit."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def several_people(text: str) -> list[str]:
    """The people a text names when it names more than one ('A, B and C', 'A|B', 'A; B', 'A & B'),
    else an empty list. A generational suffix ('Jones, Jr.') and what is in parentheses ('Liu
    (HKUST, Hong Kong)') separate nobody."""
    pieces, depth, start = [], 0, 0
    for match in _SEPARATOR.finditer(text):
        if match.group() == "(":
            depth += 1
        elif match.group() == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            pieces.append(text[start:match.start()])
            start = match.end()
    people: list[str] = []
    for piece in (piece.strip() for piece in [*pieces, text[start:]]):
        if people and piece.lower() in _SUFFIXES:
            people[-1] += f", {piece}"
        elif piece:
            people.append(piece)
    return people if len(people) > 1 else []


def read_person(fields: Fields) -> Person | None:
    """A person from a record with ``name`` and optional details; None when the name is missing."""
    name, given, family = (_as_letters(fields, key, fields.text(key, required=key == "name"))
                           for key in ("name", "given", "family"))
    # A stated family name says how the name splits: it is one person, whatever its commas.
    if name and not family and (people := several_people(name)):
        fields.error("name", _several(fields, name, people))
        return None
    orcid = fields.text("orcid")
    if orcid is not None:
        match = _ORCID.match(orcid)
        if not match or not orcid_is_valid(match.group(1)):
            fields.error("orcid", f"{orcid!r} is not a valid ORCID iD (format 0000-0000-0000-000X, checksum)")
            orcid = None
        else:
            orcid = match.group(1)
    fields.text("email")
    url = fields.url("url")
    if given and not family:
        fields.error("family", "'given' is stated, so 'family' must be stated too")
    if name is None:
        return None
    if not family:
        _warn_about_split(fields, name)
    return Person(name, fields.text("affiliation"), orcid, given, family, url)


# Titles that speaker lists put before names (a new-user trial's "Dr. Aisha Walcott-Bryant").
_HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame"})
# Footnote marks that author lists put after names (equal contribution, corresponding author).
_NOTE_MARKS = re.compile(r"[*†‡§¶⁎∗]|\^\d")


def _warn_about_split(fields: Fields, name: str) -> None:
    """Say where a guessed split is doubtful: a particle left among the given names ('Charles de la
    Vallée Poussin'), or a footnote mark or a title that would be cited as part of the name ('Qian
    Long*', 'Dr. Aisha Walcott-Bryant')."""
    parts = split_name(name)
    inner = [word for word in parts.given.split()[1:] if word in _PARTICLES]
    if inner:
        fields.warning("name", f"{name!r} is cited as given {parts.given!r}, family {parts.family!r}; if the family "
                               f"name starts at {inner[0]!r}, state `family` and `given`")
    if _NOTE_MARKS.search(name):
        fields.warning("name", f"{name!r} holds a footnote mark (equal contribution?), which would be shown and cited "
                               "as part of the name: remove it")
    if (first := name.split()[0]).casefold().rstrip(".") in _HONORIFICS and len(name.split()) > 1:
        fields.warning("name", f"{name!r} starts with the title {first!r}, which would be shown and cited as a given "
                               "name: remove it")


# What marks LaTeX in a name: no name holds a brace or a backslash as a character of its own.
_LATEX_MARK = re.compile(r"[{}\\]")


def _as_letters(fields: Fields, key: str, value: str | None) -> str | None:
    """A name's ``value`` in its letters: one holding LaTeX (``{\\"O}zg{\\"u}r Yilmaz``, ``{Jean-Pierre}
    Dupont``, an OpenReview export's leftovers) is read as the letters it typesets, with a warning. Its
    braces, escaped in the BibTeX, broke a reader's pdfLaTeX run with the abbrv and ieeetr styles
    (a new-user trial), and the page showed them. One that makes no plain letters is kept as written,
    with a warning."""
    if value is None or not _LATEX_MARK.search(value):
        return value
    letters = latex_as_text(value)
    if not letters or _LATEX_MARK.search(letters):  # not LaTeX that makes letters (hostile text is shown as written)
        fields.warning(key, f"{value!r} holds braces or a backslash, which are shown and cited as written: write the "
                            "name in its letters")
        return value
    fields.warning(key, f"{value!r} holds LaTeX (braces, a backslash): read as {letters!r}; write the name in its letters")
    return letters


def read_one_person(fields: Fields, name: str, required: bool = False) -> Person | None:
    """The person in the record field ``name``."""
    data = fields.data.get(name)
    if data is None:
        if required:
            fields.error(name, "required field is missing")
        return None
    if not isinstance(data, Located):
        fields.error(name, "expected a record with name and optionally affiliation, url, orcid")
        return None
    return read_person(fields.sub(f"{fields.where}.{name}", data, PERSON_FIELDS))


def read_people(fields: Fields, name: str, required: bool = False) -> tuple[Person, ...]:
    """Every person in the list field ``name``: records, or names as text ('Ana Silva (MIT)'). One
    text for the whole list, as spreadsheets write it ('A; B', 'A|B'), is split there, and said so
    unless it is the documented CSV form ('A; B'). A ``required`` list with a person in error is
    empty: with --keep-going its record is left out, not published without that person."""
    line, found = fields.data.line_of(name), len(fields.diags.items)

    def from_text(text: str) -> Located | None:
        return None if _reported_as_several(fields, name, text) else person_from_text(text, line)

    value = fields.data.get(name)
    if isinstance(value, str):
        entries = [(f"{fields.where}.{name}[{index}]", data)
                   for index, text in enumerate(_split_people(fields, name, value)) if (data := from_text(text))]
    else:
        entries = fields.records(name, required, from_text)
    people = [person for label, data in entries if (person := read_person(fields.sub(label, data, PERSON_FIELDS)))]
    if required and value == []:
        fields.error(name, "the list is empty: name at least one person")
    return () if required and fields.diags.has_errors_since(found) else tuple(people)


def _split_people(fields: Fields, name: str, text: str) -> list[str]:
    """A text naming people split at ';' and '|', which never occur in names, but within parentheses
    (an affiliation: 'Ana Silva (MIT; Harvard)' is one person); said in a warning but in a CSV file,
    whose cells name people so (a Mini-Conf file's 678 rows each gave one). Parentheses left open or
    closed without being opened are an error: which people the text names is not known."""
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
        if depth == 0 and char in ";|":
            pieces.append(text[start:index])
            start = index + 1
    if depth:
        fields.error(name, f"{text!r}: a parenthesis is {'left open' if depth > 0 else 'closed without being opened'}; "
                           "write each person as 'Name (Affiliation)'")
        return []
    texts = [piece.strip() for piece in [*pieces, text[start:]] if piece.strip()]
    if len(texts) > 1 and not fields.file.endswith(".csv"):
        fields.warning(name, f"one text read as {len(texts)} people, split at {'|' if '|' in text else ';'}: "
                             + "; ".join(texts))
    return texts


def _reported_as_several(fields: Fields, name: str, text: str) -> bool:
    """Whether ``text``, given as one person, names several (reported as an error)."""
    people = several_people(text)
    if people:
        fields.error(name, _several(fields, text, people))
    return bool(people)


def _several(fields: Fields, text: str, people: list[str]) -> str:
    hint = ""
    # One word (or a particle's) first, no affiliation: what a family name written first looks like.
    if len(people) == 2 and not any("(" in person for person in people) and \
            (len(people[0].split()) == 1 or people[0][:1].islower()):
        # A CSV cell has no field for either name.
        how = (f"write `{people[1]} {people[0]}`" if fields.file.endswith(".csv") else
               f"state `family: {people[0]}` and `given: {people[1]}`")
        hint = f"; or, if it is one person written family name first, {how}"
    return (f"{text!r} looks like {len(people)} people ({'; '.join(people)}): give each their own entry "
            f"(`- name: ...`), or in a CSV cell separate them with ';'{hint}")


def person_from_text(text: str, line: int) -> Located:
    """A person record from 'Name (Affiliation)', the way CSV cells write it, located at ``line``."""
    # String operations, not a regular expression: one with optional groups around runs of spaces
    # took cubic time (45 s for a cell of 3,000 spaces).
    text = text.strip()
    name, affiliation = text, None
    if text.endswith(")") and "(" in text:
        opening = text.index("(")
        name, affiliation = text[:opening].strip(), text[opening + 1:-1]
    data = Located(name=name)
    if affiliation:
        data["affiliation"] = affiliation
    data.line, data.key_lines = line, {}
    return data
