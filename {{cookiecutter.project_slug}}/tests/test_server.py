"""The health service: its answers, and a clean stop on SIGTERM."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http import HTTPStatus
from http.server import ThreadingHTTPServer

import pytest

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.server import HealthHandler, make_server, serve_until_stopped


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

    error.value.close()
    assert error.value.code == HTTPStatus.NOT_FOUND


def address(server: ThreadingHTTPServer) -> tuple[str, int]:
    host, port = server.server_address[:2]
    return str(host), int(port)


def request(
    server: ThreadingHTTPServer, method: str, path: str
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """The status, headers and body of one request."""
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_head_health_sends_the_get_headers_without_a_body(server: ThreadingHTTPServer) -> None:
    get_status, get_headers, get_body = request(server, "GET", "/health")
    head_status, head_headers, head_body = request(server, "HEAD", "/health")

    assert head_status == get_status == HTTPStatus.OK
    assert head_headers["Content-Type"] == get_headers["Content-Type"] == "application/json"
    assert head_headers["Content-Length"] == str(len(get_body))
    assert head_body == b""


def test_head_of_an_unknown_path_is_not_found(server: ThreadingHTTPServer) -> None:
    status, _, _ = request(server, "HEAD", "/nope")

    assert status == HTTPStatus.NOT_FOUND


def test_server_header_names_the_app_and_not_python(server: ThreadingHTTPServer) -> None:
    _, headers, _ = request(server, "GET", "/health")

    assert headers["Server"] == "{{ cookiecutter.project_slug }}"


def test_a_client_that_sends_nothing_is_dropped_after_the_timeout() -> None:
    server = make_server("127.0.0.1", 0, request_timeout=0.2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(address(server), timeout=5) as idle:
            # The server closes the connection: the read ends (b"") instead of timing out here.
            assert idle.recv(1) == b""
    finally:
        server.shutdown()
        server.server_close()


def test_at_most_max_threads_requests_are_handled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    running, peak, lock = 0, 0, threading.Lock()
    handle = HealthHandler.handle

    def counted(handler: HealthHandler) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            handle(handler)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(HealthHandler, "handle", counted)
    server = make_server("127.0.0.1", 0, request_timeout=0.5, max_threads=2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # Four clients that send nothing: each holds its thread until the timeout drops it.
        clients = [socket.create_connection(address(server), timeout=10) for _ in range(4)]
        assert [client.recv(1) for client in clients] == [b""] * 4
        for client in clients:
            client.close()
    finally:
        server.shutdown()
        server.server_close()

    assert peak == 2


@pytest.mark.parametrize("error", [BrokenPipeError, ConnectionResetError, TimeoutError])
def test_a_client_that_hangs_up_costs_one_line_and_no_traceback(
    server: ThreadingHTTPServer, capsys: pytest.CaptureFixture[str], error: type[OSError]
) -> None:
    try:
        raise error
    except OSError:
        with socket.socket() as connection:
            server.handle_error(connection, ("192.0.2.1", 40000))

    logged = capsys.readouterr().err
    assert logged == f"192.0.2.1 - - connection dropped: {error.__name__}\n"


def test_any_other_error_still_prints_its_traceback(
    server: ThreadingHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise ValueError("a bug")
    except ValueError:
        with socket.socket() as connection:
            server.handle_error(connection, ("192.0.2.1", 40000))

    logged = capsys.readouterr().err
    assert "Traceback" in logged
    assert "ValueError: a bug" in logged


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM cannot be sent to oneself on Windows")
def test_sigterm_stops_serving_and_closes_the_socket() -> None:
    server = make_server("127.0.0.1", 0)
    answers: list[int] = []

    def request_then_terminate() -> None:
        try:
            with urllib.request.urlopen(url(server, "/health"), timeout=5) as response:  # noqa: S310
                answers.append(response.status)
        finally:
            # Even after a failed request: the test then fails on `answers` instead of hanging.
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=request_then_terminate, daemon=True).start()
    serve_until_stopped(server)

    assert answers == [HTTPStatus.OK]
    assert server.socket.fileno() == -1
