"""Previewing the built site on this machine only."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


def serve(folder: Path, port: int) -> None:
    """Serve ``folder`` on 127.0.0.1 (never on other interfaces) until interrupted."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving {folder} at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
