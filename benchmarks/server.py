"""A server in a container, listening on the host's loopback interface only, for the benchmark.

The container shares the host's network (`--network host`) and the server binds 127.0.0.1 on a
free port, so the client reaches it with no proxy or NAT in between and nothing else can reach it.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import httpx2

from tests.docker.engine import DockerEngine

START_LIMIT = 60.0  # seconds a server may take to answer its first 200
POLL_INTERVAL = 0.01
# Asking Docker whether the container still runs takes tens of milliseconds: only this often.
ALIVE_INTERVAL = 0.5


class ServerDidNotStartError(RuntimeError):
    """The server gave no 200 within START_LIMIT; the message holds its log."""


def free_port() -> int:
    """A port nothing listens on now on 127.0.0.1 (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    docker: DockerEngine
    name: str
    url: str
    seconds_to_first_200: float  # from the start of `docker run` to the first 200 from `url`

    def stop_seconds(self) -> float:
        """How long `docker stop` takes (the server's own shutdown, or the 10 s grace period)."""
        started = time.monotonic()
        self.docker.call("stop", self.name)
        return time.monotonic() - started


def first_200(url: str, started: float, container_alive: Callable[[], bool]) -> float:
    """Seconds from `started` (a time.monotonic()) until GET `url` answers 200."""
    checked = started
    with httpx2.Client(timeout=1.0, trust_env=False) as client:
        while time.monotonic() - started < START_LIMIT:
            if time.monotonic() - checked > ALIVE_INTERVAL:
                if not container_alive():
                    break
                checked = time.monotonic()
            try:
                if client.get(url).status_code == httpx2.codes.OK:
                    return time.monotonic() - started
            except httpx2.TransportError:
                pass  # not listening yet
            time.sleep(POLL_INTERVAL)
    raise ServerDidNotStartError(url)


@contextmanager
def serving(
    docker: DockerEngine,
    name: str,
    image: str,
    *command: str,
    port: int,
    environment: Mapping[str, str] | None = None,
    options: tuple[str, ...] = (),
    health_path: str = "/health",
) -> Iterator[Server]:
    """Run `command` in `image` as container `name`, wait for its first 200, yield it; remove it after."""
    docker.call("rm", "--force", name, check=False)
    settings = [f"--env={key}={value}" for key, value in (environment or {}).items()]
    url = f"http://127.0.0.1:{port}{health_path}"

    def alive() -> bool:
        state = docker.call("inspect", "--format", "{{.State.Running}}", name, check=False).stdout.strip()
        return state in {"true", ""}  # "" while `docker run` has not created it yet

    started = time.monotonic()
    docker.call("run", "--detach", "--name", name, "--network", "host", *settings, *options, image, *command)
    try:
        try:
            seconds = first_200(url, started, alive)
        except ServerDidNotStartError as error:
            logs = docker.call("logs", name, check=False)
            raise ServerDidNotStartError(f"{image}: no 200 from {url}\n{logs.stdout}\n{logs.stderr}") from error
        yield Server(docker=docker, name=name, url=url, seconds_to_first_200=seconds)
    finally:
        docker.call("rm", "--force", name, check=False)
