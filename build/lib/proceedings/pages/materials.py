"""The files and recording of a paper or talk, as MyST: links with page counts and sizes, first-page
previews, and the recording as the speaker permitted it."""

from __future__ import annotations

from ..model.locations import (
    Material,
    erratum_file,
    material_stem,
    published_materials,
    recording_file,
    revision_file,
)
from ..model.recording import Recording
from ..model.volume import Proceedings
from ..util import myst
from ..util.text import plural

_PLATFORM_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo", "slideslive": "SlidesLive", "file": "video file"}


def material_links(volume: Proceedings, item, prefix: str = "") -> list[str]:
    """Links to the item's PDFs (``prefix`` leads from the page to the item's folder)."""
    links = []
    for material, path in published_materials(item):
        if facts := volume.facts(path):
            pages = f"{plural(facts.pages, 'page')}, " if material.paged else ""
            target = f"{prefix}{material_stem(item.id, material)}.pdf"
            links.append(myst.role("asset", f"{material.label} ({pages}{facts.size_label}) <{target}>"))
    return links


def preview_images(item) -> str:
    """First-page previews of the item's PDFs, each linked to its PDF."""
    images = [myst.role("preview", f"{preview_alt(material)} <{material_stem(item.id, material)}.png>")
              for material, _ in published_materials(item)]
    return " ".join(images)


def preview_alt(material: Material) -> str:
    """The alternative text of a first-page preview."""
    return f"First page of the {material.noun}"


def recording_link(recording: Recording | None, prefix: str = "") -> str:
    """A link to a published recording, for listings."""
    if recording is None:
        return ""
    duration = f", {recording.duration}" if recording.duration else ""
    label = f"Recording ({_PLATFORM_NAMES[recording.platform]}{duration})"
    if recording.is_local_file:
        return myst.role("asset", f"{label} <{prefix}{recording_file(recording)}>")
    return myst.link(label, recording.url)


def recording_block(recording: Recording | None) -> str:
    """The recording section: the click-to-load player when public, and below it a link to the video's
    own page (where the reader still gets if the player fails); only the link when only linking is allowed."""
    if recording is None:
        return ""
    if recording.permission == "link":
        return "## Recording\n\n" + recording_link(recording)
    target = recording_file(recording) if recording.is_local_file else recording.embed_url
    duration = f" ({recording.duration})" if recording.duration else ""
    player = myst.role("recording", f"Recording{duration} <{target}>")
    return f"## Recording\n\n{player}\n\nThe video's own page: {recording_link(recording)}"


def unpublished_materials(item, recording: Recording | None) -> str:
    """What a talk's page says of the slides and recording it does not have yet, else nothing."""
    missing = [name for name, present in (("slides", item.slides), ("recording", recording)) if not present]
    return f"{' and '.join(missing).capitalize()} not published." if missing else ""


def notices(paper) -> str:
    """The withdrawal or retraction, the erratum and the list of versions (none of a paper taken
    down: their PDFs are not published), as MyST."""
    blocks = []
    if paper.removal:
        kind = paper.removal_label
        files = " and its files taken down" if paper.taken_down else ""
        blocks.append(f":::{{warning}}\n**{kind} on {paper.removal.date:%d %B %Y}.** {myst.text(paper.removal.text)}\n\n"
                      f"This paper is no longer part of the proceedings{files}; its page stays so that links keep "
                      "working.\n:::")
    if paper.erratum:
        link = f" {myst.role('asset', f'Erratum (PDF) <{erratum_file(paper.id)}>')}" if paper.erratum.pdf and \
            not paper.taken_down else ""
        blocks.append(f":::{{note}}\n**Erratum, {paper.erratum.date:%d %B %Y}.** {myst.text(paper.erratum.text)}{link}\n:::")
    if paper.revisions and not paper.taken_down:
        lines = [f"- Version {number}, {revision.date:%d %B %Y}: {myst.text(revision.text)} · "
                 + myst.role("asset", f"PDF <{revision_file(paper.id, number)}>")
                 for number, revision in enumerate(paper.revisions, 1)]
        lines.append(f"- Version {len(paper.revisions) + 1} (current): the PDF above")
        blocks.append("## Versions\n\n" + "\n".join(lines))
    return "\n\n".join(blocks)
