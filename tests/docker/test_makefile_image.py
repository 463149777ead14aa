"""The generated Makefile's Docker targets, `make image` and `make run`, run as the README names them.

The environment is adapted to the machine only: `docker` is the engine's own client (the
`docker_client_on_path` fixture), and the package index the tests use reaches the build through
the Makefile's own DOCKER_BUILD_OPTS, as a user's mirror would. IMAGE names a tag of this test's
own, so that tests running in parallel never share an image. POETRY_VIRTUALENVS_IN_PROJECT is not
set: the project's poetry.toml keeps Poetry's environment in the copy's `.venv`.
"""

from __future__ import annotations

import os
import shlex
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine
from tests.docker.fixtures import mirror_build_option
from tests.readme_commands import console_blocks

pytestmark = pytest.mark.docker

CUSTOM_REPOSITORY = "https://git.example.org/acme/my-project"


@pytest.fixture
def environment(docker_client_on_path: dict[str, str]) -> dict[str, str]:
    # `make image` reads pyproject.toml with Poetry: this test environment's, after the client.
    tools = Path(sys.executable).parent
    return {**docker_client_on_path, "PATH": f"{docker_client_on_path['PATH']}{os.pathsep}{tools}"}


@pytest.fixture
def image(docker: DockerEngine) -> Iterator[str]:
    tag = f"pdt-test-make-{uuid.uuid4().hex[:8]}"
    yield tag
    docker.remove_images(tag)


def oci_labels(docker: DockerEngine, image: str) -> dict[str, str]:
    labels = docker.image_config(image)["Labels"]
    return {key: value for key, value in labels.items() if key.startswith("org.opencontainers.image.")}


def test_make_image_labels_the_image_from_pyproject_and_make_run_runs_it(
    docker: DockerEngine, environment: dict[str, str], bake: Callable[..., Project], image: str, tmp_path: Path
) -> None:
    project = bake(repository_url=CUSTOM_REPOSITORY, container_registry="none").copy_to(tmp_path / "project")
    docker.ensure_base_image(project.answers["python_version"])
    build_options = f"DOCKER_BUILD_OPTS={mirror_build_option()}"

    project.run("make", "image", f"IMAGE={image}", build_options, env=environment)
    labels = oci_labels(docker, image)
    ran = project.run("make", "run", f"IMAGE={image}", build_options, env=environment)

    assert labels == {
        "org.opencontainers.image.title": project.slug,
        "org.opencontainers.image.description": project.answers["description"],
        "org.opencontainers.image.version": project.answers["version"],
        "org.opencontainers.image.licenses": project.answers["license"],
        "org.opencontainers.image.source": CUSTOM_REPOSITORY,
    }
    assert ran.stdout.splitlines()[-1] == "Hello, World!"


def test_readme_make_image_command_with_a_mirror_and_a_secret_builds(
    docker: DockerEngine, environment: dict[str, str], default_project: Project, image: str, tmp_path: Path
) -> None:
    """The README's DOCKER_BUILD_OPTS example, with this machine's index for its example mirror."""
    project = default_project.copy_to(tmp_path / "project")
    docker.ensure_base_image(project.answers["python_version"])
    (command,) = [line for line in console_blocks(project.read("README.md"))["Docker"] if line.startswith("make ")]
    words = shlex.split(command)
    (options,) = [word.removeprefix("DOCKER_BUILD_OPTS=") for word in words if word.startswith("DOCKER_BUILD_OPTS=")]
    assert words[:2] == ["make", "image"]
    assert "--secret id=poetry-env,src=.env.poetry" in options
    # The secret file holds the private index's credentials; none are needed here.
    (project.path / ".env.poetry").write_text("# no private index for this build\n")
    mirror = next(option for option in options.split() if option.startswith("PYPI_MIRROR_URL="))
    options_here = options.replace(mirror, mirror_build_option().removeprefix("--build-arg "))

    project.run("make", "image", f"IMAGE={image}", f"DOCKER_BUILD_OPTS={options_here}", env=environment)

    assert oci_labels(docker, image)["org.opencontainers.image.title"] == project.slug
