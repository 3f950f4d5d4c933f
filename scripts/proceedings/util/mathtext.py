"""Inline ``$math$`` in author-supplied text: finding it, and refusing math that could act as markup."""

from __future__ import annotations

import re

_MATH = re.compile(r"(?<!\\)\$(?!\s)([^$]+?)(?<![\s\\])\$")
# MathJax macros that create links, attributes or load code; in author text they are shown, not run.
_ACTIVE_MACROS = re.compile(r"\\(href|url|class|cssId|style|html|data|require|unicode|input|include)\b")


def math_segments(text: str) -> list[tuple[bool, str]]:
    """``text`` split into (is_math, segment) pairs; math is inline ``$...$`` with balanced braces."""
    segments, position = [], 0
    for match in _MATH.finditer(text):
        if not braces_balance(match.group(1)) or _ACTIVE_MACROS.search(match.group(1)):
            continue
        segments.append((False, text[position:match.start()]))
        segments.append((True, match.group(1)))
        position = match.end()
    segments.append((False, text[position:]))
    return [(is_math, segment) for is_math, segment in segments if segment]


def braces_balance(text: str) -> bool:
    """Whether every unescaped ``{`` in ``text`` has its ``}``."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", text):
        depth += {"{": 1, "}": -1}.get(match.group(), 0)
        if depth < 0:
            return False
    return depth == 0
