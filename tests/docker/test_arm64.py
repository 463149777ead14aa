"""The generated image built and run for linux/arm64, under QEMU on this amd64 machine.

No registry is reachable, so the base is an arm64 stand-in for python:3.13-slim that
scripts/arm64-standin.sh makes once per machine (it also registers QEMU for arm64 binaries).
`make test-arm64` runs that script and then these tests; `make test` leaves them out (the build
alone takes about 8 minutes under emulation). The build installs every pinned tool and locked
dependency for arm64, so a wheel missing for aarch64 with no sdist to fall back on fails it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import Project, package_index_url
from tests.docker.engine import DockerEngine

pytestmark = [pytest.mark.docker, pytest.mark.arm64]

# scripts/arm64-standin.sh's default tag: not python:3.13-slim, which is the amd64 stand-in here.
ARM64_BASE_IMAGE = "pdt-standin-arm64:python3.13"
PLATFORM = "linux/arm64"


@pytest.fixture(scope="module")
def arm64_base(docker: DockerEngine) -> str:
    if not docker.has_image(ARM64_BASE_IMAGE):
        pytest.fail(f"{ARM64_BASE_IMAGE} is missing: run scripts/arm64-standin.sh as root (`make test-arm64` does)")
    return ARM64_BASE_IMAGE


@pytest.fixture(scope="module")
def arm64_image(docker: DockerEngine, locked_project: Project, arm64_base: str) -> Iterator[str]:
    """The default project's `main` image, from its lock file, for linux/arm64 only."""
    assert locked_project.answers["python_version"] == "3.13", "the arm64 stand-in is Python 3.13"
    tag = f"pdt-test-arm64-{uuid.uuid4().hex[:8]}"
    build_args = {"PYTHON_IMAGE": arm64_base, "PYPI_MIRROR_URL": package_index_url()}
    # Emulated, Poetry's install takes minutes; the engine's default timeout would cut it short.
    arguments = ["build", "--progress=plain", "--platform", PLATFORM, "--tag", tag]
    arguments += [f"--build-arg={name}={value}" for name, value in build_args.items()]
    docker.call(*arguments, locked_project.path, timeout=3600)
    yield tag
    docker.remove_images(tag)


def architecture(docker: DockerEngine, image: str) -> str:
    return docker.call("image", "inspect", "--format", "{{.Architecture}}", image).stdout.strip()


def test_the_arm64_stand_in_base_is_an_arm64_image(docker: DockerEngine, arm64_base: str) -> None:
    """Docker 20.10's `import --platform` would have left it amd64, and the build would not be arm64."""
    assert architecture(docker, arm64_base) == "arm64"


def test_the_image_built_for_arm64_is_an_arm64_image(docker: DockerEngine, arm64_image: str) -> None:
    assert architecture(docker, arm64_image) == "arm64"


def test_the_default_command_prints_hello_world_on_arm64(docker: DockerEngine, arm64_image: str) -> None:
    assert docker.run(arm64_image, options=("--platform", PLATFORM)) == "Hello, World!\n"


def test_python_in_the_arm64_image_runs_on_aarch64(docker: DockerEngine, arm64_image: str) -> None:
    machine = docker.run(
        arm64_image, "python", "-c", "import platform; print(platform.machine())", options=("--platform", PLATFORM)
    )

    assert machine == "aarch64\n"
