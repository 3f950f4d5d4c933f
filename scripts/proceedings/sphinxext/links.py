"""Pages written again when what they link to moved or was renamed.

Sphinx writes again only the pages whose source changed, and resolves a page's links as it writes
it: a page whose source did not change kept a link to an anchor that had moved to another page (the
author and keyword indexes split into a page per letter past their limit, or merged back), and a
hand-written page kept a paper's old title, or a dead link without a warning. Each page's link
targets are kept in the environment as it is read, with what each target resolved to; once every
changed page is read, the pages linking to a target that now resolves otherwise are written again.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx


def _links(env) -> dict[str, list[str]]:
    """The targets each page links to, by docname."""
    return env.__dict__.setdefault("proceedings_links", {})


def _resolved(env) -> dict[str, list]:
    """What each target resolved to when pages were last written (see :func:`_resolution`)."""
    return env.__dict__.setdefault("proceedings_link_targets", {})


def _target(node: addnodes.pending_xref) -> str | None:
    """A link's target: a document (MyST links to a file) or a label (``{ref}``, ``{labelref}``, a
    MyST link to ``#label``); None for the other kinds, which our pages do not use."""
    domain, kind, target = node.get("refdomain"), node.get("reftype"), node.get("reftarget", "")
    if domain == "doc" or kind == "doc":
        return f"doc:{target}"
    if (domain == "std" and kind in ("ref", "numref")) or kind == "myst":
        return f"label:{target.lower()}"
    return None


def _resolution(env, target: str) -> list:
    """What ``target`` resolves to now: a document's title (None when there is no such document), a
    label's page, anchor and title."""
    kind, _, name = target.partition(":")
    if kind == "doc":
        title = env.titles.get(name)
        return [name in env.all_docs, title.astext() if title is not None else None]
    std = env.domaindata.get("std", {})
    return [list(std.get("labels", {}).get(name, ())), list(std.get("anonlabels", {}).get(name, ()))]


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    targets = {target for node in doctree.findall(addnodes.pending_xref) if (target := _target(node))}
    _links(app.env)[app.env.docname] = sorted(targets)


def _purge(app: Sphinx, env, docname: str) -> None:
    _links(env).pop(docname, None)


def _merge(app: Sphinx, env, docnames: set[str], other) -> None:
    _links(env).update({name: targets for name, targets in _links(other).items() if name in docnames})


def _moved(app: Sphinx, env) -> list[str]:
    """The pages linking to a target that resolves otherwise than when they were last written (on
    the first build, every page that links: all are written anyway)."""
    links, last = _links(env), _resolved(env)
    now = {target: _resolution(env, target) for targets in links.values() for target in targets}
    moved = {target for target, resolution in now.items() if last.get(target) != resolution}
    env.__dict__["proceedings_link_targets"] = now
    return sorted(name for name, targets in links.items() if moved.intersection(targets))


def setup_links(app: Sphinx) -> None:
    """Connect the handlers (called by the extension's ``setup``)."""
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-updated", _moved)
