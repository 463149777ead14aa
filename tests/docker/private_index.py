"""A private package index on 127.0.0.1 that serves one wheel behind HTTP basic auth (PEP 503 simple API)."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextmanager
def private_index(wheel: Path, username: str, password: str) -> Iterator[str]:
    """Serve `wheel` at http://127.0.0.1:PORT/simple/ for the given credentials only; yield that URL."""
    project = wheel.name.split("-")[0].replace("_", "-")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    expected = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    pages = {
        "/simple/": f'<a href="/simple/{project}/">{project}</a>'.encode(),
        f"/simple/{project}/": f'<a href="/files/{wheel.name}#sha256={digest}">{wheel.name}</a>'.encode(),
        f"/files/{wheel.name}": wheel.read_bytes(),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.headers.get("Authorization") != expected:
                self.send_response(HTTPStatus.UNAUTHORIZED)
                self.send_header("WWW-Authenticate", 'Basic realm="private"')
                self.end_headers()
                return
            body = pages.get(self.path)
            if body is None:
                self.send_response(HTTPStatus.NOT_FOUND)
                self.end_headers()
                return
            self.send_response(HTTPStatus.OK)
            # As every real index says it; uv refuses a page without it.
            kind = "text/html" if self.path.startswith("/simple/") else "application/octet-stream"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests assert on outcomes, not on the access log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()
