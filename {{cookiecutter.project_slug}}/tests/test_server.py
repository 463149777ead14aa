"""The health service: its answers, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http import HTTPStatus
from http.server import ThreadingHTTPServer

import pytest

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.server import make_server, serve_until_stopped


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server: ThreadingHTTPServer, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}{path}"


def test_health_reports_ok_and_version(server: ThreadingHTTPServer) -> None:
    with urllib.request.urlopen(url(server, "/health"), timeout=5) as response:  # noqa: S310
        assert response.status == HTTPStatus.OK
        assert json.load(response) == {"status": "ok", "version": __version__}


def test_unknown_path_is_not_found(server: ThreadingHTTPServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url(server, "/nope"), timeout=5)  # noqa: S310

    assert error.value.code == HTTPStatus.NOT_FOUND


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM cannot be sent to oneself on Windows")
def test_sigterm_stops_serving_and_closes_the_socket() -> None:
    server = make_server("127.0.0.1", 0)
    answers: list[int] = []

    def request_then_terminate() -> None:
        with urllib.request.urlopen(url(server, "/health"), timeout=5) as response:  # noqa: S310
            answers.append(response.status)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=request_then_terminate, daemon=True).start()
    serve_until_stopped(server)

    assert answers == [HTTPStatus.OK]
    assert server.socket.fileno() == -1
