"""The Postgres image the tests run the web kind's database from honours the official image's contract.

Compose files rely on that contract: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB make the
superuser and database on the first start, the password is checked on connections from other
containers, `pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"` is the health check, PGDATA is a
volume whose data a new container keeps, and `docker stop` ends the server cleanly. The image is
the stand-in scripts/postgres-standin.sh builds, or TEST_POSTGRES_IMAGE (so the same tests can
check them against the official image). Clients connect over TCP from another container on the
same network, as the app does.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.docker.engine import DockerEngine

pytestmark = pytest.mark.docker

USER, PASSWORD, DATABASE = "app", "s3cret-pw", "appdb"
ENVIRONMENT = {"POSTGRES_USER": USER, "POSTGRES_PASSWORD": PASSWORD, "POSTGRES_DB": DATABASE}
# The compose file's health check, word for word: the shell in the container expands the variables.
HEALTH_CHECK = 'pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'
READY_WITHIN_SECONDS = 90  # a first start runs initdb; this bounds the wait, it asserts nothing
STOP_GRACE_SECONDS = 10  # docker stop's default: after it, SIGKILL (exit code 137)


@dataclass(frozen=True)
class Server:
    """A running database container, reachable as `host` on `network` from other containers."""

    name: str
    network: str
    host: str


@pytest.fixture(scope="module")
def network(docker: DockerEngine) -> Iterator[str]:
    name = f"pdt-test-postgres-{uuid.uuid4().hex[:8]}"
    docker.call("network", "create", name)
    yield name
    docker.call("network", "rm", name, check=False)


@pytest.fixture(scope="module")
def start_server(docker: DockerEngine, postgres_image: str, network: str) -> Iterator[Callable[..., Server]]:
    """Start a database container with the compose file's health check, and wait (bounded) until
    Docker has an answer from it; the containers and volumes made here are removed at the end."""
    names: list[str] = []

    def start(environment: dict[str, str], *, volume: str | None = None) -> Server:
        name = f"pdt-test-postgres-{uuid.uuid4().hex[:8]}"
        names.append(name)
        options = ["--network", network, "--network-alias", name, "--health-cmd", HEALTH_CHECK]
        options += ["--health-interval", "1s", "--health-retries", str(READY_WITHIN_SECONDS)]
        if volume:
            options += ["--volume", f"{volume}:/var/lib/postgresql/data"]
        for variable, value in environment.items():
            options += ["--env", f"{variable}={value}"]
        docker.call("run", "--detach", "--name", name, *options, postgres_image)
        wait_for_health(docker, name)
        return Server(name=name, network=network, host=name)

    yield start
    if names:
        docker.call("rm", "--force", "--volumes", *names, check=False)


@pytest.fixture(scope="module")
def server(start_server: Callable[..., Server]) -> Server:
    """One database for the tests that only connect to it."""
    return start_server(ENVIRONMENT)


@pytest.fixture
def volume(docker: DockerEngine) -> Iterator[str]:
    """A named volume for PGDATA; the containers that used it go with it."""
    name = f"pdt-test-postgres-data-{uuid.uuid4().hex[:8]}"
    docker.call("volume", "create", name)
    yield name
    users = docker.call("ps", "--all", "--quiet", "--filter", f"volume={name}").stdout.split()
    if users:
        docker.call("rm", "--force", *users, check=False)
    docker.call("volume", "rm", "--force", name, check=False)


def wait_for_health(docker: DockerEngine, name: str) -> None:
    """Until the health check has a verdict or the container has stopped, at most READY_WITHIN_SECONDS."""
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while health(docker, name) == "starting" and time.monotonic() < deadline:
        time.sleep(0.5)


def health(docker: DockerEngine, name: str) -> str:
    """The health check's verdict ('starting', 'healthy', 'unhealthy'), or 'exited' and the like."""
    state = docker.call("inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", name).stdout.split()
    return state[1] if state[0] == "running" else state[0]


def psql(
    docker: DockerEngine,
    image: str,
    server: Server,
    sql: str,
    *,
    user: str = USER,
    password: str = PASSWORD,
    database: str = DATABASE,
) -> subprocess.CompletedProcess[str]:
    """psql in a client container on the server's network: TCP with a password, as the app connects."""
    return docker.call(
        "run", "--rm", "--network", server.network, "--env", f"PGPASSWORD={password}", image,
        "psql", "--no-psqlrc", "--no-align", "--tuples-only", "--set=ON_ERROR_STOP=1",
        f"--host={server.host}", f"--username={user}", f"--dbname={database}",
        "--command", sql,
        check=False,
    )  # fmt: skip


def test_health_check_reports_the_server_ready(docker: DockerEngine, server: Server) -> None:
    assert health(docker, server.name) == "healthy", docker.call("logs", server.name).stderr[-2000:]


def test_user_and_database_from_the_environment_accept_their_password_over_tcp(
    docker: DockerEngine, postgres_image: str, server: Server
) -> None:
    answer = psql(docker, postgres_image, server, "SELECT current_user, current_database()")

    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == f"{USER}|{DATABASE}"


def test_a_wrong_password_is_refused_over_tcp(docker: DockerEngine, postgres_image: str, server: Server) -> None:
    answer = psql(docker, postgres_image, server, "SELECT 1", password="not-" + PASSWORD)

    assert answer.returncode != 0
    assert f'password authentication failed for user "{USER}"' in answer.stderr


def test_refuses_to_initialize_without_a_password_and_names_the_variable(
    docker: DockerEngine, postgres_image: str
) -> None:
    started = docker.call("run", "--rm", "--env", f"POSTGRES_USER={USER}", postgres_image, check=False)

    assert started.returncode != 0
    assert "POSTGRES_PASSWORD" in started.stderr


def test_trust_needs_no_password_and_the_user_and_database_default_to_postgres(
    docker: DockerEngine, postgres_image: str, start_server: Callable[..., Server]
) -> None:
    server = start_server({"POSTGRES_HOST_AUTH_METHOD": "trust"})

    answer = psql(
        docker, postgres_image, server, "SELECT current_user, current_database()", user="postgres", database="postgres"
    )

    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "postgres|postgres"


def test_a_new_container_on_the_same_volume_keeps_the_data_and_skips_initialization(
    docker: DockerEngine, postgres_image: str, start_server: Callable[..., Server], volume: str
) -> None:
    first = start_server(ENVIRONMENT, volume=volume)
    written = psql(docker, postgres_image, first, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('here')")
    assert written.returncode == 0, written.stderr
    docker.call("stop", first.name)

    # A different password in the environment: initialization would set it, so only the first works.
    second = start_server({**ENVIRONMENT, "POSTGRES_PASSWORD": "changed-" + PASSWORD}, volume=volume)
    kept = psql(docker, postgres_image, second, "SELECT note FROM kept")
    with_new_password = psql(docker, postgres_image, second, "SELECT 1", password="changed-" + PASSWORD)

    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.strip() == "here"
    assert with_new_password.returncode != 0


def test_docker_stop_shuts_the_server_down_cleanly(
    docker: DockerEngine, start_server: Callable[..., Server], record_property: Callable[[str, object], None]
) -> None:
    server = start_server(ENVIRONMENT)

    started = time.monotonic()
    docker.call("stop", "--time", str(STOP_GRACE_SECONDS), server.name)
    record_property("postgres_stop_seconds", round(time.monotonic() - started, 2))

    # 0 is the server's own clean exit; a SIGKILL after the grace period would show as 137.
    assert docker.call("inspect", "--format", "{{.State.ExitCode}}", server.name).stdout.strip() == "0"
    assert "database system is shut down" in docker.call("logs", server.name).stderr
