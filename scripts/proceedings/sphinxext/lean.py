"""Transforms switched off on generated pages. Jupyter Book loads extensions whose transforms walk
every page's doctree looking for their own nodes (sphinx-design's tabs, asides and buttons,
MyST-NB's notebook outputs, the theme's GitHub links, Sphinx's translations, doctests, citations and
references by name), an eighth of Sphinx's time on a thousand paper pages that hold none of them. A
generated page's MyST is the tool's own (headings, lists, links, code blocks, math, notes, a
dropdown and this extension's roles), so these transforms, and the event handlers that do the
same, skip it; a hand-written page still gets every one. A generated page says so in its data line
(``myst.GENERATED``, which ``myst.page`` writes), and counts as generated while its seal holds
(``myst.seal_holds``, checked as the page's data line is read)."""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from docutils.readers import standalone
from docutils.transforms import Transform
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..util.releases import is_release

# Whether a page (by its environment and name) is generated.
Generated = Callable[[BuildEnvironment, str], bool]

# By module and name, so that an extension not installed is simply not matched.
UNUSED_TRANSFORMS = frozenset({
    # Translation with gettext catalogs: the generated pages are written in the papers' own words.
    # (Locale and the two of its placeholders are in UNUSED_BY_CLASS.)
    "sphinx.transforms.i18n.TranslationProgressTotaliser",
    "sphinx.transforms.i18n.AddTranslationClasses",
    # References by name (``name_``, footnotes, citations), which the tool never writes: it links by
    # URL or label.
    "sphinx.transforms.references.SphinxDanglingReferences",
    # Footnotes for LaTeX, doctest blocks, Python modules, citations.
    "sphinx.builders.latex.transforms.FootnoteDocnameUpdater",
    "sphinx.transforms.DoctestTransform",
    "sphinx.transforms.MoveModuleTargets",
    "sphinx.domains.citation.CitationDefinitionTransform",
    "sphinx.domains.citation.CitationReferenceTransform",
    # Source lines and raw source for translation (its log says "[i18n] PATCH"), filled in on every
    # text node of a page (2 % of Sphinx's time at 1,000 papers); MyST gives the raw source of the one
    # node whose HTML reads it, a code block.
    "sphinx.transforms.ApplySourceWorkaround",
    # Each walks every node of a page for nodes the tool never writes (together 0.86 s of Sphinx's
    # 34 s at 1,000 papers, timed in one build): figures, tables and code blocks with a caption, to
    # number them; sorted glossaries; index entries of the old form; doctest blocks in a quotation;
    # ``|today|``, ``|version|`` and the other substitutions Sphinx knows.
    "sphinx.transforms.AutoNumbering",
    "sphinx.transforms.GlossarySorter",
    "sphinx.transforms.AutoIndexUpgrader",
    "sphinx.transforms.HandleCodeBlocks",
    "sphinx.transforms.DefaultSubstitutions",
    # Index entries among targets, moved before them: the tool writes targets but no index entry
    # (0.14 s at 1,000 papers, timed in one build).
    "sphinx.transforms.ReorderConsecutiveTargetAndIndexNodes",
})
UNUSED_POST_TRANSFORMS = frozenset({
    "sphinx_design.aside.AsideHtmlTransform",
    "sphinx_design.tabs.TabSetHtmlTransform",
    "sphinx_design.badges_buttons.ButtonRefContentStash",
    "sphinx_design.badges_buttons.ButtonRefContentGraft",
    "sphinx_design.badges_buttons.BadgeRefTooltipStash",
    "sphinx_design.badges_buttons.BadgeRefTooltipGraft",
    "myst_nb.sphinx_.SelectMimeType",
    "myst_nb.sphinx_.HideInputCells",
    "myst_nb.ext.glue.crossref.ReplacePendingGlueReferences",
    "myst_nb.ext.execution_tables.ExecutionStatsPostTransform",
    "sphinx.builders.html.transforms.KeyboardTransform",
    # The theme's shortening of a GitHub or GitLab link whose text is its URL: the tool writes no such
    # link but one an organizer named after a URL (a speaker's name), which is shown as written.
    "pydata_sphinx_theme.short_link.ShortenLinkTransform",
    "sphinx.transforms.post_transforms.code.TrimDoctestFlagsTransform",
    # The highlighting language of code blocks that name none (the `highlight` directive's, or
    # `highlight_language`): MyST names one for every fence, and the transform's other setting, no
    # line numbers, is the HTML writer's default. It visits every node of a page (2 % of Sphinx's
    # time at 1,000 papers).
    "sphinx.transforms.post_transforms.code.HighlightLanguageTransform",
    "sphinx.domains.c.AliasTransform",
    "sphinx.domains.cpp.AliasTransform",
    # Signatures of objects described (Python functions, C types) and ``only`` blocks, which the
    # tool never writes.
    "sphinx.transforms.post_transforms.PropagateDescDomain",
    "sphinx.transforms.post_transforms.OnlyNodeTransform",
    # Intersphinx's ``external`` roles, and images from the web or in a ``data:`` URI: the tool's
    # pages name none, and show their previews as HTML of their own (``{preview}``). Together 0.36 s
    # of Sphinx's 34 s at 1,000 papers (timed in one build).
    "sphinx.ext.intersphinx._resolve.IntersphinxRoleResolver",
    "sphinx.transforms.post_transforms.images.ImageDownloader",
    "sphinx.transforms.post_transforms.images.DataURIExtractor",
})


