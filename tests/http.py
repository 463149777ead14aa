"""Talking to a server a test started on this machine's loopback: a free port, and /health once it is up."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    """A port nothing on 127.0.0.1 listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health(port: int, timeout: float = 60) -> bytes:
    """The body of GET http://127.0.0.1:PORT/health, retrying while the server starts."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
