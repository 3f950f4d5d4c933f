"""Recordings of talks and papers, as listed in ``papers/recordings.yml``, and who may see them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..records.fields import Fields

RECORDING_FIELDS = ("item", "url", "platform", "duration", "permission")
PERMISSIONS = ("public", "link", "withheld")
# After a video's id, a query or fragment: no spaces, quotes or angle brackets (the URL is shown as a link).
_REST = r"""[^\s"'<>]*"""
# What a URL on each platform looks like; the group is the video's id on that platform.
PLATFORM_URLS = {
    "youtube": re.compile(r"^https://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/|youtube\.com/embed/)([\w-]{11})"
                          r"(?:[&?#]" + _REST + ")?$"),
    "vimeo": re.compile(r"^https://(?:www\.)?vimeo\.com/(\d+)(?:[/?#]" + _REST + ")?$"),
    "slideslive": re.compile(r"^https://(?:www\.)?slideslive\.com/(\d+)(?:[/?#]" + _REST + ")?$"),
    # The path names the video: 'x.html#.mp4' (a red-team trial's) is a web page.
    # (nor 'x.html;.mp4': a ; begins a path's parameters on some servers).
    "file": re.compile(r"^(?:https://[^\s\"'<>?#;]+|[\w./-]+)\.(mp4|webm|ogg|mov)(?:[?#]" + _REST + ")?$"),
}
# A path segment . or .., written out or encoded (vimeo.com/123/../../evil, or %2e%2e, is another page
# of the site than the video's).
_DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?:[/?#]|$)", re.IGNORECASE)
_EMBEDS = {
    "youtube": "https://www.youtube-nocookie.com/embed/{}",
    "vimeo": "https://player.vimeo.com/video/{}?dnt=1",
    "slideslive": "https://slideslive.com/embed/presentation/{}",
}


@dataclass(frozen=True)
class Recording:
    """A video of a talk or paper presentation."""

    item: str
    """Id of the paper or talk recorded."""
    url: str
    """Where the video is: a platform URL, or for ``file`` a path in ``papers/`` or an https URL."""
    platform: str
    """youtube, vimeo, slideslive or file."""
    permission: str = "withheld"
    """public (embedded), link (linked only) or withheld (not published)."""
    duration: str | None = None
    """Length, e.g. '42:10'."""

    @property
    def published(self) -> bool:
        """Whether the archive shows the recording at all."""
        return self.permission != "withheld"

    @property
    def is_local_file(self) -> bool:
        """Whether the video is a file in ``papers/``, published beside the page."""
        return self.platform == "file" and not self.url.startswith("https://")

    @property
    def embed_url(self) -> str:
        """The URL the player loads: a privacy-enhanced embed for platforms, the file itself otherwise."""
        if self.platform == "file":
            return self.url
        match = PLATFORM_URLS[self.platform].match(self.url)
        if match is None:
            raise ValueError(f"{self.url!r} is not a {self.platform} video URL")  # read_recording refuses those
        return _EMBEDS[self.platform].format(match.group(1))


def read_recording(fields: Fields, papers_dir: Path, items: set[str] | None) -> Recording | None:
    """One recording of one of ``items`` (None: unknown, their file could not be read); None (with
    diagnostics) when it is unusable."""
    named = item = fields.text("item", required=True)
    if item and items is not None and item not in items:
        fields.error("item", f"{item!r} is neither a paper id nor a talk id")
        item = None
    platform = fields.choice("platform", tuple(PLATFORM_URLS))
    url = fields.text("url", required=True)
    if url and platform and (not PLATFORM_URLS[platform].match(url) or _DOT_SEGMENT.search(url)):
        fields.error("url", f"{url!r} is not a {platform} video URL")
        url = None
    elif url and platform == "file" and not url.startswith("https://"):
        url = fields.path("url", papers_dir)
    permission = fields.choice("permission", PERMISSIONS, default="withheld")
    if permission == "withheld":
        why = "its permission is withheld" if "permission" in fields.data else "no permission was given"
        fields.warning("permission", f"recording of {named!r} is not published: {why}")
    duration = fields.duration("duration")
    if not (item and platform and url and permission):
        return None
    return Recording(item, url, platform, permission, duration)
