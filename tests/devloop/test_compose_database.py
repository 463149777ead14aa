"""The web kind's compose loop with its database, end to end: `make up` starts Postgres (the local
stand-in, through POSTGRES_IMAGE), runs the migrations, then serves the app, which follows the
database without being restarted.

One stack serves the module (an `up` costs minutes on 2 shared cores); tests that change it put it
back as they found it. The README's commands run as written, with only the environment adapted
(Debian's docker client, the stand-in, free ports) and the ports replaced where they name one.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.commands import failure_report, run_command
from tests.conftest import Project, package_index_environment, path_with_tools, tool
from tests.devloop.test_compose import Compose, compose_environment, eventually  # noqa: F401 (a fixture)
from tests.docker.engine import DockerEngine
from tests.http import free_port
from tests.readme_commands import console_blocks

pytestmark = pytest.mark.docker

QUICK_START = "With its database, in containers"
THE_DATABASE = "The database"
# A bound on waiting for /ready to follow the database, never a claim about speed: the app asks
# the database on every probe, so one probe after the change should see it.
READY_DEADLINE = 60.0


def shell(compose: Compose, command: str, environment: dict[str, str] | None = None) -> str:
    """A README command through the shell, as a user types it; on failure, the test fails."""
    completed = run_command(
        ["bash", "-c", command], cwd=compose.project.path, env={**compose.environment, **(environment or {})}
    )
    if completed.returncode != 0:
        pytest.fail(failure_report([command], completed))
    return completed.stdout


def request(port: int, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """Status and JSON body of GET (or POST with `body`) http://127.0.0.1:PORT/PATH."""
    data = None if body is None else json.dumps(body).encode()
    sent = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def readme_commands(project: Project, heading: str) -> list[str]:
    return console_blocks(project.read("README.md"))[heading]


@pytest.fixture(scope="module")
def stack(
    locked_web_project: Project,
    compose_environment: dict[str, str],  # noqa: F811 (the fixture imported above)
    docker: DockerEngine,
    postgres_image: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Compose]:
    """The web project with Postgres, started by the README's `make up`, taken down (with its
    volume) after the module."""
    assert locked_web_project.answers["database"] == "postgres"
    project = locked_web_project.copy_to(tmp_path_factory.mktemp("compose-db") / locked_web_project.slug)
    docker.ensure_base_image(project.answers["python_version"])
    name = f"pdt-db-{uuid.uuid4().hex[:8]}"
    port = free_port()
    compose = Compose(
        project=project,
        name=name,
        environment={
            **compose_environment,
            "COMPOSE_PROJECT_NAME": name,
            "DEV_PORT": str(port),
            "DB_PORT": str(free_port()),
            "POSTGRES_IMAGE": postgres_image,
        },
        port=port,
    )
    up = readme_commands(project, QUICK_START)[0]
    assert up == "make up"
    try:
        completed = run_command(["bash", "-c", up], cwd=project.path, env=compose.environment, timeout=1800)
        if completed.returncode != 0:
            pytest.fail(failure_report([up], completed) + "\n" + compose("logs", "--no-color", check=False).stdout)
        yield compose
    finally:
        compose("down", "--volumes", "--rmi", "local", "--remove-orphans", check=False)


def container_of(compose: Compose, service: str) -> str:
    (container,) = compose("ps", "--all", "--quiet", service).stdout.split()
    return container


def started_at(compose: Compose, docker: DockerEngine, service: str) -> tuple[str, str]:
    container = container_of(compose, service)
    return container, docker.call("inspect", "--format", "{{.State.StartedAt}}", container).stdout.strip()


def psql(compose: Compose, sql: str) -> str:
    database = compose.project.package
    return compose("exec", "-T", "db", "psql", "-U", database, "-d", database, "-tAc", sql).stdout.strip()


