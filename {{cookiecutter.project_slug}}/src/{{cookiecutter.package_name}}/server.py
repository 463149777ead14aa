"""A small HTTP service that reports its health, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from {{ cookiecutter.package_name }} import __version__


class HealthHandler(BaseHTTPRequestHandler):
    """Answers ``GET /health`` with the service's status and version, anything else with 404."""

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send_json(HTTPStatus.OK, {"status": "ok", "version": __version__})
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})

    def _send_json(self, status: HTTPStatus, payload: dict[str, str]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def make_server(host: str, port: int) -> ThreadingHTTPServer:
    """Bind the health service to ``host`` and ``port`` (0 picks a free port)."""
    return ThreadingHTTPServer((host, port), HealthHandler)


def serve_until_stopped(
    server: ThreadingHTTPServer, on_ready: Callable[[], None] = lambda: None
) -> None:
    """Serve until SIGTERM (``docker stop``) or Ctrl+C, then close the socket and return.

    ``on_ready`` runs once SIGTERM is handled, so whoever waits for it can stop the server safely.
    Must run in the main thread, where Python delivers signals.
    """
    # SIGTERM is treated like Ctrl+C: both leave serve_forever() through KeyboardInterrupt.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        on_ready()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