# Post-transforms that ask ``self.document.findall`` for the nodes a function of theirs accepts, and
# the class of those nodes, with the release of their package whose ``run`` asks nothing else of the
# document. On a generated page they are shown the nodes of that class alone, found at docutils' fast
# path: sphinx-design's dropdowns made HTML called its function on every node of a paper page, which
# raised and caught an error at each text (0.83 s at 1,000 papers; 0.33 s shown the containers alone).
LOOKING_FOR_CLASS = {
    "sphinx_design.dropdown.DropdownHtmlTransform": (nodes.container, "sphinx-design", "0.8."),
}


# Transforms that Sphinx's reader applies by their class, not from its registry: a subclass in the
# registry would not replace them. Their own ``apply`` is wrapped instead, once in the process, and
# does nothing on a generated page of a build whose ``proceedings_lean`` is true; in any other build,
# it applies as before. The translation ones are left out by class by Sphinx's reader of translated
# messages (2 % of Sphinx's time at 1,000 papers, together); docutils' own come with its standalone
# reader, and walk every node for rST's substitutions (``|name|``), anonymous links (``name__``),
# links by name (``name_``: the targets' walks) and transitions (``----``), which a generated page
# cannot hold: the tool escapes every punctuation mark of the text it writes, writes no thematic
# break, and MyST's Sphinx renderer makes a link to no URL a cross-reference (0.68 s together).
UNUSED_BY_CLASS = frozenset({
    "sphinx.transforms.i18n.PreserveTranslatableMessages",
    "sphinx.transforms.i18n.Locale",
    "sphinx.transforms.i18n.RemoveTranslatableInline",
    "docutils.transforms.references.Substitutions",
    "docutils.transforms.references.AnonymousHyperlinks",
    "docutils.transforms.references.ExternalTargets",
    "docutils.transforms.references.InternalTargets",
    "docutils.transforms.misc.Transitions",
})


# Handlers, by event, that look for their extension's nodes.
UNUSED_HANDLERS = {
    # Sphinx's collector of images, which the tool's pages hold none of (see above: 0.15 s at 1,000
    # papers). The builder's own walks for them before it writes a page (two, 0.2 s) are skipped too.
    "doctree-read": frozenset({"sphinx.environment.collectors.asset.ImageCollector.process_doc"}),
    # sphinx-design's links that open a new tab, which only its cards and buttons ask for (1 % of
    # Sphinx's time at 1,000 papers, walking every node of every page).
    "doctree-resolved": frozenset({"sphinx_design.extension._resolve_new_tab_refs"}),
}


# Builders that write one page at a time: singlehtml, LaTeX and Texinfo resolve the whole book in one
# doctree, named after its root page, which may be a generated one.
_PAGE_BY_PAGE = frozenset({"html", "dirhtml"})


def qualified_name(transform: Callable) -> str:
    """``module.Name`` of a transform class or a handler (a ``functools.partial`` or a callable
    object, which have none, give a name no one matches)."""
    return f"{getattr(transform, '__module__', '')}.{getattr(transform, '__qualname__', '')}"


def skip_unused_transforms(app: Sphinx, generated: Generated) -> None:
    """Make the registered transforms, post-transforms and handlers named above do nothing on the
    pages ``generated`` says are; called once the extensions are set up, before any page is read.
    Every builder reads page by page; what runs as pages are written is skipped only with the
    builders that write page by page (``_PAGE_BY_PAGE``), as the others resolve the whole book in one."""
    registry = app.registry
    registry.transforms = [_unless_generated(t, generated) if qualified_name(t) in UNUSED_TRANSFORMS else t
                           for t in registry.transforms]
    for transform in {*registry.transforms, *standalone.Reader().get_transforms()}:
        own = vars(transform).get("apply")
        if qualified_name(transform) in UNUSED_BY_CLASS and own and not hasattr(own, "__wrapped__"):
            transform.apply = _applied_unless_generated(own, generated)
    _skip_handlers(app, "doctree-read", generated)
    if app.builder.name in _PAGE_BY_PAGE:
        registry.post_transforms = [_lean_post_transform(t, generated) for t in registry.post_transforms]
        _skip_handlers(app, "doctree-resolved", generated)
        if callable(own_images := getattr(app.builder, "post_process_images", None)):
            app.builder.post_process_images = _images_unless_generated(own_images, app.env, generated)  # type: ignore[assignment]


