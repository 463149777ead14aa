"""BUILD_PACKAGES and RUNTIME_PACKAGES as docs/docker.md suggests them for psycopg2.

psycopg2 publishes no Linux wheel, only its source, so the build compiles its C extension against
libpq: the compiler and headers come from BUILD_PACKAGES in the build stages, the library from
RUNTIME_PACKAGES in every stage, and `main` must end up with the library but no compiler or header.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Project, package_index_environment, tool
from tests.docker.engine import Build, DockerEngine

pytestmark = pytest.mark.docker

DOCS_RUNTIME_PACKAGES = "libpq5"
# The two lines docs/docker.md offers for the official python:X-slim images.
DOCUMENTED_BUILD_PACKAGES = ["build-essential libpq-dev", "gcc libc6-dev libpq-dev"]
# Debian's own Python, which the stand-in base images carry (see scripts/standin-base.sh), keeps
# its C headers in python3-dev; the official images ship them with their Python. The documented
# lines leave it out, so the test adds it only where the base image has no Python.h.
HEADERS_FOR_DEBIANS_PYTHON = "python3-dev"
BUILD_ONLY_PACKAGES = ["gcc", "cpp", "libc6-dev", "libpq-dev", "build-essential", "python3-dev"]


@pytest.fixture(scope="module")
def psycopg2_project(locked_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The default project with psycopg2, locked, as a user adds it."""
    project = locked_project.copy_to(tmp_path_factory.mktemp("psycopg2") / locked_project.slug)
    project.run(tool("poetry"), "add", "--lock", "--no-interaction", "psycopg2>=2.9", env=package_index_environment())
    return project


def base_has_python_headers(docker: DockerEngine, python_version: str) -> bool:
    probe = "import os, sysconfig; print(os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"
    return docker.run(docker.ensure_base_image(python_version), "python", "-c", probe).strip() == "True"


@pytest.fixture(scope="module", params=DOCUMENTED_BUILD_PACKAGES)
def psycopg2_image(
    request: pytest.FixtureRequest,
    docker: DockerEngine,
    build_image: Callable[..., Build],
    psycopg2_project: Project,
) -> str:
    build_packages = request.param
    if not base_has_python_headers(docker, psycopg2_project.answers["python_version"]):
        build_packages += f" {HEADERS_FOR_DEBIANS_PYTHON}"
    return build_image(psycopg2_project, RUNTIME_PACKAGES=DOCS_RUNTIME_PACKAGES, BUILD_PACKAGES=build_packages).tag


def test_documented_build_packages_are_the_ones_these_tests_build_with(psycopg2_project: Project) -> None:
    docs = psycopg2_project.read("docs/docker.md")

    assert f'--build-arg RUNTIME_PACKAGES="{DOCS_RUNTIME_PACKAGES}"' in docs
    assert f'--build-arg BUILD_PACKAGES="{DOCUMENTED_BUILD_PACKAGES[0]}"' in docs
    assert f"`{DOCUMENTED_BUILD_PACKAGES[1]}` works too" in docs


def test_c_extension_built_from_source_loads_libpq_in_main(docker: DockerEngine, psycopg2_image: str) -> None:
    probe = (
        "import importlib.metadata, json, psycopg2.extensions;"
        "wheel = importlib.metadata.distribution('psycopg2').read_text('WHEEL');"
        "print(json.dumps({'libpq': psycopg2.extensions.libpq_version(),"
        " 'tags': [line.split(': ')[1] for line in wheel.splitlines() if line.startswith('Tag: ')]}))"
    )

    found = json.loads(docker.run(psycopg2_image, "python", "-c", probe))

    assert found["libpq"] > 0  # psycopg2's C module loaded libpq5 and asked it for its version
    # A wheel built here is tagged for this platform only (linux_*), never manylinux.
    assert found["tags"]
    assert all(tag.split("-")[-1].startswith("linux_") for tag in found["tags"]), found["tags"]


def test_main_has_the_runtime_library_but_no_compiler_or_headers(docker: DockerEngine, psycopg2_image: str) -> None:
    packages = " ".join([DOCS_RUNTIME_PACKAGES, *BUILD_ONLY_PACKAGES])
    probe = (
        "for c in gcc cc g++ cpp make pg_config; do command -v $c; done;"
        "ls /usr/include/postgresql /usr/include/stdio.h 2>/dev/null;"
        f"for p in {packages}; do printf '%s %s\\n' $p \"$(dpkg-query -W -f='${{Status}}' $p 2>/dev/null)\"; done"
    )

    lines = docker.run(psycopg2_image, "sh", "-c", probe).splitlines()

    installed = [line.split()[0] for line in lines if line.endswith("install ok installed")]
    assert installed == [DOCS_RUNTIME_PACKAGES], lines
    assert [line for line in lines if line.split()[0] not in {DOCS_RUNTIME_PACKAGES, *BUILD_ONLY_PACKAGES}] == []
