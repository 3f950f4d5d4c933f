"""Math as MathML written at build time, which browsers typeset themselves: pages with math load no
script (MathJax was 1.1 MB and held up a phone's first paint by a second), and author math is never a
program for anything.

latex2mathml does the conversion; its output is then rebuilt from an allowlist of MathML elements and
attributes, because it copies ``\\text{}`` contents as raw markup and turns ``\\href`` and ``\\style``
into attributes. Math it cannot convert is shown as its source, with a warning naming the page and line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

_NAMESPACE = "{http://www.w3.org/1998/Math/MathML}"
# MathML Core's presentation elements.
_ELEMENTS = frozenset("""
math mrow mi mn mo ms mtext mspace msub msup msubsup munder mover munderover mmultiscripts mprescripts
none mfrac msqrt mroot mstyle merror mpadded mphantom mtable mtr mtd semantics annotation menclose
""".split())
# Their layout attributes; no href, style, class, id or event handler.
_ATTRIBUTES = frozenset("""
display displaystyle scriptlevel mathvariant mathsize stretchy fence separator form symmetric largeop
movablelimits accent accentunder lspace rspace minsize maxsize linethickness width height depth
columnalign columnspacing rowspacing rowalign columnlines rowlines frame notation encoding
""".split())
# latex2mathml writes a macro it does not know (\arg) as an identifier holding its name.
_UNKNOWN_MACRO = re.compile(r"\\([A-Za-z]+)")


class UnconvertibleMath(ValueError):
    """Math that latex2mathml could not read, or whose output is not MathML."""


def mathml(latex: str, display: bool) -> str:
    """``latex`` as a ``<math>`` element whose every element and attribute is MathML layout, with
    the source as its ``alttext``; raises UnconvertibleMath."""
    try:
        tree = ET.fromstring(convert(latex, display="block" if display else "inline"))
        tree.set("alttext", latex.strip())
        return _serialized(tree, root=True)
    except Exception as error:  # a third-party parser on author text (or nesting too deep): unconvertible
        raise UnconvertibleMath(str(error) or type(error).__name__) from error


def _serialized(element: ET.Element, root: bool = False) -> str:
    name = element.tag.removeprefix(_NAMESPACE)
    if name not in _ELEMENTS:
        raise UnconvertibleMath(f"<{name}> is not MathML")
    text = element.text or ""
    attributes = {key: value for key, value in element.attrib.items() if key in _ATTRIBUTES}
    unknown = _UNKNOWN_MACRO.fullmatch(text)
    if name == "mi" and unknown:
        text, attributes["mathvariant"] = unknown.group(1), "normal"
    if root:
        attributes = {"xmlns": _NAMESPACE.strip("{}"), **attributes, "alttext": element.get("alttext", "")}
    opening = "".join(f' {key}="{escape(value)}"' for key, value in attributes.items())
    children = "".join(_serialized(child) + escape(child.tail or "") for child in element)
    return f"<{name}{opening}>{escape(text)}{children}</{name}>"


def _shown(node: nodes.Element, display: bool) -> str:
    latex = node.astext()
    try:
        return mathml(latex, display)
    except UnconvertibleMath as error:
        logger.warning("math shown as its source (%s): %s", error, latex, location=node, type="proceedings",
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
