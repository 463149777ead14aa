"""The image under exactly the constraints its Kubernetes manifests state, probed as the kubelet would.

No cluster runs here, so `docker run` plays the kubelet: the pod's user and group, a read-only
root, no capabilities, no privilege escalation, a tmpfs for each emptyDir, the CPU and memory
limits, the container's environment and args. docker's default seccomp profile is what
`seccompProfile: RuntimeDefault` asks for, so it needs no option.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Project
from tests.docker.engine import DockerEngine
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


@pytest.fixture(scope="module")
def deployment(locked_web_project: Project) -> dict[str, Any]:
    return Manifests.of(locked_web_project).of_kind("Deployment")


@pytest.fixture
def pod(docker: DockerEngine, web_image: str, deployment: dict[str, Any]) -> Iterator[str]:
    """The web image run as the Deployment's pod, each container port published on 127.0.0.1."""
    name = f"pdt-test-pod-{time.monotonic_ns()}"
    spec = container(deployment)
    publish = [option for entry in spec["ports"] for option in ("--publish", f"127.0.0.1::{entry['containerPort']}")]
    docker.call("run", "--detach", "--name", name, *run_options(deployment), *publish, web_image, *spec.get("args", []))
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
