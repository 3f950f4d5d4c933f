"""Math written as MathML when the book is built (``util.mathml``), which browsers typeset
themselves: pages with math load no script (MathJax was 1.1 MB and held up a phone's first paint by a
second). Math that cannot be converted is shown as its source, with a warning naming the page and line.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from ..util.mathml import UnconvertibleMath, mathml

logger = logging.getLogger(__name__)


def _shown(node: nodes.Element, display: bool) -> str:
    latex = node.astext()
    try:
        return mathml(latex, display)
    except UnconvertibleMath as error:
        located = node
        while located.line is None and located.parent is not None:  # inline math has no line of its own
            located = located.parent
        logger.warning("math shown as its source (%s): %s", error, latex, location=located, type="proceedings",
                       subtype="math")
        return f'<code class="math-source">{escape(latex)}</code>'


def visit_math(translator, node: nodes.Element) -> None:
    translator.body.append(f'<span class="math">{_shown(node, display=False)}</span>')
    raise nodes.SkipNode


def visit_displaymath(translator, node: nodes.Element) -> None:
    number = f'<span class="eqno">({get_node_equation_number(translator, node)})</span>' if node.get("number") else ""
    translator.body.append(translator.starttag(node, "div", CLASS="math"))
    translator.body.append(f"{number}{_shown(node, display=True)}</div>\n")
    raise nodes.SkipNode
