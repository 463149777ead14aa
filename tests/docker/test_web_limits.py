"""The web image's limits, with real requests to a container: what it tells, serves, logs and
accepts by default, and each limit as its environment variable sets it (#20).

Each container is published on the host's loopback only. The waits are bounded: a read that
gets no answer gives up after its timeout, and the slow client sends for at most a few seconds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from http import HTTPStatus

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine
from tests.http import answer, closed_by_the_server, connect, health, raw_get, status

pytestmark = pytest.mark.docker

SHORT = 1  # seconds: the header and keep-alive timeouts that the tests set
WAIT = 10  # seconds: the longest a read waits for the server before the test fails


class Service:
    """A running container of the web image: its name, and its port on the host's loopback."""

    def __init__(self, name: str, port: int) -> None:
        self.name, self.port = name, port


@pytest.fixture
def start(docker: DockerEngine, web_image: str, locked_web_project: Project) -> Iterator[Callable[..., Service]]:
    """Starts the image with settings given as keyword arguments (`api_docs="true"`)."""
    names: list[str] = []
    prefix = f"{locked_web_project.package.upper()}_"

    def run(**settings: str) -> Service:
        name = f"pdt-test-web-limits-{uuid.uuid4().hex[:8]}"
        names.append(name)
        environment = [f"--env={prefix}{key.upper()}={value}" for key, value in settings.items()]
        docker.call("run", "--detach", "--name", name, "--publish", "127.0.0.1::8000", *environment, web_image)
        port = int(docker.call("port", name, "8000/tcp").stdout.split()[0].rsplit(":", 1)[1])
        health(port)
        return Service(name, port)

    yield run
    for name in names:
        docker.call("rm", "--force", name, check=False)


def test_answers_carry_no_server_header(start: Callable[..., Service]) -> None:
    head = raw_get(start().port).partition(b"\r\n\r\n")[0].lower()

    assert b"\r\nserver:" not in head


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_the_api_docs_are_not_served_by_default(start: Callable[..., Service], path: str) -> None:
    assert status(raw_get(start().port, path)) == HTTPStatus.NOT_FOUND


def test_the_api_docs_are_served_when_the_environment_asks(start: Callable[..., Service]) -> None:
    port = start(api_docs="true").port

    assert [status(raw_get(port, path)) for path in ("/docs", "/openapi.json")] == [HTTPStatus.OK] * 2


def test_a_host_that_is_not_trusted_is_refused_while_the_probes_answer(start: Callable[..., Service]) -> None:
    port = start(trusted_hosts="api.example.com", api_docs="true").port

    def ask(path: str, host: str) -> int:
        return status(raw_get(port, path, host=host))

    assert ask("/openapi.json", "api.example.com") == HTTPStatus.OK
    assert ask("/openapi.json", "evil.example.net") == HTTPStatus.BAD_REQUEST
    assert ask("/health", "evil.example.net") == HTTPStatus.OK


def test_a_20_kb_header_is_refused_by_default(start: Callable[..., Service]) -> None:
    response = raw_get(start().port, headers=b"x-padding: " + b"a" * 20_000 + b"\r\n")

    assert status(response) == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE


def test_query_strings_stay_out_of_the_logs(docker: DockerEngine, start: Callable[..., Service]) -> None:
    service = start()

    assert status(raw_get(service.port, "/health?token=secret")) == HTTPStatus.OK
    logs = docker.call("logs", service.name).stdout
    access = [entry for line in logs.splitlines() if (entry := json.loads(line))["logger"] == "uvicorn.access"]
    assert "/health" in [entry["path"] for entry in access]
    assert "secret" not in logs


def test_requests_past_the_concurrency_limit_get_503(start: Callable[..., Service]) -> None:
    """uvicorn counts open connections, the asking one included: one held open fills a limit of 2."""
    port = start(limit_concurrency="2").port
    with connect(port) as held:
        held.sendall(b"GET /health HTTP/1.1\r\nhost: localhost\r\n\r\n")
        assert status(answer(held)) == HTTPStatus.OK

        assert status(raw_get(port)) == HTTPStatus.SERVICE_UNAVAILABLE


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(start: Callable[..., Service]) -> None:
    with connect(start(timeout_keep_alive=str(SHORT)).port, timeout=WAIT) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nhost: localhost\r\n\r\n")
        assert status(answer(connection)) == HTTPStatus.OK

        assert closed_by_the_server(connection)


def test_a_client_that_sends_its_headers_slowly_is_cut_off_while_others_are_served(
    start: Callable[..., Service],
) -> None:
    port = start(header_timeout=str(SHORT)).port
    with connect(port, timeout=0.2) as slow:
        slow.sendall(b"GET /health HTTP/1.1\r\nhost: localhost\r\n")
        served_meanwhile = status(raw_get(port))
        cut_off = False
        # A header line every 0.2 s, each well within any idle timeout, for at most WAIT seconds.
        for _ in range(WAIT * 5):
            try:
                slow.sendall(b"x-slow: 1\r\n")
                if slow.recv(65536) == b"":
                    cut_off = True
                    break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                cut_off = True
                break

    assert served_meanwhile == HTTPStatus.OK
    assert cut_off
