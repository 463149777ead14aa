"""The generated Makefile: every target listed by `make help`, every Docker call through $(DOCKER).

Fast: `make --dry-run` and stub commands, so nothing is installed or built here;
tests/project/test_generated.py and tests/docker/test_makefile_image.py run the targets for real.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.template import CHOICES

Bake = Callable[..., Project]

DOCKER_TARGETS = ("image", "run", "up", "down", "logs")


def phony_targets(project: Project) -> list[str]:
    (line,) = [line for line in project.read("Makefile").splitlines() if line.startswith(".PHONY:")]
    return line.removeprefix(".PHONY:").split()


@pytest.fixture(params=CHOICES["app_kind"])
def project(request: pytest.FixtureRequest, bake: Bake) -> Project:
    return bake(app_kind=request.param)


def test_every_target_the_readme_and_ci_use_is_defined(project: Project) -> None:
    targets = phony_targets(project)

    project.run("make", "--dry-run", *targets)

    assert {"install", "format", "lint", "typecheck", "test", *DOCKER_TARGETS, "help"} <= set(targets)


def test_make_alone_lists_every_target_with_its_purpose(project: Project) -> None:
    listed = project.run("make").stdout

    rows = [re.fullmatch(r"  make (\S+) +(\S.*)", line) for line in listed.splitlines()]

    assert all(rows), listed
    assert [row[1] for row in rows if row] == phony_targets(project)
    assert project.run("make", "help").stdout == listed


def test_every_docker_call_goes_through_the_docker_variable(project: Project, tmp_path: Path) -> None:
    """A `docker` first on PATH fails the run: only $(DOCKER), here a recorder, may be called."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    calls = tmp_path / "calls"
    (stubs / "docker").write_text('#!/bin/sh\necho "plain docker: $*" >&2\nexit 97\n')
    (stubs / "recorder").write_text(f'#!/bin/sh\necho "$* OCI_VERSION=$OCI_VERSION" >> {calls}\n')
    # `poetry run python -c ...` as the project's environment would run it, with this Python.
    (stubs / "poetry").write_text(
        f'#!/bin/sh\n[ "$1" = run ] && shift && [ "$1" = python ] && shift\nexec {sys.executable} "$@"\n'
    )
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    environment = {**os.environ, "PATH": f"{stubs}{os.pathsep}/usr/bin{os.pathsep}/bin"}

    project.run("make", *DOCKER_TARGETS, f"DOCKER={stubs / 'recorder'}", "IMAGE=probe", env=environment)

    recorded = [line.split()[:2] for line in calls.read_text().splitlines()]
    assert recorded == [
        ["build", "--tag"],
        ["run", "--rm"],
        ["compose", "up"],
        ["compose", "down"],
        ["compose", "logs"],
    ]
    assert calls.read_text().splitlines()[0].endswith(f"OCI_VERSION={project.answers['version']}")


# What `make run` and `make up` run for each kind: the web app published on port 8000 and waited
# for until healthy; the command line run once, `make up` failing when it fails.
RUN_AND_UP = {
    "web": ["docker run --rm -p 8000:8000 probe", "docker compose up --build --wait"],
    "cli": ["docker run --rm probe", "docker compose up --build --exit-code-from dev"],
}


def test_run_and_up_start_the_kinds_app_as_the_readme_says(project: Project) -> None:
    printed = project.run("make", "--dry-run", "run", "up", "DOCKER=docker", "IMAGE=probe").stdout

    commands = [line for line in printed.splitlines() if line.startswith(("docker run", "docker compose up"))]
    assert commands == RUN_AND_UP[project.kind]
