"""Talking to a server a test started on this machine's loopback: a free port, and /health once it is up."""

from __future__ import annotations

import re
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


def connect(port: int, timeout: float = 10) -> socket.socket:
    """A raw connection to 127.0.0.1:PORT whose reads give up after `timeout` seconds."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    connection.settimeout(timeout)
    return connection


def answer(connection: socket.socket) -> bytes:
    """One whole HTTP/1.1 answer on a connection that may stay open: head, then Content-Length bytes."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a whole answer: {received!r}")
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
    while length and len(body) < int(length[1]):
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def raw_get(port: int, path: str = "/health", headers: bytes = b"", host: str = "localhost") -> bytes:
    """The answer to `GET path` with the raw `headers` lines added, on a connection of its own."""
    with connect(port) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nhost: {host}\r\n".encode() + headers + b"\r\n")
        return answer(connection)


def status(response: bytes) -> int:
    """The status code of a raw answer."""
    return int(response.split(b" ", 2)[1])


def closed_by_the_server(connection: socket.socket) -> bool:
    """Whether the server closes `connection` before its read timeout, sending nothing more."""
    try:
        return connection.recv(65536) == b""
    except ConnectionResetError:
        return True