def test_make_up_leaves_the_app_healthy_beside_a_healthy_database(stack: Compose, docker: DockerEngine) -> None:
    states = {
        service: docker.call("inspect", "--format", "{{.State.Health.Status}}", container_of(stack, service)).stdout
        for service in ("db", "dev")
    }

    assert {service: state.strip() for service, state in states.items()} == {"db": "healthy", "dev": "healthy"}
    assert request(stack.port, "/ready") == (200, {"status": "ready"})


def test_the_migrate_service_ran_once_and_exited_with_zero(stack: Compose, docker: DockerEngine) -> None:
    state = docker.call("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container_of(stack, "migrate"))

    assert state.stdout.strip() == "exited 0"


def test_the_migration_made_the_items_table(stack: Compose) -> None:
    assert psql(stack, "SELECT to_regclass('public.items')") == "items"


def test_an_item_round_trips_through_http(stack: Compose) -> None:
    status, created = request(stack.port, "/items", {"name": "round trip"})
    listed = request(stack.port, "/items?limit=100")
    read = request(stack.port, f"/items/{created['id']}")

    assert status == 201
    assert created["name"] == "round trip"
    assert listed[0] == 200
    assert created in listed[1]
    assert read == (200, created)


def test_readme_quick_start_stores_an_item_that_the_list_then_shows(stack: Compose) -> None:
    up, post = readme_commands(stack.project, QUICK_START)
    assert "http://127.0.0.1:8000/items" in post

    stored = json.loads(shell(stack, post.replace(":8000/", f":{stack.port}/")))

    assert up == "make up"
    assert stored["name"] == "first"
    assert stored in request(stack.port, "/items?limit=100")[1]


def ready_answers(stack: Compose, status: int, what: str) -> tuple[int, Any]:
    """/ready's answer once it has `status`, polled every half second for READY_DEADLINE seconds."""
    return eventually(
        lambda: answer if (answer := request(stack.port, "/ready"))[0] == status else None,
        what,
        deadline=READY_DEADLINE,
        poll=0.5,
    )


def test_ready_turns_503_while_the_database_is_stopped_and_200_after_without_restarting_the_app(
    stack: Compose, docker: DockerEngine
) -> None:
    before = started_at(stack, docker, "dev")
    stack("stop", "db")
    stopped = time.monotonic()
    try:
        down = ready_answers(stack, 503, "/ready to answer 503")
        print(f"/ready answered 503 {time.monotonic() - stopped:.1f} s after the database stopped")
    finally:
        stack("start", "db")
    restarted = time.monotonic()
    up = ready_answers(stack, 200, "/ready to answer 200 again")
    print(f"/ready answered 200 {time.monotonic() - restarted:.1f} s after the database started")

    assert down == (503, {"detail": "database unavailable"})
    assert up == (200, {"status": "ready"})
    assert started_at(stack, docker, "dev") == before, "the app's container was restarted"


def test_a_malformed_database_url_stops_the_app_at_start_with_one_line_that_hides_the_password(
    stack: Compose, docker: DockerEngine
) -> None:
    variable = f"{stack.project.package.upper()}_DATABASE_URL"
    image = docker.call("inspect", "--format", "{{.Config.Image}}", container_of(stack, "dev")).stdout.strip()
    completed = docker.call(
        "run", "--rm", "-e", f"{variable}=postgresql+psycopg://user:s3cret-word@/", image, stack.project.slug, "serve",
        check=False,
    )  # fmt: skip
    lines = [line for line in (completed.stdout + completed.stderr).splitlines() if line.strip()]

    assert completed.returncode != 0
    assert len(lines) == 1, lines
    assert variable in lines[0]
    assert "s3cret-word" not in lines[0]


def test_a_refused_password_shows_in_ready_without_the_url(stack: Compose, docker: DockerEngine) -> None:
    variable = f"{stack.project.package.upper()}_DATABASE_URL"
    database = stack.project.package
    name = f"{stack.name}-wrong-password"
    url = f"postgresql+psycopg://{database}:not-the-password@db:5432/{database}"
    stack("run", "--detach", "--no-deps", "--name", name, "-e", f"{variable}={url}", "dev")
    probe = (
        "import urllib.request, urllib.error\n"
        "try:\n"
        "    urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=20)\n"
        "except urllib.error.HTTPError as error:\n"
        "    print(error.code, error.read().decode())\n"
    )
    try:
        answer = eventually(
            lambda: out if (out := docker.call("exec", name, "python", "-c", probe, check=False).stdout) else None,
            "the second app to answer /ready",
            deadline=300,
        )
    finally:
        docker.call("rm", "--force", name, check=False)
    status, body = answer.split(" ", 1)

    assert status == "503"
    assert "refused the user name or password" in json.loads(body)["detail"]
    assert variable in json.loads(body)["detail"]
    assert "not-the-password" not in body
    assert "postgresql" not in body


def test_readme_migration_commands_write_a_migration_and_apply_it(stack: Compose, tmp_path: Path) -> None:
    """On the host, as the README says: Poetry's environment first (what `make install` does),
    this environment's Poetry and Debian's docker client first on PATH."""
    commands = readme_commands(stack.project, THE_DATABASE)
    db_port = stack.environment["DB_PORT"]
    environment = package_index_environment()
    stack.project.run(tool("poetry"), "env", "use", stack.project.answers["python_version"], env=environment)
    stack.project.run(tool("poetry"), "install", "--no-interaction", env=environment)
    docker_bin = tmp_path / "bin"
    docker_bin.mkdir()
    (docker_bin / "docker").symlink_to(stack.environment["DOCKER"])
    versions = stack.project.path / "src" / stack.project.package / "migrations" / "versions"
    before = set(versions.glob("*.py"))

    output = shell(
        stack,
        "set -e\n" + "\n".join(command.replace("127.0.0.1:5432", f"127.0.0.1:{db_port}") for command in commands),
        {**environment, "PATH": f"{docker_bin}{os.pathsep}{path_with_tools()}"},
    )

    (written,) = set(versions.glob("*.py")) - before
    assert commands[0] == "docker compose up -d --wait db"
    assert written.name.startswith("add_a_column_")
    assert psql(stack, "SELECT version_num FROM alembic_version") in written.read_text()
    print(output)


def test_make_down_keeps_the_data_and_down_v_deletes_it(
    locked_web_project: Project,
    compose_environment: dict[str, str],  # noqa: F811 (the fixture imported above)
    postgres_image: str,
    docker: DockerEngine,
    tmp_path: Path,
) -> None:
    """A database alone, under a project name of its own: `make down`, then up again."""
    project = locked_web_project.copy_to(tmp_path / locked_web_project.slug)
    name = f"pdt-dbvol-{uuid.uuid4().hex[:8]}"
    compose = Compose(
        project=project,
        name=name,
        environment={
            **compose_environment,
            "COMPOSE_PROJECT_NAME": name,
            "DB_PORT": str(free_port()),
            "POSTGRES_IMAGE": postgres_image,
        },
        port=0,
    )
    volume = f"{name}_db-data"
    try:
        compose("up", "--detach", "--wait", "db")
        psql(compose, "CREATE TABLE kept (x int)")
        shell(compose, "make down")
        kept = docker.call("volume", "inspect", volume, check=False).returncode == 0
        compose("up", "--detach", "--wait", "db")
        table = psql(compose, "SELECT to_regclass('public.kept')")
        compose("down", "-v")
        deleted = docker.call("volume", "inspect", volume, check=False).returncode != 0
    finally:
        subprocess.run(
            [compose.environment["DOCKER"], "compose", "-p", name, "down", "--volumes", "--remove-orphans"],
            cwd=project.path,
            env=compose.environment,
            capture_output=True,
            check=False,
        )

    assert kept, "make down deleted the database's volume"
    assert table == "kept"
    assert deleted, "docker compose down -v left the volume"
