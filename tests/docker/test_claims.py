"""What the READMEs and docs/docker.md say about the image, checked against the image itself.

Claims that other tests already hold (user, contents of /app, no Poetry or compiler, read-only
root, stop) stay with them; this file holds the ones that had no test.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine
from tests.readme_commands import console_blocks

pytestmark = pytest.mark.docker


def test_main_venv_has_no_pip_and_python_m_pip_fails(docker: DockerEngine, image: str) -> None:
    run = docker.call("run", "--rm", image, "python", "-m", "pip", "--version", check=False)
    listing = docker.run(image, "ls", "/app/.venv/bin").split()

    assert run.returncode != 0
    assert "No module named pip" in run.stderr
    assert not [name for name in listing if name.startswith("pip")]


def test_the_only_pip_on_path_in_main_is_the_base_images_own(
    docker: DockerEngine, image: str, locked_project: Project
) -> None:
    probe = ("sh", "-c", "command -v pip || echo none")
    base_image = docker.ensure_base_image(locked_project.answers["python_version"])

    in_main = docker.run(image, *probe).strip()

    assert in_main == docker.run(base_image, *probe).strip() == "/usr/local/bin/pip"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def transcript(block: list[str]) -> dict[str, list[str]]:
    """A console transcript's output lines, keyed by the command (`$ ...`) that printed them."""
    outputs: dict[str, list[str]] = {}
    command = ""
    for line in block:
        if line.startswith("$ "):
            command = line[2:]
            outputs[command] = []
        else:
            outputs[command].append(line)
    return outputs


def log_pattern(line: str) -> str:
    """A documented log line as a pattern: the client's address and the time differ on every run."""
    access = re.fullmatch(r'\S+ - - \[[^\]]+\] (".*)', line)
    if access:
        return r"\S+ - - \[[^\]]+\] " + re.escape(access.group(1))
    return re.escape(line)


def test_docs_service_transcript_shows_what_the_server_prints(
    docker: DockerEngine, image: str, locked_project: Project
) -> None:
    """docs/docker.md's Quick start service session, with a free port and this test's image."""
    outputs = transcript(console_blocks(locked_project.read("docs/docker.md"))["Quick start"])
    documented_logs = outputs["docker logs web"]
    documented_health = outputs["curl localhost:8000/health"]
    port = free_port()
    name = f"pdt-test-docs-service-{port}"
    published = f"127.0.0.1:{port}:8000"
    docker.call("run", "-d", "--name", name, "-p", published, image, "my-project", "serve", "--host", "0.0.0.0")
    try:
        try:
            answer = health(port).decode()
        except OSError as error:
            pytest.fail(f"no answer from the service: {error}\n{docker.call('logs', name, check=False).stderr}")
        assert answer == "\n".join(documented_health)
        docker.call("stop", name)
        logs = subprocess.run(
            [docker.client, "logs", name], capture_output=True, text=True, check=True, env=docker.environment
        )
        # The server writes its lines to standard error; `docker logs` keeps them in order there.
        printed = (logs.stdout + logs.stderr).splitlines()
    finally:
        docker.call("rm", "--force", name, check=False)

    assert len(printed) == len(documented_logs), printed
    for documented, real in zip(documented_logs, printed, strict=True):
        assert re.fullmatch(log_pattern(documented), real), (documented, real)
