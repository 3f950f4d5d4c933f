"""LaTeX math as MathML, which browsers typeset themselves (no script), made safe to put in a page.

latex2mathml does the conversion; its output is then rebuilt from an allowlist of MathML elements and
attributes, because it copies ``\\text{}`` contents as raw markup and turns ``\\href`` and ``\\style``
into attributes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape

from .latex import operators_spaced

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
# It copies \text{} as it is into <mtext>, where it adds only character references for spaces.
_TEXT = re.compile(r"(<mtext[^>]*>)(.*?)(</mtext>)", re.S)
_BARE_AMPERSAND = re.compile(r"&(?!#x[0-9A-Fa-f]+;)")


class UnconvertibleMath(ValueError):
    """Math that latex2mathml could not read, or whose output is not MathML."""


def mathml(latex: str, display: bool) -> str:
    """``latex`` as a ``<math>`` element whose every element and attribute is MathML layout, with
    the source as its ``alttext`` (and TeX's thin spaces around an operator name, which latex2mathml
    leaves out); raises UnconvertibleMath."""
    # Imported here: latex2mathml imports importlib.metadata, and the build only checks the formulas
    # of the texts it has not checked before (0.1 s of an edited abstract's build, for none).
    from latex2mathml.converter import convert

    try:
        converted = convert(operators_spaced(latex, "\\,"), display="block" if display else "inline")
        tree = ET.fromstring(_TEXT.sub(_escaped_text, converted))
        tree.set("alttext", latex.strip())
        return _serialized(tree, root=True)
    except Exception as error:  # a third-party parser on author text (or nesting too deep): unconvertible
        raise UnconvertibleMath(str(error) or type(error).__name__) from error


def _escaped_text(match: re.Match) -> str:
    text = _BARE_AMPERSAND.sub("&amp;", match.group(2)).replace("<", "&lt;").replace(">", "&gt;")
    return match.group(1) + text + match.group(3)


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


