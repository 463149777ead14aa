"""The generated Makefile's Docker targets, `make image` and `make run`, run as the README names them.

The environment is adapted as for the README's Docker commands (the `docker_on_path` wrapper adds
the package index to `docker build`), and IMAGE names a tag of this test's own, so that tests
running in parallel never share an image.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine

pytestmark = pytest.mark.docker


def test_make_image_labels_the_image_from_pyproject_and_make_run_runs_it(
    docker: DockerEngine, docker_on_path: dict[str, str], default_project: Project, tmp_path: Path
) -> None:
    project = default_project.copy_to(tmp_path / "project")
    docker.ensure_base_image(project.answers["python_version"])
    # `make image` reads pyproject.toml with Poetry (this test environment's, after the wrapper),
    # which makes the project's environment first: here, inside the copy.
    environment = {
        **docker_on_path,
        "PATH": f"{docker_on_path['PATH']}{os.pathsep}{Path(sys.executable).parent}",
        "POETRY_VIRTUALENVS_IN_PROJECT": "true",
    }
    image = f"pdt-test-make-{uuid.uuid4().hex[:8]}"
    try:
        project.run("make", "image", f"IMAGE={image}", env=environment)
        labels = docker.image_config(image)["Labels"]
        ran = project.run("make", "run", f"IMAGE={image}", env=environment)
    finally:
        docker.remove_images(image)

    assert {key: value for key, value in labels.items() if key.startswith("org.opencontainers.image.")} == {
        "org.opencontainers.image.title": project.slug,
        "org.opencontainers.image.description": project.answers["description"],
        "org.opencontainers.image.version": project.answers["version"],
        "org.opencontainers.image.licenses": project.answers["license"],
        "org.opencontainers.image.source": "",  # not in pyproject.toml; the release workflow sets it
    }
    assert ran.stdout.splitlines()[-1] == "Hello, World!"
