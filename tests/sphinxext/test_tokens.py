"""Generated pages read without markdown-it's general parser give the tokens markdown-it gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser

from proceedings.inputs.loader import load
from proceedings.inputs.pdf import PdfCache
from proceedings.model.locations import GENERATED_MARKER, Project
from proceedings.outputs.citation import Citations
from proceedings.pages.book import listing_pages, paper_files
from proceedings.sphinxext import tokens
from proceedings.util import myst

from conftest import REPO
from hostile import HOSTILE, hostile_project


def _book_parser(*extensions: str, **settings: object) -> MarkdownIt:
    """MyST's Markdown parser with the shipped book's extensions (``parse:`` in ``_config.yml``) and
    ``extensions``, and ``settings``."""
    book = yaml.safe_load((REPO / "_config.yml").read_text("utf-8"))["parse"]["myst_enable_extensions"]
    return create_md_parser(MdParserConfig(enable_extensions={*book, *extensions}, **settings), SphinxRenderer)


MD = _book_parser()


def _read_both(page: str) -> tuple[list | None, list, dict, dict]:
    """The page (as Sphinx gets it: its data line taken out) read by tokens and by markdown-it, and
    what each put in its environment."""
    source = myst.page_data(page)[1]
    ours, theirs = {}, {}
    return tokens.generated_tokens(MD, source, ours), MD.parse(source, theirs), ours, theirs


def _assert_same(page: str) -> bool:
    """Whether tokens read ``page``; when it did, its tokens and word count are markdown-it's."""
    ours, theirs, our_env, their_env = _read_both(page)
    if ours is None:
        assert our_env == {}
        return False
    assert [token.as_dict() for token in ours] == [token.as_dict() for token in theirs]
    assert our_env["wordcount"] == their_env["wordcount"]
    return True


def _generated_pages(root: Path) -> dict[str, str]:
    project = Project(root)
    cache = PdfCache(project.pdf_facts)
    volume, diags = load(project, pdf_cache=cache)
    assert volume is not None, [str(d) for d in diags.items]
    return {path: make() for path, make in [*listing_pages(volume, 400), *paper_files(Citations(volume), cache.text)]
            if path.endswith(".md")}


def test_the_book_s_parser_is_one_tokens_reads_for():
    assert tokens.tokenizes_for(MD)
    # Settings that change what markdown-it reads leave every page to it.
    assert not tokens.tokenizes_for(_book_parser("linkify"))
    assert not tokens.tokenizes_for(_book_parser(commonmark_only=True))


def test_every_paper_page_of_the_shipped_archive_gives_markdown_it_s_tokens():
    pages = _generated_pages(REPO)
    read = {name for name, page in pages.items() if _assert_same(page)}
    # Every paper's page but those with a notice (an erratum, a withdrawal: a colon fence).
    plain = {name for name, page in pages.items() if name.startswith("papers/example-") and ":::" not in page}
    assert len(plain) >= 10 and plain <= read


def test_hostile_texts_give_markdown_it_s_tokens_or_markdown_it_reads_them(tmp_path):
    pages = _generated_pages(hostile_project(tmp_path / "hostile"))
    read = [name for name, page in pages.items() if _assert_same(page)]
    # The papers' own pages hold little the tokenizer leaves to markdown-it (the withdrawn ones a notice).
    assert len([name for name in read if name.startswith("papers/h")]) >= len(HOSTILE) - 3


_CHARACTERS = st.sampled_from(list("aZ09 *\\[](){}`_-#:<>&$!~|^+=.,'\"%@é·–\u00a0\u2003") + ["**", "{math}", "{asset}"])
_TEXT = st.lists(_CHARACTERS, max_size=12).map("".join)


@settings(max_examples=600, deadline=None)
@given(_TEXT, _TEXT, _TEXT)
def test_author_text_written_by_the_tool_gives_markdown_it_s_tokens(title, name, abstract):
    page = myst.page({"orphan": True}, GENERATED_MARKER, myst.rich_text(title) or "Title",
                     f"- **{myst.ref(name, 'proceedings-author-x')}**, {myst.text(name)}",
                     f"**Track:** [{myst.text(name)}](../tracks/full.md) · {myst.link(name, 'https://example.org/a b')}",
                     "## Abstract", myst.paragraphs(abstract), myst.fence(abstract, "bibtex"),
                     f"Download: {myst.role('asset', f'{name} <p.pdf>')}",
                     # As the listings write them: a target, and items of two lines.
                     f"(proceedings-author-{name})=", f"**{myst.text(name)}**: [{myst.rich_text(title)}](../papers/p.md)",
                     f"- [{myst.rich_text(title)}](p.md)  \n  {myst.text(name)}\n- [{myst.text(name)}](q.md)")
    _assert_same(page)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "", "# ", "## ", "- ", "  ", "(", "```", "```text", "1. ", "---", "> "]),
                          _TEXT, st.sampled_from(["", "", "  ", ")="])).map("".join), min_size=1, max_size=6))
def test_any_lines_give_markdown_it_s_tokens_or_markdown_it_reads_them(lines):
    # Lines the tool never writes: whatever tokens reads, it reads as markdown-it does.
    _assert_same(myst.page({"orphan": True}, GENERATED_MARKER, "Title", "\n".join(lines)))


@pytest.mark.parametrize("block", [
    # A role holding "]:" in a label that starts a line: markdown-it's rule of link definitions, which
    # knows no roles, reads a definition there (a review found it, with a title such as "Maps $f]:X$").
    f"[{myst.rich_text('Maps $f]:X$')}](../papers/p.md)", f"- [{myst.rich_text('Maps $f]:X$')}](p.md)  \n  Ada L.\n- [B](q.md)",
    "- [a  \n  b]: https://example.org/c", "Text  \nwith a break", "::::{note}\nA note.\n::::", "- a\n\n- b",
                                   "% a comment", "$$\nx\n$$", "[a]: https://example.org", "***", "Title\n====="])
def test_what_the_tokenizer_does_not_know_is_left_to_markdown_it(block):
    page = myst.page({"orphan": True}, GENERATED_MARKER, "Title", "Before.", block, "After.")
    assert tokens.generated_tokens(MD, myst.page_data(page)[1], {}) is None


def test_a_role_across_a_hard_break_gives_markdown_it_s_tokens():
    # The role's content takes the line's end as a space, as MyST's role rule does (a review found it).
    for block in ("- {r}`a  \n  b`\n- c", "- [{r}`a  \n  b`](u)\n- c"):
        assert _assert_same(myst.page({"orphan": True}, GENERATED_MARKER, "Title", block))
