"""Writing author-supplied text into MyST so that it is always shown literally, never parsed as markup.

CommonMark lets any ASCII punctuation be backslash-escaped, and every MyST construct that could run
or include something (directives, roles, raw HTML, substitutions, links, comments) starts with
punctuation; escaping all of it makes text inert. Math is passed through the ``{math}`` role, whose
content is literal.
"""

from __future__ import annotations

import json
import re
import zlib

import yaml

from .mathtext import math_segments
from .text import one_line, paragraphs_of

# Punctuation that never starts MyST syntax is left alone, so that generated pages stay readable.
_INERT = set(",;'\"/?")
_ESCAPE = re.compile("[" + "".join(re.escape(chr(c)) for c in range(33, 127)
                                    if not chr(c).isalnum() and chr(c) not in _INERT) + "]")


def text(value: str) -> str:
    """``value`` as one line of inline MyST that displays exactly as written."""
    return _ESCAPE.sub(r"\\\g<0>", re.sub(r"\s+", " ", value))


def rich_text(value: str) -> str:
    """Like :func:`text`, but inline ``$math$`` renders as math."""
    segments = math_segments(" ".join(value.split()))
    return "".join(role("math", segment) if is_math else text(segment) for is_math, segment in segments)


def paragraphs(value: str, math: bool = True) -> str:
    """Multi-paragraph text (blank-line separated) as MyST paragraphs, inline math rendered if ``math``."""
    inline = rich_text if math else text
    return "\n\n".join(inline(block) for block in paragraphs_of(value))


def role(name: str, content: str) -> str:
    """An inline role whose content is literal, delimited by more backticks than it contains."""
    ticks = "`" * (_longest_run(content, "`") + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{{{name}}}{ticks}{pad}{content}{pad}{ticks}"


def fence(content: str, info: str = "") -> str:
    """A fenced block whose content is literal, fenced with more backticks than it contains."""
    ticks = "`" * max(3, _longest_run(content, "`") + 1)
    return f"{ticks}{info}\n{content.rstrip()}\n{ticks}"


def link(label: str, target: str) -> str:
    """A Markdown link to a validated http(s) URL or a page path, the label shown literally."""
    return f"[{text(label)}](<{target.replace('>', '%3E').replace(' ', '%20')}>)"


def ref(label: str, target: str) -> str:
    """A link to the Sphinx label ``target`` (which holds no space) showing ``label`` literally:
    the ``labelref`` role of proceedings.sphinxext, which Sphinx's standard domain resolves by one
    lookup. A Markdown link to ``#target`` gives the same HTML, but MyST tries it as a label, a
    document and every kind of object: 8 % of Sphinx's time at 1,000 papers, whose authors and
    keywords are such links."""
    return role("labelref", f"{target} {one_line(label)}")


# The line after the front matter that carries a page's data for proceedings.sphinxext.
DATA_PREFIX = "% proceedings: "
# The key of that data saying that the tool wrote the page.
GENERATED = "generated"


def front_matter(values: dict, comment: str) -> str:
    """A YAML front-matter block opening with a ``# comment``, holding ``orphan`` if given; JSON is
    YAML, and JSON strings cannot break out of their quotes.

    The page's other metadata (Open Graph overrides) and its ``proceedings`` value (the page's data
    for proceedings.sphinxext) are written after the block as one ``% proceedings: {json}`` comment
    line instead, the metadata under ``"metadata"``: MyST parses front matter three times per page
    with pure-Python YAML, which took a quarter of Sphinx's time on paper pages."""
    values = dict(values)
    data = values.pop("proceedings", None)
    yaml_values = {"orphan": values.pop("orphan")} if "orphan" in values else {}
    if values:
        data = {**(data or {}), "metadata": values}
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in yaml_values.items()] or ["{}"]
    block = f"---\n# {comment}\n" + "\n".join(lines) + "\n---\n"
    return block + (DATA_PREFIX + json.dumps(data, ensure_ascii=False) + "\n" if data is not None else "")


def front_matter_end(source: str) -> int:
    """Where a page's YAML front matter ends (after its closing ``---`` line); 0 when it has none."""
    if source.startswith("---\n") and (end := source.find("\n---\n", 3)) != -1:
        return end + len("\n---\n")
    return 0


def declares_orphan(front_matter: str) -> bool:
    """Whether a page's front matter says ``orphan: true``: no table of contents lists it (Sphinx
    then does not warn that none does)."""
    return re.search(r"^orphan:\s*true\s*$", front_matter, re.MULTILINE | re.IGNORECASE) is not None


