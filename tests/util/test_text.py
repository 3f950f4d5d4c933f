"""Text from strangers, cleaned at the boundary: nothing invisible or unprintable gets into the model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proceedings.util.text import clean_text, latin_in_ascii, one_line


@pytest.mark.parametrize("hidden", ["\uffff", "\ufffe", "\U0010ffff", "\ufdd0", "\u2066", "\u2069", "\U000e0041",
                                    "\u3164", "\u115f", "\uffa0", "\u200b", "\u202e", "\ufeff", "\x00", "\x1b"])
def test_invisible_and_noncharacters_are_removed(hidden):
    assert clean_text(f"Eve{hidden} Lovelace") == "Eve Lovelace"
    assert one_line(f"A{hidden}\nB") == "A B"


def test_visible_text_is_kept_as_written():
    text = "Nguyễn Thị — 王芳, Þórsson; tabs\tand\nlines, é (NFC)"
    assert clean_text(text) == text


@pytest.mark.parametrize("code", range(128))
def test_each_ascii_character_is_cleaned_alike_in_ascii_text_and_in_any_other(code):
    # ASCII text takes a shorter way: it must end where the whole way does (an é takes that).
    breaks, kept = {0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e}, {0x09, 0x0a, *range(0x20, 0x7f)}
    expected = f"a{chr(code)}b" if code in kept else "a\nb" if code in breaks else "ab"
    assert clean_text(f" a{chr(code)}b ") == expected
    assert clean_text(f" é a{chr(code)}b ") == f"é {expected}"


def test_latin_ligatures_copied_from_a_pdf_are_their_letters():
    """A new-user trial: a Mini-Conf abstract's "uniﬁed" was found by no search for "unified"."""
    assert clean_text("A uniﬁed, efﬁcient ﬂow: ﬀ ﬃ ﬄ ﬅ ﬆ, é") == "A unified, efficient flow: ff ffi ffl st st, é"
    assert one_line("ﬁne-\ngrained") == "fine- grained"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_no_noncharacter_of_any_plane_is_left_in_any_text(text):
    cleaned = clean_text(text)
    assert not any(ord(char) & 0xFFFE == 0xFFFE or 0xFDD0 <= ord(char) <= 0xFDEF for char in cleaned)
    assert clean_text(cleaned) == cleaned


@pytest.mark.parametrize("plane", [1, 2, 14, 16])
def test_astral_noncharacters_go_beside_astral_letters_that_stay(plane):
    noncharacter = chr(plane * 0x10000 + 0xFFFE)
    assert clean_text(f"\U0001d400{noncharacter}x{chr(plane * 0x10000 + 0xFFFF)}") == "\U0001d400x"


@pytest.mark.parametrize("line_break", ["\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\n"])
def test_every_line_break_separates_words(line_break):
    # Control characters all, removed as such, they joined the words they separated ("macline").
    assert clean_text(f"Old mac{line_break}line end") == "Old mac\nline end"
    assert one_line(f"Old mac{line_break}line end") == "Old mac line end"


@pytest.mark.parametrize(("text", "ascii"), [("Łukasz Wróblewski", "Lukasz Wroblewski"), ("Ørsted Æsir", "Orsted Aesir"),
                                             ("Đorđe Straße", "Dorde Strasse"), ("Jürgen Schäfer-Müller", "Jurgen Schafer-Muller"),
                                             ("Ana Lu\u0301cia", "Ana Lucia"),  # an accent given as its own character
                                             ("김민수 Łódź", "김민수 Lodz"), ("がく Ħal", "がく Hal")])
def test_latin_letters_are_written_in_ascii_and_other_scripts_kept(text, ascii):
    assert latin_in_ascii(text) == ascii
