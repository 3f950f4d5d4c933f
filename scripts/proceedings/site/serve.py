"""Previewing the built site on this machine only, sending what a good static host sends: text
compressed with gzip when the browser accepts it, and cache headers (assets a day, pages revalidated).
While the project is watched and built again as it changes (``site/watch.py``), each page also asks
four times a second which site is published, and reloads itself once another is."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Text worth compressing (Pagefind's index fragments are compressed already).
COMPRESSED_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".bib", ".ris", ".ics", ".map")
# Asset folders whose files only change with the site's version; pages are checked on every visit.
CACHED_FOLDERS = ("_static/", "pagefind/", "_images/")
# In those folders, what a rebuild changes without a new name: the list of the search index's shards
# (a browser keeping it for a day searched shards that were gone, or missed new ones).
REVALIDATED_FILES = ("pagefind/merge.json",)
SITE_VERSION = "/.proceedings-site"
"""What a watched preview's pages ask for: the name of the published snapshot of the site, which a
build that changed anything replaces (``site/publish.py``)."""
LOOK_MILLISECONDS = 250
"""How often a watched preview's page asks: every second, a page showed an edit half a second after
it was published, on average (a sixth of an edited abstract's time from the save at 1,000 papers).
Each question is a few hundred bytes on a connection kept open, answered in under a millisecond; a
browser asks at most once a second from a tab out of sight."""
NO_SITE_YET = (b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No site yet</title></head><body>"
               b"<p>No site to show yet: it is being built, or its inputs have errors (the terminal running "
               b"<code>proceedings serve</code> lists them). This page reloads itself once a site is published.</p>"
               b"</body></html>")
"""What a watched preview sends for a missing page while no site (and so no ``404.html``) is published."""


def reload_script(site: str) -> bytes:
    """The script that reloads a page served from the snapshot ``site`` once another is published
    (the same on every page of a snapshot: no text of the page is in it)."""
    shown = json.dumps(site).replace("<", "\\u003c")
    # The preview stopped: asked again later and later (up to every ten seconds), not four times a second.
    return (f"<script>(() => {{ const shown = {shown}; let wait = {LOOK_MILLISECONDS}; "
            f"const look = () => fetch('{SITE_VERSION}', {{cache: 'no-store'}})"
            ".then(r => r.ok ? r.text() : shown).then(site => { if (site !== shown) location.reload(); "
            f"else setTimeout(look, wait = {LOOK_MILLISECONDS}); }}, () => setTimeout(look, wait = Math.min(2 * wait, 10000))); "
            f"setTimeout(look, {LOOK_MILLISECONDS}); }})();</script>").encode()


@functools.lru_cache(maxsize=512)
def _sent_bytes(path: str, mtime_ns: int, site: str | None, gzipped: bool) -> bytes:
    """The file's bytes as sent, made once per version of the file: with :func:`reload_script` for
    the snapshot ``site``, unless None, and compressed, if ``gzipped``. (A file the next snapshot
    keeps is the same file, with its time: the snapshot is part of the key.)"""
    body = Path(path).read_bytes()
    if site is not None:
        body = with_reload_script(body, site)
    return gzip.compress(body, compresslevel=6, mtime=0) if gzipped else body


def _entity_tag(status: os.stat_result, site: str | None, gzipped: bool) -> str:
    """The ETag of a file sent compressed, or with the reload script for the snapshot ``site``: the
    file's time and size, and how it is sent. Without one, a page or a style sheet revalidated (as
    every file of a watched preview is, and every page of the published site) came whole again at
    every visit, every reload after an edit, in every tab open; with it, a 304 says it is unchanged."""
    return f'"{status.st_mtime_ns:x}-{status.st_size:x}-{"gzip" if gzipped else "identity"}-{site or ""}"'


def _bytes_if_there(path: Path) -> bytes | None:
    """The file's bytes; None when there is none (or no longer: a site removed as it is served)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def with_reload_script(page: bytes, site: str) -> bytes:
    """The HTML ``page`` with :func:`reload_script` for the snapshot ``site``, before its last
    ``</body>`` (at its end if it has none)."""
    script = reload_script(site)
    head, end, tail = page.rpartition(b"</body>")
    return head + script + end + tail if end else page + script


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder with gzip for text and cache headers, quietly."""

    # Keep-alive, as every real host: a page's dozen assets reuse one connection instead of opening one each.
    protocol_version = "HTTP/1.1"
    # Each response is written as its headers, then its body: with Nagle's algorithm the body waited for
    # the browser's delayed acknowledgement of the headers, 40 ms for every response on a connection kept
    # open (44 ms a question of the reload script, 0.3 ms without).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args) -> None:
        pass

    status = 0
    """The status of the response being sent."""
    keeps_assets = True
    """Whether browsers may keep the assets a day (a watched preview's change under the same names)."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def end_headers(self) -> None:
        name = self.path.split("?")[0].lstrip("/")
        # A missing file is not kept: it may be there once the site is built.
        cached = self.keeps_assets and self.status == 200 and name.startswith(CACHED_FOLDERS) and name not in REVALIDATED_FILES
        self.send_header("Cache-Control", "public, max-age=86400" if cached else "no-cache")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page gets the site's own ``404.html`` (links home and to search), as GitHub
        Pages and Netlify send it, rather than Python's bare error page."""
        site = self.shown_site()
        body = None if code != 404 else \
            _bytes_if_there(Path(self.directory) / "404.html") or (NO_SITE_YET if site is not None else None)
        if body is None:
            super().send_error(code, message, explain)
            return
        if site is not None:
            body = with_reload_script(body, site)
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def shown_site(self) -> str | None:
        """The snapshot of the site served, for pages that reload themselves once another is
        published (:class:`WatchedSiteHandler`); None: they do not."""
        return None

    def list_directory(self, path):
        """A folder without ``index.html`` is not found, as on a static host (not a listing of its files)."""
        self.send_error(404)

    def send_head(self):
        site = self.shown_site()
        if site is not None and self.path.split("?")[0] == SITE_VERSION:
            return self._sent(site.encode(), "text/plain; charset=utf-8")
        # The file system refuses a NUL (Python's handler raised); in the query it names no file: the
        # search page's ?q= holds what the reader typed.
        if "\0" in urllib.parse.unquote(urllib.parse.urlsplit(self.path).path):
            self.send_error(404)
            return None
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if self.path.split("?")[0].endswith("/") and os.path.isfile(index):
                path = index
        if not os.path.isfile(path):
            return super().send_head()
        gzipped = path.endswith(COMPRESSED_TYPES) and "gzip" in self.headers.get("Accept-Encoding", "")
        site = site if path.endswith(".html") else None
        if not (gzipped or site is not None):
            return super().send_head()
        try:
            status = os.stat(path)
            tag = _entity_tag(status, site, gzipped)
            body = None if self._held(tag) else _sent_bytes(path, status.st_mtime_ns, site, gzipped)
        except OSError:  # gone since it was found (a site removed, a page a new snapshot has not), as Python's handler says
            self.send_error(404)
            return None
        if body is None:  # neither read nor compressed
            self.send_response(304)
            self.send_header("ETag", tag)
            if gzipped:
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        return self._sent(body, self.guess_type(path), gzipped, tag)

    def _held(self, tag: str) -> bool:
        """Whether the browser holds the version ``tag`` names (its ``If-None-Match``)."""
        held = {name.strip().removeprefix("W/") for name in self.headers.get("If-None-Match", "").split(",")}
        return tag in held or "*" in held

    def _sent(self, body: bytes, content_type: str, gzipped: bool = False, tag: str | None = None) -> io.BytesIO:
        """Send the headers of ``body`` (with its entity ``tag``, if any); the body, for the handler to
        copy as it copies a file."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        if tag:
            self.send_header("ETag", tag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class WatchedSiteHandler(SiteHandler):
    """Serves the site of a watched project: each page reloads itself once another site is
    published, asking :data:`SITE_VERSION`, which only this handler answers; while none is, a
    missing page is :data:`NO_SITE_YET`. Nothing is kept by the browser without asking again: a logo,
    a figure or a style sheet changed keeps its name, and a reload must show it."""

    keeps_assets = False

    def shown_site(self) -> str:
        """The published snapshot's name (the folder the site's link leads to); empty when none is."""
        target = os.path.realpath(self.directory)
        return os.path.basename(target) if os.path.isdir(target) else ""


class PreviewServer(http.server.ThreadingHTTPServer):
    """A server of ``folder`` on 127.0.0.1 (never on other interfaces), bound to ``port`` (any free
    one for 0); with ``watched``, its pages reload themselves once another site is published. Raises
    OSError when the port is taken, or not ours to use."""

    def __init__(self, folder: Path, port: int, watched: bool = False):
        self.folder = folder
        """What it serves."""
        handler = functools.partial(WatchedSiteHandler if watched else SiteHandler, directory=str(folder))
        super().__init__(("127.0.0.1", port), handler)


@contextmanager
def serving(server: PreviewServer) -> Iterator[None]:
    """Run ``server`` from a thread while the block runs, then close it."""
    with server:
        thread = threading.Thread(target=server.serve_forever, name="preview server", daemon=True)
        thread.start()
        print(f"Serving {server.folder} at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)", flush=True)
        try:
            yield
        finally:
            server.shutdown()
            thread.join()
