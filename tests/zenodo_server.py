"""A local stand-in for the few endpoints of Zenodo's deposit API that ``proceedings deposit zenodo``
uses, on 127.0.0.1, following Zenodo's documented requests and responses
(https://developers.zenodo.org/#depositions): it keeps depositions and files in memory, checks the
token, and fails on request when a test asks it to."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeZenodo:
    """The server's state, which tests read and change."""

    token: str
    depositions: dict[int, dict] = field(default_factory=dict)
    files: dict[int, dict[str, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    fail_on: dict[str, int] = field(default_factory=dict)
    """Request kind ("create", "upload", "update", "publish") -> HTTP status to answer its next call with."""
    port: int = 0
    unlisted: dict[int, dict] = field(default_factory=dict)
    """Depositions on the account that the listing (a search index) does not show yet."""
    created: int = 0
    """Depositions created so far (ids are never reused, as Zenodo's are not)."""

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def answer(self, method: str, path: str, token: str, body: bytes) -> tuple[int, dict | list]:
        self.requests.append(f"{method} {path}")
        if token != f"Bearer {self.token}":
            return 401, {"status": 401, "message": "The server could not verify that you are authorized."}
        kind, deposition = self._route(method, path)
        if kind is None:
            return 404, {"status": 404, "message": "The requested URL was not found on the server."}
        if kind in self.fail_on:
            return self.fail_on.pop(kind), {"status": 500, "message": "Internal server error."}
        if kind == "list":
            page = int(re.search(r"page=(\d+)", path).group(1)) if "page=" in path else 1
            listed = list(self.depositions.values())
            return 200, listed[(page - 1) * 100:page * 100]
        if kind == "create":
            return 201, self._create(json.loads(body)["metadata"])
        record = self.depositions.get(deposition) or self.unlisted.get(deposition)
        if record is None:
            return 404, {"status": 404, "message": "PID does not exist."}
        if kind == "get":
            return 200, record
        if kind == "update":
            if record["submitted"]:
                return 400, {"status": 400, "message": "Validation error.", "errors": [{"field": "metadata",
                                                                                        "message": "deposition is published"}]}
            record["metadata"] = dict(json.loads(body)["metadata"], prereserve_doi=record["metadata"]["prereserve_doi"])
            return 200, record
        if kind == "upload":
            name = path.rsplit("/", 1)[1]
            self.files[deposition][name] = body
            return 201, {"key": name, "size": len(body), "checksum": "md5:" + hashlib.md5(body).hexdigest()}
        if not self.files[deposition]:
            return 400, {"status": 400, "message": "Validation error.", "errors": [{"field": "files",
                                                                                    "message": "Minimum one file must be provided."}]}
        # A DOI the deposition already has (an external one) is kept; else the reserved one is registered.
        doi = record["metadata"].get("doi") or record["metadata"]["prereserve_doi"]["doi"]
        record |= {"submitted": True, "state": "done", "doi": doi}
        return 202, record

    def _route(self, method: str, path: str) -> tuple[str | None, int]:
        path = path.split("?")[0]
        if path == "/api/deposit/depositions":
            return {"GET": "list", "POST": "create"}.get(method), 0
        if match := re.fullmatch(r"/api/deposit/depositions/(\d+)", path):
            return {"PUT": "update", "GET": "get"}.get(method), int(match.group(1))
        if match := re.fullmatch(r"/api/deposit/depositions/(\d+)/actions/publish", path):
            return ("publish" if method == "POST" else None), int(match.group(1))
        if match := re.fullmatch(r"/api/files/bucket-(\d+)/[^/]+", path):
            return ("upload" if method == "PUT" else None), int(match.group(1))
        return None, 0

    def _create(self, metadata: dict) -> dict:
        self.created += 1
        number = 1000 + self.created
        doi = f"10.5072/zenodo.{number}"
        record = {"id": number, "submitted": False, "state": "unsubmitted", "doi": "",
                  "metadata": dict(metadata, prereserve_doi={"doi": doi, "recid": number}),
                  "links": {"bucket": f"{self.api}/files/bucket-{number}"}}
        self.depositions[number] = record
        self.files[number] = {}
        return record


def start_fake_zenodo(token: str) -> tuple[FakeZenodo, ThreadingHTTPServer]:
    """A fake Zenodo serving on a free port of 127.0.0.1 in a thread (shut it down after)."""
    state = FakeZenodo(token)

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, data = state.answer(self.command, self.path, self.headers.get("Authorization", ""), body)
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, *args) -> None:  # the test output shows the requests kept in the state instead
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


if __name__ == "__main__":  # python tests/zenodo_server.py TOKEN: serve until interrupted, for trying the command by hand
    import sys
    import time

    fake, _ = start_fake_zenodo(sys.argv[1])
    print(f"Zenodo stand-in at {fake.api} (token {sys.argv[1]!r}); Ctrl-C stops it", flush=True)
    while True:
        time.sleep(3600)
