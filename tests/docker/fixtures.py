"""Docker fixtures: one engine, a base image per Python version, a Postgres server, each project image once."""

from __future__ import annotations

import itertools
import os
import re
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Project, package_index_environment, package_index_url, tool
from tests.docker.engine import Build, DockerEngine, DockerUnavailableError

HOW_TO_ENABLE = (
    "start a Docker engine with BuildKit (or set DOCKER to its client); REQUIRE_DOCKER=1 makes this a failure"
)


@pytest.fixture(scope="session")
def docker() -> DockerEngine:
    try:
        return DockerEngine.connect()
    except DockerUnavailableError as unavailable:
        if os.environ.get("REQUIRE_DOCKER") == "1":
            pytest.fail(f"REQUIRE_DOCKER=1 but {unavailable}")
        pytest.skip(f"{unavailable}: {HOW_TO_ENABLE}")


@pytest.fixture(scope="session")
def build_image(docker: DockerEngine) -> Iterator[Callable[..., Build]]:
    """Build a project's image on the right base; every tag made here is removed at the end."""
    tags: list[str] = []

    def build(
        project: Project,
        *,
        target: str | None = None,
        tag: str | None = None,
        options: tuple[str, ...] = (),
        check: bool = True,
        **build_args: str,
    ) -> Build:
        docker.ensure_base_image(project.answers["python_version"])
        tag = tag or f"pdt-test-{project.slug}-{uuid.uuid4().hex[:8]}"
        # The same index as Poetry on the host (see package_index_url) for pip and Poetry in the build.
        build_args = {"PYPI_MIRROR_URL": package_index_url(), **build_args}
        tags.append(tag)
        return docker.build(project.path, tag, target=target, build_args=build_args, options=options, check=check)

    yield build
    docker.remove_images(*set(tags))


@pytest.fixture(scope="session")
def postgres_image(docker: DockerEngine) -> str:
    """The Postgres image for the web kind's database, which compose files take through
    POSTGRES_IMAGE: the local stand-in of the official image (see DockerEngine.ensure_postgres_image)."""
    return docker.ensure_postgres_image()


# The session's database server: its superuser, who owns every database the tests make on it.
POSTGRES_USER, POSTGRES_PASSWORD = "pdt", "pdt-test-password"
POSTGRES_READY_WITHIN_SECONDS = 90  # a first start runs initdb; this bounds the wait, it asserts nothing


@pytest.fixture(scope="session")
def postgres_server(docker: DockerEngine, postgres_image: str) -> Iterator[Callable[[str], str]]:
    """A factory of fresh databases on one server per session: each call makes an empty database
    and returns its URL, as a project's <PREFIX>_DATABASE_URL takes it.

    The server runs from `postgres_image`, published on a random port of the host's loopback only,
    so that a project's tests on the host reach it as they would compose's `db` service.
    """
    name = f"pdt-test-postgres-{uuid.uuid4().hex[:8]}"
    credentials = ("--env", f"POSTGRES_USER={POSTGRES_USER}", "--env", f"POSTGRES_PASSWORD={POSTGRES_PASSWORD}")
    docker.call("run", "--detach", "--name", name, "--publish", "127.0.0.1::5432", *credentials, postgres_image)
    try:
        wait_for_postgres(docker, name)
        host, port = docker.call("port", name, "5432/tcp").stdout.splitlines()[0].rsplit(":", 1)
        numbers = itertools.count(1)

        def new_database(label: str) -> str:
            database = f"{re.sub(r'[^a-z0-9]+', '_', label.lower())}_{next(numbers)}"
            psql(docker, name, f'CREATE DATABASE "{database}"')
            return f"postgresql://{POSTGRES_USER}:{POSTGRES_PASSWORD}@{host}:{port}/{database}"

        yield new_database
    finally:
        docker.call("rm", "--force", "--volumes", name, check=False)


