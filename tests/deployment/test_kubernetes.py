"""The image under exactly the constraints its Kubernetes manifests state, probed as the kubelet would.

No cluster runs here, so `docker run` plays the kubelet: the pod's user and group, a read-only
root, no capabilities, no privilege escalation, a tmpfs for each emptyDir, the CPU and memory
limits, the container's environment and args. docker's default seccomp profile is what
`seccompProfile: RuntimeDefault` asks for, so it needs no option.

The web service's database is a real Postgres (the `postgres_image` stand-in) on a private docker
network; its URL plays the Secret the manifests read it from.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine
from tests.docker.test_postgres_standin import HEALTH_CHECK, READY_WITHIN_SECONDS, Server, psql, wait_for_health
from tests.kubernetes import Manifests, container, container_port, pod_spec, run_options

pytestmark = pytest.mark.docker


def kubelet_get(port: int, path: str) -> int:
    """An HTTP probe's status, as the kubelet judges it: 2xx and 3xx succeed (redirects are not followed)."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=1) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


DATABASE_USER, DATABASE_PASSWORD = "app", "k8s-test-pw"


@dataclass(frozen=True)
class Database:
    """A Postgres server on its own docker network, with the URL of one database on it."""

    server: Server
    name: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{DATABASE_USER}:{DATABASE_PASSWORD}@{self.server.host}:5432/{self.name}"

    def secrets(self, manifests: Manifests) -> dict[tuple[str, str], str]:
        """The cluster's Secrets for the manifests: the URL under the one (name, key) they read."""
        return dict.fromkeys(manifests.secret_refs(), self.url)


@pytest.fixture(scope="module")
def database_server(docker: DockerEngine, postgres_image: str) -> Iterator[Server]:
    name = f"pdt-test-k8s-db-{uuid.uuid4().hex[:8]}"
    docker.call("network", "create", name)
    try:
        docker.call(
            "run", "--detach", "--name", name, "--network", name, "--network-alias", name,
            "--health-cmd", HEALTH_CHECK, "--health-interval", "1s", "--health-retries", str(READY_WITHIN_SECONDS),
            "--env", f"POSTGRES_USER={DATABASE_USER}", "--env", f"POSTGRES_PASSWORD={DATABASE_PASSWORD}",
            "--env", "POSTGRES_DB=app", postgres_image,
        )  # fmt: skip
        wait_for_health(docker, name)
        yield Server(name=name, network=name, host=name)
    finally:
        docker.call("rm", "--force", "--volumes", name, check=False)
        docker.call("network", "rm", name, check=False)


