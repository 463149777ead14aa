"""What the READMEs and docs/docker.md say about the image, checked against the image itself.

Claims that other tests already hold (user, contents of /app, no Poetry or compiler, read-only
root, stop) stay with them; this file holds the ones that had no test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess

import pytest
import yaml

from tests.conftest import Project
from tests.docker.engine import DockerEngine
from tests.http import free_port, health
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


def same_log_entry(documented: str, real: str) -> bool:
    """A documented JSON log line against a real one: the time, the client's address and the
    process id differ on every run; everything else must match."""

    def comparable(line: str) -> dict[str, object]:
        entry = dict(json.loads(line))
        entry.pop("time")
        if "client" in entry:
            entry["client"] = "CLIENT"
        message = re.sub(r"^\S+:\d+ - ", "CLIENT - ", str(entry["message"]))
        entry["message"] = re.sub(r"process \[\d+\]", "process [PID]", message)
        return entry

    return comparable(documented) == comparable(real)


def test_docs_cli_transcript_shows_what_the_image_prints(
    docker: DockerEngine, image: str, locked_project: Project
) -> None:
    """docs/docker.md's Quick start session of the cli kind, each `docker run` with this test's image."""
    outputs = transcript(console_blocks(locked_project.read("docs/docker.md"))["Quick start"])
    runs = {command: printed for command, printed in outputs.items() if command.startswith("docker run ")}
    assert "docker run --rm my-project hello --name Ada" in runs

    for command, printed in runs.items():
        words = shlex.split(command)
        assert words[:4] == ["docker", "run", "--rm", "my-project"], command
        assert docker.run(image, *words[4:]).splitlines() == printed, command


def test_docs_service_transcript_shows_what_the_server_prints(
    docker: DockerEngine, web_image: str, locked_web_project: Project
) -> None:
    """docs/docker.md's Quick start session of the web kind, with a free port and this test's image."""
    outputs = transcript(console_blocks(locked_web_project.read("docs/docker.md"))["Quick start"])
    documented_logs = outputs["docker logs web"]
    documented_health = outputs["curl localhost:8000/health"]
    port = free_port()
    name = f"pdt-test-docs-service-{port}"
    published = f"127.0.0.1:{port}:8000"
    assert "docker run -d --name web -p 8000:8000 my-project" in outputs
    docker.call("run", "-d", "--name", name, "-p", published, web_image)
    try:
        try:
            answer = health(port).decode()
        except OSError as error:
            pytest.fail(f"no answer from the service: {error}\n{docker.call('logs', name, check=False).stdout}")
        assert answer == "\n".join(documented_health)
        docker.call("stop", name)
        printed = docker.call("logs", name).stdout.splitlines()
        exit_code = docker.call("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    finally:
        docker.call("rm", "--force", name, check=False)

    assert exit_code == "\n".join(outputs["docker inspect --format '{{.State.ExitCode}}' web"]) == "0"
    assert len(printed) == len(documented_logs), printed
    for documented, real in zip(documented_logs, printed, strict=True):
        assert same_log_entry(documented, real), (documented, real)


def test_ci_smoke_run_of_the_web_image_passes_as_written(
    docker: DockerEngine, web_image: str, locked_web_project: Project, docker_client_on_path: dict[str, str]
) -> None:
    """The web kind's `Smoke run` step of ci.yml, run by bash against this test's image."""
    steps = yaml.safe_load(locked_web_project.read(".github/workflows/ci.yml"))["jobs"]["image"]["steps"]
    (smoke,) = [step["run"] for step in steps if step.get("name") == "Smoke run"]
    name = f"pdt-test-ci-smoke-{free_port()}"
    script = re.sub(r"\bsmoke\b", name, smoke.replace("my-project:ci", web_image))
    try:
        completed = subprocess.run(
            ["bash", "-e", "-c", script],
            env={**os.environ, **docker_client_on_path},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        docker.call("rm", "--force", name, check=False)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "/health: ok" in completed.stdout
