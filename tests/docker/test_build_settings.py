"""Settings that only the build needs stay in the build stages: the package mirror never ships in `main`.

docs/docker.md promises that PYPI_MIRROR_URL is used "in the build stages only": a `main` that
still pointed pip at a build-time mirror would fail, or leak an internal host name, at run time.
"""

from __future__ import annotations

import pytest

from tests.conftest import Project, package_index_url
from tests.docker.engine import DockerEngine

pytestmark = pytest.mark.docker


def files_naming(docker: DockerEngine, image: str, text: str) -> set[str]:
    """Every file of the image whose content holds `text`."""
    found = docker.run(
        image,
        "sh",
        "-c",
        'grep -rlsF "$0" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev || true',
        text,
        options=("--user", "0"),
    )
    return set(found.split())


def test_the_mirror_the_build_used_is_in_no_setting_file_or_history_of_main(
    docker: DockerEngine, image: str, default_project: Project
) -> None:
    # The session's `image` is built with PYPI_MIRROR_URL set to the index these tests use.
    mirror = package_index_url()
    base = docker.ensure_base_image(default_project.answers["python_version"])
    config = docker.image_config(image)
    history = docker.call("history", "--no-trunc", "--format", "{{.CreatedBy}}", image).stdout

    assert mirror not in " ".join(config.get("Env") or [])
    assert mirror not in str(config.get("Labels"))
    assert mirror not in history
    # pip's own sources in the base image may name a well-known index: only what main adds counts.
    assert files_naming(docker, image, mirror) - files_naming(docker, base, mirror) == set()