@pytest.fixture
def database(docker: DockerEngine, postgres_image: str, database_server: Server) -> Database:
    """A new, empty database on the server, for one test."""
    name = f"k8s_{uuid.uuid4().hex[:8]}"
    created = psql(
        docker, postgres_image, database_server, f"CREATE DATABASE {name}",
        user=DATABASE_USER, password=DATABASE_PASSWORD, database="app",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    return Database(server=database_server, name=name)


def query(docker: DockerEngine, postgres_image: str, database: Database, sql: str) -> str:
    answer = psql(
        docker, postgres_image, database.server, sql,
        user=DATABASE_USER, password=DATABASE_PASSWORD, database=database.name,
    )  # fmt: skip
    assert answer.returncode == 0, answer.stderr
    return answer.stdout.strip()


@pytest.fixture(scope="module")
def web_manifests(locked_web_project: Project) -> Manifests:
    return Manifests.of(locked_web_project)


@pytest.fixture(scope="module")
def deployment(web_manifests: Manifests) -> dict[str, Any]:
    return web_manifests.of_kind("Deployment")


@pytest.fixture
def pod(
    docker: DockerEngine, web_image: str, web_manifests: Manifests, deployment: dict[str, Any], database: Database
) -> Iterator[str]:
    """The web image run as the Deployment's pod, each container port published on 127.0.0.1,
    reaching its database as the Secret says."""
    name = f"pdt-test-pod-{time.monotonic_ns()}"
    spec = container(deployment)
    publish = [option for entry in spec["ports"] for option in ("--publish", f"127.0.0.1::{entry['containerPort']}")]
    options = [*run_options(deployment, database.secrets(web_manifests)), "--network", database.server.network]
    docker.call("run", "--detach", "--name", name, *options, *publish, web_image, *spec.get("args", []))
    try:
        yield name
    finally:
        docker.call("rm", "--force", name, check=False)


def probe_port(docker: DockerEngine, pod: str, deployment: dict[str, Any], probe: dict[str, Any]) -> int:
    """The host port published for the container port a probe names."""
    port = container_port(deployment, probe["httpGet"]["port"])
    published = docker.call("port", pod, f"{port}/tcp").stdout.splitlines()[0]
    return int(published.rpartition(":")[2])


def wait_for_startup(docker: DockerEngine, pod: str, deployment: dict[str, Any]) -> None:
    """The startup probe, as the kubelet runs it: every periodSeconds, up to failureThreshold times."""
    probe = container(deployment)["startupProbe"]
    port = probe_port(docker, pod, deployment, probe)
    for _ in range(probe.get("failureThreshold", 3)):
        try:
            if 200 <= kubelet_get(port, probe["httpGet"]["path"]) < 400:
                return
        except OSError:
            pass
        time.sleep(probe.get("periodSeconds", 10))
    logs = docker.call("logs", pod, check=False)
    pytest.fail(f"the startup probe never succeeded\n{logs.stdout}\n{logs.stderr}")


def test_the_web_pod_passes_its_startup_readiness_and_liveness_probes(
    docker: DockerEngine, pod: str, deployment: dict[str, Any]
) -> None:
    wait_for_startup(docker, pod, deployment)

    for name in ("readinessProbe", "livenessProbe"):
        probe = container(deployment)[name]
        status = kubelet_get(probe_port(docker, pod, deployment, probe), probe["httpGet"]["path"])
        assert 200 <= status < 400, name


def test_the_web_pod_can_write_only_to_tmp_and_its_home(
    docker: DockerEngine, pod: str, deployment: dict[str, Any]
) -> None:
    wait_for_startup(docker, pod, deployment)
    script = (
        "import pathlib, tempfile; tempfile.TemporaryFile().write(b'x');"
        " (pathlib.Path.home() / '.cache').mkdir(); (pathlib.Path.home() / '.cache' / 'x').write_text('x');"
        " open('/app/x', 'w')"
    )

    result = docker.call("exec", pod, "python", "-c", script, check=False)

    assert "Read-only file system: '/app/x'" in result.stderr


def test_the_web_pod_stops_cleanly_within_its_grace_period(
    docker: DockerEngine, pod: str, deployment: dict[str, Any]
) -> None:
    wait_for_startup(docker, pod, deployment)
    grace = pod_spec(deployment)["terminationGracePeriodSeconds"]

    # As the kubelet does: SIGTERM, then SIGKILL once the grace period is over.
    docker.call("stop", "--time", str(grace), pod)

    state = docker.call("inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}", pod).stdout.split()
    assert state == ["0", "false"]
    assert "Finished server process" in docker.call("logs", pod).stdout


def test_the_cli_job_prints_its_greeting_under_the_jobs_constraints(
    docker: DockerEngine, image: str, locked_project: Project
) -> None:
    job = Manifests.of(locked_project).of_kind("Job")

    output = docker.run(image, *container(job)["args"], options=tuple(run_options(job)))

    assert output == "Hello, Kubernetes!\n"


def run_migration_job(
    docker: DockerEngine, web_image: str, web_manifests: Manifests, database: Database
) -> subprocess.CompletedProcess[str]:
    """The migration Job's one pod, as the kubelet would run it: the image's `migrate` command under
    the Job's constraints, with the database URL from the Secret."""
    job = web_manifests.migration_job()
    options = [*run_options(job, database.secrets(web_manifests)), "--network", database.server.network]
    return docker.call("run", "--rm", *options, web_image, *container(job)["args"], check=False)


def test_the_migration_job_creates_the_tables_under_the_deployments_constraints(
    docker: DockerEngine, postgres_image: str, web_image: str, web_manifests: Manifests, database: Database
) -> None:
    migrated = run_migration_job(docker, web_image, web_manifests, database)

    assert migrated.returncode == 0, migrated.stderr
    assert "Running upgrade" in migrated.stderr
    assert query(docker, postgres_image, database, "SELECT to_regclass('items') IS NOT NULL") == "t"
    assert query(docker, postgres_image, database, "SELECT count(*) FROM alembic_version") == "1"


def test_the_migration_job_run_again_changes_nothing(
    docker: DockerEngine, web_image: str, web_manifests: Manifests, database: Database
) -> None:
    first = run_migration_job(docker, web_image, web_manifests, database)

    again = run_migration_job(docker, web_image, web_manifests, database)

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert "Running upgrade" not in again.stderr + again.stdout
