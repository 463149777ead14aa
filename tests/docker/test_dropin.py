"""The generated Dockerfile, copied unchanged into Poetry projects that were not made from the template."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project, package_index_environment, tool
from tests.docker.engine import Build, DockerEngine
from tests.docker.existing_projects import EXISTING_PROJECTS, ExistingProject
from tests.template import copy_drop_in

pytestmark = pytest.mark.docker

# The last Poetry 1.x, to write a lock file the way projects made before Poetry 2 have one.
POETRY_1 = ("poetry==1.8.5", "poetry-plugin-pypi-mirror==0.4.2")
LOCK_VERSIONS = {"poetry1": "2.0", "poetry2": "2.1"}


@pytest.fixture(scope="module")
def poetry1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("poetry1") / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([venv / "bin/pip", "install", "--quiet", *POETRY_1], check=True)
    return venv / "bin/poetry"


@pytest.fixture(scope="module")
def poetry_for(poetry1: Path) -> dict[str, str]:
    return {"poetry1": str(poetry1), "poetry2": tool("poetry")}


@pytest.mark.parametrize("existing", EXISTING_PROJECTS, ids=lambda existing: existing.name)
def test_dockerfile_builds_unchanged_in_an_existing_project(
    docker: DockerEngine,
    build_image: Callable[..., Build],
    default_project: Project,
    poetry_for: dict[str, str],
    existing: ExistingProject,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    started = time.monotonic()
    project = Project(path=existing.write(tmp_path), answers={**default_project.answers, "project_slug": existing.name})
    if existing.lock_with:
        project.run(poetry_for[existing.lock_with], "lock", "--no-interaction", env=package_index_environment())
        assert project.lock["metadata"]["lock-version"] == LOCK_VERSIONS[existing.lock_with]
    copy_drop_in(default_project.path, project.path)

    build = build_image(project)

    assert docker.run(build.tag, *existing.command) == existing.expected_output
    assert docker.run(build.tag, "id", "-u") == "10001\n"
    record_property("dropin_seconds", round(time.monotonic() - started, 1))
