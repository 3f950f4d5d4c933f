"""Previewing the built site on this machine only, sending what a good static host sends: text
compressed with gzip when the browser accepts it, and cache headers (assets a day, pages revalidated)."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import urllib.parse
from pathlib import Path

# Text worth compressing (Pagefind's index fragments are compressed already).
COMPRESSED_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".bib", ".ris", ".ics", ".map")
# Asset folders whose files only change with the site's version; pages are checked on every visit.
CACHED_FOLDERS = ("_static/", "pagefind/", "_images/")
# In those folders, what a rebuild changes without a new name: the list of the search index's shards
# (a browser keeping it for a day searched shards that were gone, or missed new ones).
REVALIDATED_FILES = ("pagefind/merge.json",)


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    """The file's bytes compressed, made once per version of the file."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder with gzip for text and cache headers, quietly."""

    # Keep-alive, as every real host: a page's dozen assets reuse one connection instead of opening one each.
    protocol_version = "HTTP/1.1"

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
        body = page.read_bytes()
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
        if "\0" in urllib.parse.unquote(self.path):  # the file system refuses it: Python's handler raised
            self.send_error(404)
            return None
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if self.path.split("?")[0].endswith("/") and os.path.isfile(index):
                path = index
        if not (path.endswith(COMPRESSED_TYPES) and os.path.isfile(path) and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = _gzipped(path, os.stat(path).st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)  # read by the handler as it reads a file


def serve(folder: Path, port: int) -> None:
    """Serve ``folder`` on 127.0.0.1 (never on other interfaces) until interrupted."""
    handler = functools.partial(SiteHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving {folder} at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
