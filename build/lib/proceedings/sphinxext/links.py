"""Pages written again when what they link to moved or was renamed, and read again when a document
they link to was added or removed.

Sphinx writes again only the pages whose source changed, and resolves a page's links as it writes
it: a page whose source did not change kept a link to an anchor that had moved to another page (the
author and keyword indexes split into a page per letter past their limit, or merged back), and a
hand-written page kept a paper's old title. Each page's link targets are kept in the environment as
it is read, with what each target resolved to; once every changed page is read, the pages linking
to a target that now resolves otherwise are written again.

Whether a MyST link to a file (``[](papers/x.md)``) names a document is decided as the page is read:
a link to it, or a missing reference shown as the path. Written again without being read, a page
kept a dead link to a paper added since, or an empty link to one removed, and its description and
search text with them. So the pages linking to a document added or removed are read again.
"""

from __future__ import annotations

import posixpath

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx


def _links(env) -> dict[str, list[str]]:
    """The targets each page links to, by docname."""
    return env.__dict__.setdefault("proceedings_links", {})


def _resolved(env) -> dict[str, list]:
    """What each target resolved to when pages were last written (see :func:`_resolution`)."""
    return env.__dict__.setdefault("proceedings_link_targets", {})


def _target(node: addnodes.pending_xref, page: str, suffixes: tuple[str, ...]) -> str | None:
    """A link's target on ``page``: a document (MyST links to a file, found or not when the page was
    read, which end with one of the source ``suffixes``) or a label (``{ref}``, ``{labelref}``, a MyST link to
    ``#label``); None for the other kinds, which our pages do not use."""
    domain, kind, target = node.get("refdomain"), node.get("reftype"), node.get("reftarget", "")
    if domain == "doc" or kind == "doc":
        return f"doc:{target}"
    if kind == "myst" and (path := target.partition("#")[0]).endswith(suffixes):
        # Relative to the page's folder, or to the source folder if it starts with a slash.
        name = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
        return f"doc:{posixpath.normpath(name).rsplit('.', 1)[0]}"
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


def _reads(env, targets: set[str]) -> dict[str, int]:
    """When each document that ``targets`` names was last read (``env.all_docs``)."""
    return {name: read for target in targets if target.startswith("doc:")
            and (read := env.all_docs.get(name := target.removeprefix("doc:"))) is not None}


def _unread_since(target: str, last: dict[str, list], reads: dict[str, int], last_reads: dict[str, int]) -> bool:
    """Whether ``target`` is a document resolved in ``last`` and not read again since (``reads``,
    ``last_reads``: when each was read, now and then)."""
    name = target.removeprefix("doc:")
    return target.startswith("doc:") and target in last and name in reads and reads[name] == last_reads.get(name)


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    page, suffixes = app.env.docname, tuple(app.config.source_suffix)
    targets = {target for node in doctree.findall(addnodes.pending_xref) if (target := _target(node, page, suffixes))}
    _links(app.env)[page] = sorted(targets)


def _purge(app: Sphinx, env, docname: str) -> None:
    _links(env).pop(docname, None)


def _merge(app: Sphinx, env, docnames: set[str], other) -> None:
    _links(env).update({name: targets for name, targets in _links(other).items() if name in docnames})


def _relinked(app: Sphinx, env, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """The pages linking to a document added or removed since they were read, to be read again."""
    appeared_or_gone = {f"doc:{name}" for name in added | removed}
    return sorted(name for name, targets in _links(env).items() if appeared_or_gone.intersection(targets))


def _moved(app: Sphinx, env) -> list[str]:
    """The pages linking to a target that resolves otherwise than when they were last written (on
    the first build, every page that links: all are written anyway)."""
    links, last = _links(env), _resolved(env)
    linked = {target for targets in links.values() for target in targets}
    # A document not read since it was last resolved has the same title: taking the text of every
    # linked title again was 0.05 s of an edited abstract's run at 1,000 papers.
    reads, last_reads = _reads(env, linked), env.__dict__.get("proceedings_link_reads", {})
    now = {target: last[target] if _unread_since(target, last, reads, last_reads) else _resolution(env, target)
           for target in linked}
    moved = {target for target, resolution in now.items() if last.get(target) != resolution}
    env.__dict__["proceedings_link_targets"] = now
    env.__dict__["proceedings_link_reads"] = reads
    return sorted(name for name, targets in links.items() if moved.intersection(targets))


def setup_links(app: Sphinx) -> None:
    """Connect the handlers (called by the extension's ``setup``)."""
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _relinked)
    app.connect("env-updated", _moved)
