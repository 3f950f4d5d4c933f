"""The theme's Font Awesome icons cut down to those the site shows. pydata-sphinx-theme ships the
whole solid icon font (156 KB) and a rule per icon (85 KB of its stylesheet, which blocks the first
paint); a site shows about twenty. After each build the stylesheet keeps the rules of the icons named
in the site's pages and scripts, and the font only their glyphs (under 3 KB), both made from the
theme's own files so that an icon used later is found again."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

import fontTools

from ..util.files import file_names, read_json, replacing, signature_if_file, write_if_changed

STYLESHEET = "styles/pydata-sphinx-theme.css"
FONTS = ("vendor/fontawesome/webfonts/fa-solid-900.woff2", "vendor/fontawesome/webfonts/fa-solid-900.ttf")
# Starting with its literal, the pattern lets the regex engine skip to each "fa-"; written with the
# word boundary before it (r"\bfa-..."), it was tried at every character of every page, fifteen
# times slower. The boundary is checked on the few matches instead (see _names).
_NAME = re.compile(r"fa-[a-z0-9-]+")
# A rule giving icons their glyph: ``.fa-bars:before,.fa-navicon:before{content:"\f0c9"}``.
_ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def icon_names(site: Path, cache: Path | None = None) -> set[str]:
    """Every ``fa-...`` class the site's pages and scripts name. With ``cache``, the names found in
    each file are kept there by the file's size and modification time, and only the files written
    since are read again: reading all 8,000 pages of a 1,000-paper site took a second, on every build
    however small."""
    known = read_json(cache, {}) if cache else {}
    found = {}
    # Names first: asking each of the site's 10,000 files for its size and time, for the 1,100 pages
    # and scripts read here, was 0.2 s of Jupyter Book's run for an edited abstract; and those alone
    # sorted (sorting all the names was 0.03 s).
    pages = [name for name in file_names(site)
             if name.endswith(".html") or (name.startswith("_static/") and name.endswith(".js"))]
    for name in sorted(pages, key=lambda name: name.split("/")):
        signature = signature_if_file(site / name)
        if signature is None:  # gone while the site was walked
            continue
        entry = known.get(name)
        if entry is None or entry[0] != signature:
            text = (site / name).read_text(encoding="utf-8", errors="replace")
            entry = [signature, sorted(_names(text))]
        found[name] = entry
    if cache:
        write_if_changed(cache, json.dumps(found))
    return {icon for _, icons in found.values() for icon in icons}


def _names(text: str) -> set[str]:
    """The ``fa-...`` names in ``text`` that start a word, exactly as ``\\bfa-[a-z0-9-]+`` finds them."""
    found, position = set(), 0
    while match := _NAME.search(text, position):
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            found.add(match.group())
            position = match.end()
        else:  # the pattern with the boundary fails here, and is tried from the next character
            position = start + 1
    return found


def trimmed_stylesheet(css: str, names: set[str]) -> str:
    """``css`` without the rules of icons not in ``names``."""
    def kept(rule: re.Match) -> str:
        return rule.group(0) if set(re.findall(r"\.(fa-[a-z0-9-]+):before", rule.group(1))) & names else ""
    return _ICON_RULE.sub(kept, css)


def glyphs(css: str) -> set[int]:
    """The icon code points ``css`` uses: in icon rules, and as characters (the theme's admonition
    and link icons are variables holding the character)."""
    return ({int(code, 16) for _, code in _ICON_RULE.findall(css)}
            | {ord(character) for character in _PRIVATE_USE.findall(css)})


def font_subset(font: Path, code_points: Iterable[int]) -> bytes:
    """``font`` with only the glyphs of ``code_points``, in the same format."""
    # Here: a build whose icons are those of the last (most builds) takes the font cut down then, and
    # Jupyter Book's fork server need not import fontTools' subsetter (0.05 s before every edit's run).
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2" if font.suffix == ".woff2" else None
    loaded = subset.load_font(str(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(loaded)
    output = io.BytesIO()
    subset.save_font(loaded, output, options)
    return output.getvalue()


def trim_icons(site: Path, theme_static: Iterable[Path], cache: Path) -> None:
    """Rewrite the site's copy of the theme's stylesheet and icon font to the icons ``site`` uses,
    from the originals in the first of ``theme_static`` that has them; the folder ``cache`` keeps
    :func:`icon_names`' cache and the fonts cut down."""
    source = next((folder for folder in theme_static if (folder / STYLESHEET).is_file()), None)
    if source is None or not (site / "_static" / STYLESHEET).is_file():
        return
    css = trimmed_stylesheet((source / STYLESHEET).read_text(encoding="utf-8"), icon_names(site, cache / "names.json"))
    write_if_changed(site / "_static" / STYLESHEET, css)
    code_points = glyphs(css)
    for font in FONTS:
        if (source / font).is_file():
            with replacing(site / "_static" / font) as temporary:
                temporary.write_bytes(_kept_font_subset(source / font, code_points, cache))


def _kept_font_subset(font: Path, code_points: set[int], cache: Path) -> bytes:
    """:func:`font_subset`, kept in ``cache`` by a hash of the font, the code points, fontTools'
    version and this module's code: Sphinx puts the theme's whole font back in every build, and
    cutting it down again took 0.2 s."""
    data = font.read_bytes()
    inputs = [sorted(code_points), fontTools.version, Path(__file__).read_text(encoding="utf-8")]
    key = hashlib.sha256(data + json.dumps(inputs).encode()).hexdigest()
    kept = cache / f"{font.stem}-{key}{font.suffix}"
    if kept.is_file():
        return kept.read_bytes()
    for old in cache.glob(f"{font.stem}-*{font.suffix}"):  # the subset of icons no longer shown
        old.unlink()
    subset_data = font_subset(font, code_points)
    with replacing(kept) as temporary:
        temporary.write_bytes(subset_data)
    return subset_data
