"""The generated README's Docker commands, run as written.

Only the environment is adapted to the machine: `docker` is a small wrapper that calls the
engine's client and, for `docker build`, adds the package-index build argument the tests use
everywhere (the `docker_on_path` fixture in tests/docker/fixtures.py), and the service's port is
a free one.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine
from tests.http import free_port, health
from tests.readme_commands import console_blocks

pytestmark = pytest.mark.docker


def docker_commands(project: Project) -> list[str]:
    """The `docker` lines of the README's Docker section (its `make image` line runs in
    tests/docker/test_makefile_image.py)."""
    return [command for command in console_blocks(project.read("README.md"))["Docker"] if command.startswith("docker ")]


def test_readme_docker_commands_build_and_run_the_cli(
    docker: DockerEngine, docker_on_path: dict[str, str], default_project: Project, tmp_path: Path
) -> None:
    project = default_project.copy_to(tmp_path / "project")
    commands = docker_commands(project)
    assert commands == ["docker build -t my-project .", "docker run --rm my-project"]
    build, run = commands
    try:
        project.run("sh", "-c", build, env=docker_on_path)
        assert project.run("sh", "-c", run, env=docker_on_path).stdout == "Hello, World!\n"
    finally:
        docker.remove_images("my-project")


def test_readme_docker_commands_build_and_serve_the_web_app_on_the_published_port(
    docker: DockerEngine,
    docker_on_path: dict[str, str],
    bake: Callable[..., Project],
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    """The README's port, 8000, is published on a free one of the host's loopback here."""
    project = bake(app_kind="web").copy_to(tmp_path / "project")
    commands = docker_commands(project)
    assert commands == ["docker build -t my-project .", "docker run --rm -p 8000:8000 my-project"]
    build, serve = commands
    try:
        project.run("sh", "-c", build, env=docker_on_path)
        port = free_port()
        container = f"pdt-test-readme-{port}"
        serve_here = serve.replace("-p 8000:8000", f"-p 127.0.0.1:{port}:8000").replace(
            "docker run --rm", f"docker run --rm --name {container}"
        )
        with subprocess.Popen(
            ["sh", "-c", serve_here], env={**os.environ, **docker_on_path}, stdout=subprocess.DEVNULL
        ) as service:
            try:
                assert health(port) == b'{"status":"ok","version":"0.1.0"}'
            finally:
                started = time.monotonic()
                docker.call("stop", container)
                record_property("docker_stop_seconds_readme", round(time.monotonic() - started, 3))
                assert service.wait(timeout=10) == 0
    finally:
        docker.remove_images("my-project")
