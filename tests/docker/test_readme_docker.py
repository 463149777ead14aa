"""The generated README's Docker commands, run as written.

Only the environment is adapted to the machine: `docker` is a small wrapper that calls the
engine's client and, for `docker build`, adds the package-index build argument the tests use
everywhere (the `docker_on_path` fixture in tests/docker/conftest.py), and the service's port is
a free one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine
from tests.readme_commands import console_blocks

pytestmark = pytest.mark.docker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_readme_docker_commands_build_run_and_serve(
    docker: DockerEngine,
    docker_on_path: dict[str, str],
    default_project: Project,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    project = default_project.copy_to(tmp_path / "project")
    # The block's `make image` line runs in tests/docker/test_makefile_image.py.
    commands = console_blocks(project.read("README.md"))["Docker"]
    build, run, serve = [command for command in commands if command.startswith("docker ")]
    assert build == "docker build -t my-project ."
    assert run == "docker run --rm my-project"
    try:
        project.run("sh", "-c", build, env=docker_on_path)
        assert project.run("sh", "-c", run, env=docker_on_path).stdout == "Hello, World!\n"

        port = free_port()
        container = f"pdt-test-readme-{port}"
        serve_here = serve.replace("-p 8000:8000", f"-p 127.0.0.1:{port}:8000").replace(
            "docker run --rm", f"docker run --rm --name {container}"
        )
        with subprocess.Popen(["sh", "-c", serve_here], env={**os.environ, **docker_on_path}) as service:
            try:
                assert health(port) == b'{"status": "ok", "version": "0.1.0"}'
            finally:
                started = time.monotonic()
                docker.call("stop", container)
                record_property("docker_stop_seconds_readme", round(time.monotonic() - started, 3))
                assert service.wait(timeout=10) == 0
    finally:
        docker.remove_images("my-project")


def health(port: int) -> bytes:
    """GET /health, retrying while the container starts."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