def _skip_handlers(app: Sphinx, event: str, generated: Generated) -> None:
    """Make the handlers of ``event`` that :data:`UNUSED_HANDLERS` names do nothing on generated pages."""
    listeners = app.events.listeners[event]
    listeners[:] = [listener._replace(handler=_handled_unless_generated(listener.handler, generated))
                    if qualified_name(listener.handler) in UNUSED_HANDLERS[event] else listener
                    for listener in listeners]


def _unless_generated(transform: type[Transform], generated: Generated) -> type[Transform]:
    """A subclass of ``transform`` that applies it except to generated pages."""
    return _named_as(transform, apply=_applied_unless_generated(transform.apply, generated))


def _named_as(transform: type[Transform], **methods: Callable[..., None]) -> type[Transform]:
    """A subclass of ``transform`` with ``methods``, under its module and name (which Sphinx's
    registry and the tests know it by)."""
    return type(transform.__name__, (transform,), {**methods, "__module__": transform.__module__,
                                                   "__qualname__": transform.__qualname__})


def _lean_post_transform(transform: type[Transform], generated: Generated) -> type[Transform]:
    """The post-``transform`` as a lean build runs it: skipped on generated pages if it is unused there,
    shown only the nodes it looks for if it looks for them by class, else as it is."""
    name = qualified_name(transform)
    if name in UNUSED_POST_TRANSFORMS:
        return _unless_generated(transform, generated)
    if name in LOOKING_FOR_CLASS:
        node_class, distribution, release = LOOKING_FOR_CLASS[name]
        if is_release(distribution, release):
            return _shown_only(transform, node_class, generated)
    return transform


def _shown_only(transform: type[Transform], node_class: type[nodes.Node], generated: Generated) -> type[Transform]:
    """A subclass of the post-``transform`` that, on generated pages, finds only the ``node_class``
    nodes of the page (see :data:`LOOKING_FOR_CLASS`)."""
    def run(self, **kwargs) -> None:
        if lean_page(self.env, self.env.temp_data.get("docname"), generated):
            page = self.document
            self.document = _OfClass(page, node_class)
            try:
                transform.run(self, **kwargs)
            finally:
                self.document = page
        else:
            transform.run(self, **kwargs)
    return _named_as(transform, run=run)


class _OfClass:
    """A page as a post-transform of :data:`LOOKING_FOR_CLASS` sees it: its ``findall`` gives the
    nodes of one class that the condition accepts, all found before the transform replaces any."""

    def __init__(self, page: nodes.document, node_class: type[nodes.Node]):
        self.page = page
        self.node_class = node_class

    def findall(self, condition: Callable[[nodes.Node], bool]) -> list[nodes.Node]:
        return [node for node in self.page.findall(self.node_class) if condition(node)]


def _applied_unless_generated(apply: Callable[..., None], generated: Generated) -> Callable[..., None]:
    """A transform's ``apply`` that does nothing on the generated pages of a build whose
    ``proceedings_lean`` is true."""
    def applied(self, **kwargs) -> None:
        # None outside Sphinx: docutils' own transforms are wrapped for every document in the process.
        env = getattr(self.document.settings, "env", None)
        # The page being read, or during post-transforms the page being written (none: apply).
        if env is None or not lean_page(env, env.temp_data.get("docname"), generated):
            apply(self, **kwargs)
    applied.__wrapped__ = apply  # type: ignore[attr-defined]
    return applied


def _handled_unless_generated(handler: Callable[..., None], generated: Generated) -> Callable[..., None]:
    """A ``doctree-read`` or ``doctree-resolved`` ``handler`` that does nothing on the generated
    pages of a build whose ``proceedings_lean`` is true."""
    def handled(app: Sphinx, doctree, *docname: str) -> None:
        # doctree-resolved names the page; doctree-read is emitted while the environment reads it.
        if not lean_page(app.env, docname[0] if docname else app.env.docname, generated):
            handler(app, doctree, *docname)
    handled.__wrapped__ = handler  # type: ignore[attr-defined]
    return handled


def _images_unless_generated(post_process_images: Callable[[nodes.document], None], env: BuildEnvironment,
                             generated: Generated) -> Callable[[nodes.document], None]:
    """The builder's ``post_process_images``, which does nothing on the generated pages of a build
    whose ``proceedings_lean`` is true: it is given the page alone, known by its source file."""
    def processed(doctree: nodes.document) -> None:
        if not lean_page(env, env.path2doc(doctree.get("source", "")), generated):
            post_process_images(doctree)
    processed.__wrapped__ = post_process_images  # type: ignore[attr-defined]
    return processed


def lean_page(env: BuildEnvironment, docname: str | None, generated: Generated) -> bool:
    """Whether the page ``docname`` (none: not known) is a generated one of a build whose
    ``proceedings_lean`` is true, which the unused transforms and handlers skip."""
    return bool(docname is not None and getattr(env.config, "proceedings_lean", False) and generated(env, docname))