def wait_for_postgres(docker: DockerEngine, name: str) -> None:
    """Until the server accepts connections over TCP, at most POSTGRES_READY_WITHIN_SECONDS. Over
    TCP: during initialization the image runs a temporary server on its Unix socket only."""
    deadline = time.monotonic() + POSTGRES_READY_WITHIN_SECONDS
    ready = ("exec", name, "pg_isready", "--host=127.0.0.1", f"--username={POSTGRES_USER}", "--dbname=postgres")
    while docker.call(*ready, check=False).returncode != 0:
        if time.monotonic() > deadline:
            pytest.fail(f"the Postgres server did not get ready:\n{docker.call('logs', name).stderr[-2000:]}")
        time.sleep(0.5)


def psql(docker: DockerEngine, name: str, sql: str) -> str:
    """Run SQL on the server as its superuser, over TCP with the password (as clients connect)."""
    return docker.call(
        "exec", "--env", f"PGPASSWORD={POSTGRES_PASSWORD}", name,
        "psql", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--host=127.0.0.1",
        f"--username={POSTGRES_USER}", "--dbname=postgres", "--command", sql,
    ).stdout  # fmt: skip


def locked_copy(baked: Project, tmp_path_factory: pytest.TempPathFactory, folder: str) -> Project:
    """A copy of a bake with a poetry.lock, as users commit it."""
    project = baked.copy_to(tmp_path_factory.mktemp(folder) / baked.slug)
    project.run(tool("poetry"), "lock", "--no-interaction", env=package_index_environment())
    return project


@pytest.fixture(scope="session")
def locked_project(default_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The default project with a poetry.lock, as users commit it."""
    return locked_copy(default_project, tmp_path_factory, "locked")


@pytest.fixture(scope="session")
def image(build_image: Callable[..., Build], locked_project: Project) -> str:
    """The default project's `main` image, built from its lock file."""
    return build_image(locked_project).tag


@pytest.fixture(scope="session")
def locked_web_project(bake: Callable[..., Project], tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The web kind's project with a poetry.lock."""
    return locked_copy(bake(app_kind="web"), tmp_path_factory, "locked-web")


@pytest.fixture(scope="session")
def web_image(build_image: Callable[..., Build], locked_web_project: Project) -> str:
    """The web kind's `main` image: its default command serves on port 8000."""
    return build_image(locked_web_project).tag


@pytest.fixture
def docker_client_on_path(docker: DockerEngine, tmp_path: Path) -> dict[str, str]:
    """Environment for make commands run as written: `docker` is the engine's own client (the one
    first on this machine's PATH cannot build with BuildKit). The package index reaches their
    builds through the Makefile's DOCKER_BUILD_OPTS, as it would a user's."""
    client = tmp_path / "client" / "docker"
    client.parent.mkdir()
    client.symlink_to(docker.client)
    return {"PATH": f"{client.parent}{os.pathsep}{os.environ['PATH']}", "DOCKER_BUILDKIT": "1"}


def mirror_build_option() -> str:
    """DOCKER_BUILD_OPTS for make commands: the package index the tests use (see package_index_url)."""
    return f"--build-arg PYPI_MIRROR_URL={package_index_url()}"


@pytest.fixture
def docker_on_path(docker: DockerEngine, tmp_path: Path) -> dict[str, str]:
    """Environment for plain `docker build` lines run as written: `docker` is a wrapper around the
    engine's client that gives `docker build` the package index the tests use everywhere (see
    package_index_url)."""
    wrapper = tmp_path / "bin" / "docker"
    wrapper.parent.mkdir()
    wrapper.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = build ]; then shift; set -- build --build-arg "PYPI_MIRROR_URL=$PYPI_MIRROR_URL" "$@"; fi\n'
        f'exec "{docker.client}" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return {
        "PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}",
        "PYPI_MIRROR_URL": package_index_url(),
        "DOCKER_BUILDKIT": "1",
    }