# The names `parse: myst_enable_extensions` may hold: MyST-Parser's (check_extensions in
# myst_parser/config/main.py; tests/util/test_myst.py holds them to it). One other name and MyST
# refuses the whole list, with one line in Jupyter Book's log: no page has colon fences or math.
MYST_EXTENSIONS = frozenset({"amsmath", "attrs_image", "attrs_inline", "attrs_block", "colon_fence", "deflist",
                             "dollarmath", "fieldlist", "html_admonition", "html_image", "linkify", "replacements",
                             "smartquotes", "strikethrough", "substitution", "tasklist"})


def readable_front_matter(front_matter: str) -> bool:
    """Whether MyST reads the ``---`` delimited ``front_matter`` (a YAML mapping): it drops one that it
    cannot, and an ``orphan: true`` with it."""
    try:
        data = yaml.safe_load(front_matter[len("---\n"):-len("\n---\n")])
    except yaml.YAMLError:
        return False
    return isinstance(data, dict)


def page_data(source: str) -> tuple[dict, str]:
    """The data line that :func:`front_matter` wrote (empty when there is none), and the source with
    that line blanked (so that line numbers hold)."""
    if start := front_matter_end(source):
        if source.startswith(DATA_PREFIX, start):
            stop = source.find("\n", start)
            stop = len(source) if stop == -1 else stop
            return json.loads(source[start + len(DATA_PREFIX):stop]), source[:start] + source[stop:]
    return {}, source


def plain_text_file(name: str, dropdown: str = "") -> str:
    """The blank-line separated paragraphs of the text file ``name`` (beside the page) shown exactly
    as written, never parsed as MyST (the ``plaintext`` directive of proceedings.sphinxext); in a
    dropdown titled ``dropdown`` (plain text, on one line) if given."""
    return fence(f":dropdown: {one_line(dropdown)}" if dropdown else "", "{plaintext} " + name)


def plain_paragraphs(text: str) -> list[str]:
    """The paragraphs of a hand-written MyST page, without its markup (headings, emphasis, links) and
    without its title (the volume gives the page a heading of its own)."""
    paragraphs = []
    blocks = paragraphs_of(text)
    if blocks and re.match(r"#\s", blocks[0]):
        blocks = blocks[1:]
    for block in blocks:
        block = re.sub(r"^#+\s*", "", block)
        block = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
        block = re.sub(r"[*_`]", "", block)
        if block and not block.startswith(("```", ":::", "%", "(")):
            paragraphs.append(block)
    return paragraphs


def page(front: dict, comment: str, title: str, *blocks: str) -> str:
    """A whole generated page: front matter opening with ``comment``, the ``# title`` (already MyST)
    and the non-empty blocks, sealed (:func:`seal_holds`). Its data says it is generated, which,
    while its seal holds, spares it the transforms of syntax the tool never writes
    (proceedings.sphinxext.lean)."""
    front = {**front, "proceedings": {**front.get("proceedings", {}), GENERATED: True}}
    body = "\n\n".join(block for block in blocks if block)
    written = f"{front_matter(front, comment)}\n# {title}\n\n{body}\n"
    return written.replace(f"# {comment}\n", f"# {comment} ({zlib.crc32(written.encode()):08x})\n", 1)


# The seal: the checksum of the page as written, at the end of its front matter's opening comment;
# looked for on any line near the top, so that a page whose lines a hand or a tool changed (a line
# added above, line ends made CR LF, a byte-order mark) is found changed, not unsealed.
_SEAL = re.compile(rb"^# [^\r\n]* \(([0-9a-f]{8})\)\r?$", re.MULTILINE)
_SEAL_WITHIN = 2000


def seal_holds(page: bytes) -> bool | None:
    """Whether a generated page holds what the build wrote: its opening comment carries a checksum
    of the page as written, so that a change by hand is seen with no record of the build's (after
    ``rm -rf _build``, or in a page copied from another). None for a page without one (written
    before pages were sealed, or not by the tool)."""
    found = _SEAL.search(page, 0, _SEAL_WITHIN)
    if found is None:
        return None
    return zlib.crc32(page[:found.start(1) - len(b" (")] + page[found.end(1) + len(b")"):]) == int(found[1], 16)


def _longest_run(content: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", content)), default=0)
