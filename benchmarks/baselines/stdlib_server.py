"""The standard-library health server that the sample app served before the web kind, frozen.

Why it is here: the template's cli sample used to carry this `serve` command (http.server's
ThreadingHTTPServer, with a socket timeout, a bounded thread pool and quiet disconnects added).
The web kind (FastAPI served by uvicorn) replaced it, and the cli kind no longer serves at all.
This copy, rendered for the sample package `my_project` and kept unchanged, is the baseline a
load test compares the web kind's image with: same machine, same `/health`, the old server's
figures beside the new one's. Do not improve it; a better baseline would flatter nobody.

Run it with any Python 3.11+, no dependencies:

    python benchmarks/baselines/stdlib_server.py --host 127.0.0.1 --port 8000

The original module's text follows, with `from my_project import __version__` replaced by the
version the sample had.

Original docstring:

A small HTTP service that reports its health, and stops cleanly on SIGTERM.

It is built to survive what reaches a port on a network: a client that sends nothing is dropped
after ``REQUEST_TIMEOUT`` seconds, at most ``MAX_THREADS`` requests are handled at once (further
connections wait their turn rather than each costing a thread), and a client that hangs up early
costs one log line, not a traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The sample package's version when this copy was taken (the original imported it).
__version__ = "0.1.0"

# Seconds a client may take to send its request (and to read the answer) before it is dropped.
REQUEST_TIMEOUT = 10.0
# Requests handled at once, one thread each, so that a flood of connections cannot use up a
# container's process limit (`docker run --pids-limit`, Kubernetes' pod PID limit).
MAX_THREADS = 16


class HealthHandler(BaseHTTPRequestHandler):
    """Answers ``GET /health`` (and ``HEAD``) with the service's status and version, anything else
    with 404."""

    # The Server header names the app only: the Python version would help nobody but an attacker.
    server_version = "my-project"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._send_json(*self._answer())

    def do_HEAD(self) -> None:
        # Load balancers probe with HEAD: the same status and headers as GET, without the body.
        self._send_json(*self._answer(), with_body=False)

    def _answer(self) -> tuple[HTTPStatus, dict[str, str]]:
        if self.path == "/health":
            return HTTPStatus.OK, {"status": "ok", "version": __version__}
        return HTTPStatus.NOT_FOUND, {"error": "not found"}

    def _send_json(self, status: HTTPStatus, payload: dict[str, str], *, with_body: bool = True) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)


class HealthServer(ThreadingHTTPServer):
    """A thread per request, at most ``max_threads`` at once, each socket with a timeout."""

    def __init__(
        self,
        address: tuple[str, int],
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        max_threads: int = MAX_THREADS,
    ) -> None:
        self.request_timeout = request_timeout
        self._slots = threading.BoundedSemaphore(max_threads)
        super().__init__(address, HealthHandler)

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, client_address = super().get_request()
        # Without a timeout, a client that never finishes its request holds its thread forever.
        connection.settimeout(self.request_timeout)
        return connection, client_address

    def process_request(self, request: Any, client_address: Any) -> None:
        # Waiting here stops the accept loop, so the kernel's listen queue holds further clients.
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            # The client went away (or stalled): routine on a network, and not this service's fault.
            sys.stderr.write(f"{client_address[0]} - - connection dropped: {type(error).__name__}\n")
            return
        super().handle_error(request, client_address)


def make_server(
    host: str,
    port: int,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_threads: int = MAX_THREADS,
) -> HealthServer:
    """Bind the health service to ``host`` and ``port`` (0 picks a free port)."""
    return HealthServer((host, port), request_timeout=request_timeout, max_threads=max_threads)


def serve_until_stopped(server: ThreadingHTTPServer, on_ready: Callable[[], None] = lambda: None) -> None:
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


def main() -> None:
    """The old `my-project serve` command, without click: serve until SIGTERM or Ctrl+C."""
    parser = argparse.ArgumentParser(description="The frozen standard-library health server (a load-test baseline).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0: any free)")
    arguments = parser.parse_args()
    server = make_server(arguments.host, arguments.port)
    bound_host, bound_port = server.server_address[:2]

    def announce() -> None:
        sys.stderr.write(f"Serving on http://{bound_host!s}:{bound_port}/health\n")

    serve_until_stopped(server, on_ready=announce)
    sys.stderr.write("Stopped.\n")


if __name__ == "__main__":
    main()
