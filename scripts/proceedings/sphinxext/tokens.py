"""Generated pages tokenized without markdown-it's general parser.

MyST reads a page in two steps: markdown-it turns its text into tokens, and MyST's renderer turns the
tokens into a doctree. The first step tries the rules of CommonMark and of MyST's extensions at every
line and at every special character: 1.6 ms for a paper page, 2.1 s of Sphinx's 25 s at 1,000 papers
with the listings. A generated page holds few of those constructs, as :mod:`proceedings.util.myst`
writes them: front matter, headings, targets, one-line paragraphs, lists of items of one line (or two
joined by a hard break) and fenced blocks, and within a line escaped text, strong text, roles and
links. :func:`generated_tokens` reads those directly and gives the tokens markdown-it gives for them,
field for field (the tests compare both for every page of the shipped archive and for texts made of
every special character); a line or a character in any other place gives None, and markdown-it reads
the page as before. No page reads otherwise than it did.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, MutableMapping
from typing import Any, Literal

from docutils import nodes
from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline.escape import _ESCAPED
from markdown_it.token import Token

from ..util.releases import is_release

# The rules markdown-it runs with the book's MyST settings (``colon_fence`` and ``dollarmath``): those
# this module knows the output of. A book whose settings add or remove one is read by markdown-it.
_RULES = (
    ("front_matter", "table", "code", "math_block", "colon_fence", "fence", "myst_line_comment", "blockquote",
     "myst_block_break", "myst_target", "hr", "list", "footnote_def", "reference", "html_block", "heading", "lheading",
     "paragraph"),
    ("text", "newline", "math_inline", "escape", "myst_role", "backticks", "emphasis", "link", "image", "footnote_ref",
     "autolink", "html_inline", "entity"),
    ("balance_pairs", "emphasis", "fragments_join"),
    ("normalize", "block", "inline", "text_join", "wordcount"),
)
_OPTIONS = {"html": True, "linkify": False, "typographer": False}
# The releases whose tokens the tests compared field for field: this module copies what their rules
# leave (the empty text of strong text's stars, the token a run of text keeps), which another release
# may change. With any other, markdown-it reads every page.
_RELEASES = {"markdown-it-py": "3.0.", "mdit-py-plugins": "0.7."}

_ORDERED_ITEM = re.compile(r"[0-9]{1,9}[.)]( |$)")
_HEADING = re.compile(r"(#{1,6}) (\S(?:.*\S)?)")
_FENCE = re.compile(r"(`{3,})([^`]*)")
# A character where markdown-it tries a rule of its own; between them, plain text.
_SPECIAL = re.compile(r"[\\*_`\[\]!<&${}~\n]")
# MyST's role: ``{name}`` and its content between equal runs of backticks (mdit_py_plugins.myst_role).
_ROLE_NAME = re.compile(r"\{([a-zA-Z0-9_\-+:]+)\}")
_TICKS = re.compile("`*")
_STARS = re.compile(r"\**")


class _Unexpected(Exception):
    """Something markdown-it may read otherwise than this module: markdown-it reads the page."""


def tokenizes_for(md: MarkdownIt) -> bool:
    """Whether ``md`` is of the releases, and runs the rules with the options, whose output
    :func:`generated_tokens` gives."""
    rulers = (md.block.ruler, md.inline.ruler, md.inline.ruler2, md.core.ruler)
    return all(is_release(package, release) for package, release in _RELEASES.items()) and \
        tuple(tuple(ruler.get_active_rules()) for ruler in rulers) == _RULES and \
        all(md.options.get(name) == value for name, value in _OPTIONS.items()) and not md.options.get("store_labels")


def generated_tokens(md: MarkdownIt, src: str, env: MutableMapping[str, Any]) -> list[Token] | None:
    """The tokens ``md.parse(src, env)`` gives, with what it puts in ``env``, if ``src`` holds only what
    this module reads; else None (``env`` left as it was)."""
    if "\r" in src or "\0" in src or "\t" in src:
        return None
    lines = src.split("\n")
    if src.endswith("\n"):
        lines.pop()
    try:
        tokens = _Blocks(md, lines).tokens()
    except _Unexpected:
        return None
    state = StateCore(src, md, env)
    state.tokens = tokens
    rules, names = md.core.ruler.getRules(""), md.core.ruler.get_active_rules()
    for rule in rules[names.index("inline") + 1:]:  # joining the text, counting the words
        rule(state)
    return state.tokens


@functools.lru_cache(maxsize=4096)  # pairs of characters around the tool's own stars
def _flanking(before: str, after: str) -> tuple[bool, bool]:
    """Whether a run of stars between these characters opens strong text, and whether it closes it
    (markdown-it's ``scanDelims``)."""
    punct_before = isMdAsciiPunct(ord(before)) or isPunctChar(before)
    punct_after = isMdAsciiPunct(ord(after)) or isPunctChar(after)
    space_before, space_after = isWhiteSpace(ord(before)), isWhiteSpace(ord(after))
    return (not (space_after or punct_after and not (space_before or punct_before)),
            not (space_before or punct_before and not (space_after or punct_after)))


def _starts_paragraph(text: str) -> bool:
    """Whether a line of text (not blank, not indented) starts a paragraph for markdown-it."""
    start = text[0]
    if start == "[":
        return not text.startswith("[^") and not _defines_reference(text)
    if start == "*":
        return text[1:2] == "*" and text[2:3] not in ("*", " ")  # strong text, not a list item nor a rule
    if start.isascii():
        return start.isalpha() or start in ("{", "\\") or start.isdigit() and not _ORDERED_ITEM.match(text)
    return not start.isspace()


def _defines_reference(text: str) -> bool:
    """Whether markdown-it reads the line as a link's definition (``[label]: destination``): its
    rule takes the label to the first ] not escaped, whatever a role around it holds."""
    pos = 1
    while pos < len(text) and text[pos] not in "[]":
        pos += 2 if text[pos] == "\\" else 1
    return text[pos:pos + 2] == "]:"


def _closes(text: str, ticks: int) -> bool:
    """Whether the line closes a fence of ``ticks`` backticks: as many or more, indented by three
    spaces at most, and nothing after them but spaces."""
    marks = text.lstrip(" ").rstrip(" ")
    return len(text) - len(text.lstrip(" ")) < 4 and len(marks) >= ticks and marks == "`" * len(marks)


def _token(kind: str, tag: str, nesting: Literal[-1, 0, 1], level: int, **fields: Any) -> Token:
    return Token(kind, tag, nesting, level=level, block=True, **fields)


class _Blocks:
    """The block tokens of a page's lines, each inline token with its children."""

    def __init__(self, md: MarkdownIt, lines: list[str]):
        self.md, self.lines = md, lines
        self.out: list[Token] = []

    def tokens(self) -> list[Token]:
        line = self._front_matter()
        while line < len(self.lines):
            text = self.lines[line]
            if not text:
                line += 1
            elif text.startswith("#"):
                line = self._heading(line)
            elif text.startswith("```"):
                line = self._fence(line)
            elif text.startswith("- "):
                line = self._list(line)
            elif text.startswith("(") and text.endswith(")=") and len(text) > 3 and text == text.strip():
                line = self._target(line)
            else:
                line = self._paragraph(line)
        return self.out

    def _front_matter(self) -> int:
        if self.lines[:1] != ["---"]:
            raise _Unexpected  # not a page: a text MyST parses within one (a directive's content)
        # Closed by the first line of three dashes or more, or of three dots (mdit_py_plugins.front_matter).
        end = next((index for index, text in enumerate(self.lines) if index and
                    (text.startswith("...") or set(text.strip(" ")) == {"-"} and len(text.strip(" ")) >= 3)), None)
        if end is None or self.lines[end] != "---":
            raise _Unexpected
        self.out.append(_token("front_matter", "", 0, 0, markup="---", hidden=True, map=[0, end + 1],
                               content="\n".join(self.lines[1:end])))
        return end + 1

    def _heading(self, line: int) -> int:
        heading = _HEADING.fullmatch(self.lines[line])
        if not heading or heading[2].endswith("#") or heading[2] != heading[2].strip():
            raise _Unexpected
        self._blank_after(line)
        tag, markup = f"h{len(heading[1])}", heading[1]
        self.out += [_token("heading_open", tag, 1, 0, markup=markup, map=[line, line + 1]),
                     self._inline(heading[2], line, line + 1, 1),
                     _token("heading_close", tag, -1, 0, markup=markup)]
        return line + 1

    def _fence(self, line: int) -> int:
        opening = _FENCE.fullmatch(self.lines[line])
        if not opening or opening[2] != opening[2].strip() or "|" in opening[2]:
            raise _Unexpected
        end = next((index for index in range(line + 1, len(self.lines)) if _closes(self.lines[index], len(opening[1]))),
                   None)
        if end is None:
            raise _Unexpected
        content = "".join(f"{text}\n" for text in self.lines[line + 1:end])
        self.out.append(_token("fence", "code", 0, 0, markup=opening[1], info=opening[2], content=content,
                               map=[line, end + 1]))
        return end + 1

    def _list(self, line: int) -> int:
        """A tight list of items of a line each, or of two joined by a hard break (a line ending
        with two spaces, the next indented by two), which ends before a blank line."""
        items = []
        while line < len(self.lines) and self.lines[line].startswith("- "):
            height = 2 if self.lines[line + 1:line + 2] and self.lines[line + 1].startswith("  ") else 1
            items.append((line, self._item_text(self.lines[line:line + height])))
            line += height
        self._blank_after(line - 1)
        # markdown-it's last item takes the blank lines after it: it, and the list, end at the next block.
        end = next((index for index in range(line, len(self.lines)) if self.lines[index]), len(self.lines))
        if end < len(self.lines) and self.lines[end].startswith("- "):
            raise _Unexpected  # a list item after a blank line would continue this list, loose
        self.out.append(_token("bullet_list_open", "ul", 1, 0, markup="-", map=[items[0][0], end]))
        for index, (start, text) in enumerate(items):
            after = start + 1 + text.count("\n")
            self.out += [_token("list_item_open", "li", 1, 1, markup="-",
                                map=[start, items[index + 1][0] if index + 1 < len(items) else end]),
                         _token("paragraph_open", "p", 1, 2, hidden=True, map=[start, after]),
                         self._inline(text, start, after, 3),
                         _token("paragraph_close", "p", -1, 2, hidden=True),
                         _token("list_item_close", "li", -1, 1, markup="-")]
        self.out.append(_token("bullet_list_close", "ul", -1, 0, markup="-"))
        return end

    def _item_text(self, lines: list[str]) -> str:
        """The text of a list item's lines, as markdown-it gives it to the inline parser."""
        if len(lines) == 1:
            return self._paragraph_text(lines[0][2:])
        first, second = lines[0][2:], lines[1][2:]
        if not first.endswith("  ") or first.endswith("   "):
            raise _Unexpected  # a soft break, or spaces markdown-it trims otherwise
        text = f"{self._paragraph_text(first[:-2])}  \n{self._paragraph_text(second)}"
        if text.startswith("[") and _defines_reference(text):  # a label may go on to the second line
            raise _Unexpected
        return text

    def _target(self, line: int) -> int:
        """MyST's ``(label)=`` (mdit_py_plugins.myst_blocks)."""
        self.out.append(_token("myst_target", "", 0, 0, attrs={"class": "myst-target"}, content=self.lines[line][1:-2],
                               map=[line, line + 1]))
        return line + 1

    def _paragraph(self, line: int) -> int:
        self._blank_after(line)
        self.out += [_token("paragraph_open", "p", 1, 0, map=[line, line + 1]),
                     self._inline(self._paragraph_text(self.lines[line]), line, line + 1, 1),
                     _token("paragraph_close", "p", -1, 0)]
        return line + 1

    def _paragraph_text(self, text: str) -> str:
        """``text`` if it is a paragraph's line that starts no other block (a list, a heading, code,
        a table, a target, a comment, a block of math, a footnote or a link's definition)."""
        if not text or text != text.strip() or not _starts_paragraph(text):
            raise _Unexpected
        return text

    def _blank_after(self, line: int) -> None:
        # A blank line ends a paragraph or a list: any other would continue it (or make it a heading, a table).
        if line + 1 < len(self.lines) and self.lines[line + 1]:
            raise _Unexpected

    def _inline(self, content: str, line: int, after: int, level: int) -> Token:
        return _token("inline", "", 0, level, content=content, map=[line, after], children=_Inline(self.md, content).tokens())


class _Inline:
    """The children of an inline token: text (escapes included), strong text, roles, links."""

    def __init__(self, md: MarkdownIt, src: str):
        self.md, self.src = md, src
        self.out: list[Token] = []
        self.level = 0
        self.strong = False
        self.run: list[str] | None = None
        """The pieces of the text token last in ``out`` (None when the last is another), joined once."""

    def tokens(self) -> list[Token]:
        self._scan(0, len(self.src), in_label=False)
        if self.strong:
            raise _Unexpected  # an unclosed strong: its stars are text
        self._join_run()
        return self.out

    def _scan(self, pos: int, end: int, in_label: bool) -> None:
        src = self.src
        while pos < end:
            special = _SPECIAL.search(src, pos, end)
            if special is None or special.start() > pos:
                stop = special.start() if special else end
                self._text(src[pos:stop])
                pos = stop
            elif src[pos] == "\\":
                if pos + 1 >= end or src[pos + 1] not in _ESCAPED:
                    raise _Unexpected
                self._text(src[pos + 1], escape=src[pos:pos + 2])
                pos += 2
            elif src[pos] == "*" and not in_label:
                pos = self._delimiter(pos, end)
            elif src[pos] == "{":
                pos = self._role(pos)
            elif src[pos] == "[" and not in_label:
                pos = self._link(pos, end)
            elif src[pos] == "\n" and not in_label:  # the next line comes without its indent
                self._hard_break()
                pos += 1
            else:
                raise _Unexpected

    def _text(self, content: str, escape: str = "") -> None:
        # Adjacent text is one token (markdown-it's fragments_join, then text_join, which keeps the
        # first token of the run: an escape's, if the run starts with one).
        if self.run is not None:
            self.run.append(content)
        else:
            self.out.append(Token("text", "", 0, level=self.level, markup=escape, info="escape" if escape else ""))
            self.run = [content]

    def _join_run(self) -> None:
        if self.run is not None:
            self.out[-1].content = "".join(self.run)
            self.run = None

    def _push(self, kind: str, tag: str, nesting: Literal[-1, 0, 1], **fields: Any) -> None:
        self._join_run()
        if nesting < 0:
            self.level -= 1
        self.out.append(Token(kind, tag, nesting, level=self.level, **fields))
        if nesting > 0:
            self.level += 1

    def _hard_break(self) -> None:
        """A line's end after two spaces (markdown-it's newline rule). markdown-it takes the spaces off
        the text not yet in a token: text of the two spaces alone makes no token, unless they follow
        the empty text that closing strong text leaves, a token already."""
        self._join_run()
        last = self.out[-1] if self.out else None
        if last is None or last.type != "text" or not last.content.endswith("  ") or last.content.endswith("   "):
            raise _Unexpected
        last.content = last.content[:-2]
        if not last.content and not (len(self.out) > 1 and self.out[-2].type == "strong_close"):
            self.out.pop()
        self._push("hardbreak", "br", 0)

    def _delimiter(self, pos: int, end: int) -> int:
        """``**``, which opens strong text, or closes it (markdown-it's scanDelims), with no strong
        text within strong text."""
        src = self.src
        run = _STARS.match(src, pos, end).end() - pos  # type: ignore[union-attr]
        opens, closes = _flanking(src[pos - 1] if pos else " ", src[pos + run] if pos + run < end else " ")
        # Within strong text, a run that may close it does (markdown-it's balance_pairs, for runs of two).
        if run != 2 or not (closes if self.strong else opens):
            raise _Unexpected
        # Of the two stars, the one away from the text is left as empty text (markdown-it's emphasis).
        if not self.strong:
            self._text("")
            self._push("strong_open", "strong", 1, markup="**")
            self.strong = True
        else:
            self._push("strong_close", "strong", -1, markup="**")
            self._text("")
            self.strong = False
        return pos + 2

    def _role(self, pos: int) -> int:
        end, name, content = self._role_at(pos)
        self._push("myst_role", "", 0, content=content, meta={"name": name})
        return end

    def _role_at(self, pos: int) -> tuple[int, str, str]:
        """Where the role ``{name}`content``` at ``pos`` ends, its name and content
        (mdit_py_plugins.myst_role: its content up to the first run of as many backticks as open it)."""
        src = self.src
        name = _ROLE_NAME.match(src, pos)
        if name is None:
            raise _Unexpected
        start = name.end()
        ticks = _TICKS.match(src, start).end() - start  # type: ignore[union-attr]
        closing = src.find("`" * ticks, start + ticks + 1) if ticks else -1
        if closing < 0:
            raise _Unexpected
        return closing + ticks, name[1], src[start + ticks:closing].replace("\n", " ")

    def _link(self, pos: int, end: int) -> int:
        """``[label](destination)``, its label of text and roles (markdown-it's link, with no title)."""
        src = self.src
        label_end = pos + 1
        # The first ] that is not escaped nor in a role (markdown-it's parseLinkLabel skips each as a whole).
        while label_end < end and src[label_end] != "]":
            label_end = label_end + 2 if src[label_end] == "\\" else \
                self._role_at(label_end)[0] if src[label_end] == "{" else label_end + 1
        # Neither a footnote's reference, [^label], nor an empty label: markdown-it reads those otherwise.
        if label_end >= end or src[label_end + 1:label_end + 2] != "(" or src[pos + 1] in "]^":
            raise _Unexpected
        found = self.md.helpers.parseLinkDestination(src, label_end + 2, end)
        href = self.md.normalizeLink(found.str) if found.ok else ""
        if not found.ok or not self.md.validateLink(href) or src[found.pos:found.pos + 1] != ")" or \
                src[label_end + 2:label_end + 3].isspace():
            raise _Unexpected
        self._push("link_open", "a", 1, attrs={"href": href})
        self._scan(pos + 1, label_end, in_label=True)
        self._push("link_close", "a", -1)
        return found.pos + 1


def reading_generated_pages(md: MarkdownIt, generated: Callable[[str], bool]) -> MarkdownIt:
    """``md``, reading the pages ``generated`` names (by the name of the document MyST gives it) with
    :func:`generated_tokens`, when it runs the rules that function knows the output of."""
    if tokenizes_for(md):
        general = md.parse

        def parse(src: str, env: MutableMapping[str, Any] | None = None) -> list[Token]:
            env = {} if env is None else env
            document = md.options.get("document")
            sphinx_env = getattr(document.settings, "env", None) if isinstance(document, nodes.document) else None
            docname = getattr(sphinx_env, "docname", None)
            found = generated_tokens(md, src, env) if docname and generated(docname) else None
            return general(src, env) if found is None else found
        md.parse = parse  # type: ignore[method-assign]
    return md
