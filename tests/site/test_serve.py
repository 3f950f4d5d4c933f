"""`proceedings serve`: what it sends for a missing page, and how fast."""

from __future__ import annotations

import functools
import http.client
import http.server
import socket
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from proceedings.site.serve import SiteHandler


def _status_and_body(folder: Path, path: str, method: str = "GET") -> tuple[int, bytes]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.server_port}/{path}", method=method)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_missing_page_gets_the_site_s_own_404_page_as_a_static_host_sends_it(tmp_path, method):
    # It got Python's bare "Error response" page, unlike the published site on GitHub Pages.
    page = b"<!DOCTYPE html><title>Page not found</title><a href='/'>home</a>"
    (tmp_path / "404.html").write_bytes(page)
    (tmp_path / "index.html").write_text("home", "utf-8")
    assert _status_and_body(tmp_path, "book/papers/gone.html", method) == (404, page if method == "GET" else b"")
    assert _status_and_body(tmp_path, "index.html", method)[0] == 200


def test_without_a_404_page_a_missing_page_gets_python_s_error_page(tmp_path):
    status, body = _status_and_body(tmp_path, "gone.html")
    assert status == 404 and b"Error response" in body


@pytest.mark.parametrize("path", ["book/", "_static/", "%00", "book/welcome.html%00.txt"])
def test_a_folder_without_an_index_or_a_path_with_a_nul_is_not_found(tmp_path, path):
    # A folder was listed file by file; a NUL ended the request in a traceback ("embedded null byte").
    page = b"<!DOCTYPE html><title>Page not found</title>"
    (tmp_path / "404.html").write_bytes(page)
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "book" / "welcome.html").write_text("welcome", "utf-8")
    assert _status_and_body(tmp_path, path) == (404, page)


@pytest.mark.parametrize("path", ["search.html?q=%00graph", "search.html?q=a%00#%00"])
def test_a_nul_in_the_query_is_what_the_reader_typed_not_a_path(tmp_path, path):
    # The search page's address holds its query: the page was not found.
    (tmp_path / "search.html").write_text("search", "utf-8")
    assert _status_and_body(tmp_path, path) == (200, b"search")


def test_each_response_on_a_connection_kept_open_is_sent_without_waiting_for_the_last_one_s_acknowledgement(
        tmp_path, monkeypatch):
    """A response is written as its headers, then its body: with Nagle's algorithm on, the body
    waited for the browser's delayed acknowledgement of the headers, 40 ms for every response after
    the first on a connection kept open (the reload script's question four times a second, a page's
    assets)."""
    (tmp_path / "index.html").write_text("home", "utf-8")
    connections = []
    setup = SiteHandler.setup

    def noted(handler):
        setup(handler)
        connections.append(handler.connection)
    monkeypatch.setattr(SiteHandler, "setup", noted)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = http.client.HTTPConnection("127.0.0.1", server.server_port)
    try:
        for _ in range(2):
            client.request("GET", "/index.html")
            assert client.getresponse().read() == b"home"
        assert len(connections) == 1  # one connection, kept open
        assert connections[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        client.close()
        server.shutdown()
        server.server_close()
