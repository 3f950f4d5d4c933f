"""Previewing the built site on this machine only, sending what a good static host sends: text
compressed with gzip when the browser accepts it, and cache headers (assets a day, pages revalidated).
While the project is watched and built again as it changes (``site/watch.py``), each page also asks
every second which site is published, and reloads itself once another is."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
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
LOOK_MILLISECONDS = 1000
"""How often a watched preview's page asks."""
# Ours, the same on every page: no text of the page is in it.
_RELOAD_SCRIPT = (f"<script>(() => {{ let shown; const look = () => fetch('{SITE_VERSION}', {{cache: 'no-store'}})"
                  ".then(r => r.ok ? r.text() : shown).then(site => { if (shown !== undefined && site !== shown) "
                  "location.reload(); else { shown = site; setTimeout(look, " f"{LOOK_MILLISECONDS}); }}}}, "
                  f"() => setTimeout(look, {LOOK_MILLISECONDS})); look(); }})();</script>").encode()


@functools.lru_cache(maxsize=512)
def _sent_bytes(path: str, mtime_ns: int, reloading: bool, gzipped: bool) -> bytes:
    """The file's bytes as sent, made once per version of the file: with the script that reloads
    the page once the site is built again, if ``reloading``, and compressed, if ``gzipped``."""
    body = Path(path).read_bytes()
    if reloading:
        body = with_reload_script(body)
    return gzip.compress(body, compresslevel=6, mtime=0) if gzipped else body


def with_reload_script(page: bytes) -> bytes:
    """The HTML ``page`` with the script that reloads it once the site is built again, before its
    last ``</body>`` (at its end if it has none)."""
    head, end, tail = page.rpartition(b"</body>")
    return head + _RELOAD_SCRIPT + end + tail if end else page + _RELOAD_SCRIPT


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder with gzip for text and cache headers, quietly."""

    # Keep-alive, as every real host: a page's dozen assets reuse one connection instead of opening one each.
    protocol_version = "HTTP/1.1"
    reloading = False
    """Whether pages reload themselves once the site is built again (see :class:`WatchedSiteHandler`)."""

    def log_message(self, format: str, *args) -> None:
        pass

    def end_headers(self) -> None:
        name = self.path.split("?")[0].lstrip("/")
        cached = name.startswith(CACHED_FOLDERS) and name not in REVALIDATED_FILES
        self.send_header("Cache-Control", "public, max-age=86400" if cached else "no-cache")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page gets the site's own ``404.html`` (links home and to search), as GitHub
        Pages and Netlify send it, rather than Python's bare error page."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = with_reload_script(page.read_bytes()) if self.reloading else page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path):
        """A folder without ``index.html`` is not found, as on a static host (not a listing of its files)."""
        self.send_error(404)

    def send_head(self):
        if self.reloading and self.path.split("?")[0] == SITE_VERSION:
            return self._sent(os.path.basename(os.path.realpath(self.directory)).encode(), "text/plain; charset=utf-8")
        if "\0" in urllib.parse.unquote(self.path):  # the file system refuses it: Python's handler raised
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
        reloading = self.reloading and path.endswith(".html")
        if not (gzipped or reloading):
            return super().send_head()
        return self._sent(_sent_bytes(path, os.stat(path).st_mtime_ns, reloading, gzipped), self.guess_type(path), gzipped)

    def _sent(self, body: bytes, content_type: str, gzipped: bool = False) -> io.BytesIO:
        """Send the headers of ``body``; the body, for the handler to copy as it copies a file."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class WatchedSiteHandler(SiteHandler):
    """Serves the site of a watched project: each page reloads itself once another site is
    published, asking :data:`SITE_VERSION`, which only this handler answers."""

    reloading = True


@contextmanager
def serving(folder: Path, port: int, watched: bool = False) -> Iterator[None]:
    """Serve ``folder`` on 127.0.0.1 (never on other interfaces) from a thread while the block runs;
    with ``watched``, its pages reload themselves once another site is published. Raises OSError
    when the port is taken."""
    handler = functools.partial(WatchedSiteHandler if watched else SiteHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        thread = threading.Thread(target=server.serve_forever, name="preview server", daemon=True)
        thread.start()
        print(f"Serving {folder} at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)", flush=True)
        try:
            yield
        finally:
            server.shutdown()
            thread.join()
