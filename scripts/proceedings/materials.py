"""The files and recording of a paper or talk, as MyST: links with page counts and sizes, first-page
previews, and the recording as the speaker permitted it."""

from __future__ import annotations

from . import myst
from .project import material_stem
from .recording import Recording
from .volume import Proceedings

MATERIAL_LABELS = {"pdf": "PDF", "slides": "Slides", "poster": "Poster"}
_PLATFORM_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo", "slideslive": "SlidesLive", "file": "video file"}


def material_links(volume: Proceedings, item, prefix: str = "") -> list[str]:
    """Links to the item's PDFs (``prefix`` leads from the page to the item's folder)."""
    links = []
    for field, label in MATERIAL_LABELS.items():
        path = getattr(item, field, None)
        if path and (facts := volume.facts(path)):
            pages = f"{facts.pages} page{'s' * (facts.pages != 1)}, " if field != "poster" else ""
            links.append(myst.role("asset", f"{label} ({pages}{facts.size_label}) <{prefix}{material_stem(item.id, field)}.pdf>"))
    return links


def previews(item) -> str:
    """First-page previews of the item's PDFs, each linked to its PDF."""
    images = [myst.role("preview", f"First page of the {'paper' if field == 'pdf' else field} <{material_stem(item.id, field)}.png>")
              for field in MATERIAL_LABELS if getattr(item, field, None)]
    return " ".join(images)


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
    """The recording section: the click-to-load player when public, a link when only linking is allowed."""
    if recording is None:
        return ""
    if recording.permission == "link":
        return "## Recording\n\n" + recording_link(recording)
    target = recording_file(recording) if recording.is_local_file else recording.embed_url
    duration = f" ({recording.duration})" if recording.duration else ""
    return f"## Recording\n\n{myst.role('recording', f'Recording{duration} <{target}>')}"


def recording_file(recording: Recording) -> str:
    """The published name of a recording that is a file in ``papers/``."""
    return f"{recording.item}-recording.{recording.url.rsplit('.', 1)[-1].lower()}"


def notice_files(paper) -> dict[str, str]:
    """The published names of a paper's earlier versions and erratum, with their paths in ``papers/``."""
    files = {f"{paper.id}-v{number}.pdf": revision.pdf for number, revision in enumerate(paper.revisions, 1)}
    if paper.erratum and paper.erratum.pdf:
        files[f"{paper.id}-erratum.pdf"] = paper.erratum.pdf
    return files


def notices(paper) -> str:
    """The withdrawal or retraction, the erratum and the list of versions, as MyST."""
    blocks = []
    if paper.removal:
        kind = "Retracted" if paper.retracted else "Withdrawn"
        blocks.append(f":::{{warning}}\n**{kind} on {paper.removal.date:%d %B %Y}.** {myst.text(paper.removal.text)}\n\n"
                      "This paper is no longer part of the proceedings; its page stays so that links keep working.\n:::")
    if paper.erratum:
        link = f" {myst.role('asset', f'Erratum (PDF) <{paper.id}-erratum.pdf>')}" if paper.erratum.pdf else ""
        blocks.append(f":::{{note}}\n**Erratum, {paper.erratum.date:%d %B %Y}.** {myst.text(paper.erratum.text)}{link}\n:::")
    if paper.revisions:
        lines = [f"- Version {number}, {revision.date:%d %B %Y}: {myst.text(revision.text)} · "
                 + myst.role("asset", f"PDF <{paper.id}-v{number}.pdf>")
                 for number, revision in enumerate(paper.revisions, 1)]
        lines.append(f"- Version {len(paper.revisions) + 1} (current): the PDF above")
        blocks.append("## Versions\n\n" + "\n".join(lines))
    return "\n\n".join(blocks)
