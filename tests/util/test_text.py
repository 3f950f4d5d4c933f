"""Text from strangers, cleaned at the boundary: nothing invisible or unprintable gets into the model."""

from __future__ import annotations

import pytest

from proceedings.util.text import clean_text, one_line


@pytest.mark.parametrize("hidden", ["\uffff", "\ufffe", "\U0010ffff", "\ufdd0", "\u2066", "\u2069", "\U000e0041",
                                    "\u3164", "\u115f", "\uffa0", "\u200b", "\u202e", "\ufeff", "\x00", "\x1b"])
def test_invisible_and_noncharacters_are_removed(hidden):
    assert clean_text(f"Eve{hidden} Lovelace") == "Eve Lovelace"
    assert one_line(f"A{hidden}\nB") == "A B"


def test_visible_text_is_kept_as_written():
    text = "Nguyễn Thị — 王芳, Þórsson; tabs\tand\nlines, é (NFC)"
    assert clean_text(text) == text
