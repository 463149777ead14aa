"""`docker stop` of the web image finishes the requests in flight, then exits cleanly.

The sample has no slow endpoint, so the test adds one to a copy of the web project: a request to
it is held open while the container is stopped, and must still get its 200. No timing is
asserted beyond "within the grace period" (a SIGKILL would show as exit code 137); the stop time
is recorded for the report and is a benchmark figure (`make bench`).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import Project
from tests.docker.engine import Build, DockerEngine
from tests.http import health

pytestmark = pytest.mark.docker

GRACE_SECONDS = 10  # docker stop's default, and above the app's 8 s graceful shutdown
SLOW_SECONDS = 1.5

SLOW_ROUTE = f'''

@router.get("/slow")
async def slow() -> dict[str, str]:
    """Added by the shutdown test: a request that is still in flight when SIGTERM arrives."""
    await asyncio.sleep({SLOW_SECONDS})
    return {{"status": "done"}}
'''


@pytest.fixture(scope="module")
def slow_web_image(
    build_image: Callable[..., Build], locked_web_project: Project, tmp_path_factory: pytest.TempPathFactory
) -> str:
    project = locked_web_project.copy_to(tmp_path_factory.mktemp("slow-web") / locked_web_project.slug)
    app = project.path / "src" / project.package / "app.py"
    source = app.read_text(encoding="utf-8").replace(
        "from __future__ import annotations\n", "from __future__ import annotations\n\nimport asyncio\n", 1
    )
    create_app = source.index("\n\ndef create_app(")
    app.write_text(source[:create_app] + SLOW_ROUTE + source[create_app:], encoding="utf-8")
    return build_image(project).tag


@pytest.fixture
def running_service(docker: DockerEngine, slow_web_image: str) -> Iterator[tuple[str, str]]:
    """The container's name and the base URL of its port 8000, published on the host's loopback."""
    name = f"pdt-test-web-stop-{uuid.uuid4().hex[:8]}"
    docker.call("run", "--detach", "--name", name, "--publish", "127.0.0.1::8000", slow_web_image)
    try:
        host_port = docker.call("port", name, "8000/tcp").stdout.split()[0]
        base = f"http://{host_port}"
        health(int(host_port.rsplit(":", 1)[1]))
        yield name, base
    finally:
        docker.call("rm", "--force", name, check=False)


def test_docker_stop_finishes_the_request_in_flight_and_exits_cleanly(
    docker: DockerEngine, running_service: tuple[str, str], record_property: Callable[[str, object], None]
) -> None:
    name, base = running_service
    answers: list[tuple[int, dict[str, str]]] = []

    def ask_slowly() -> None:
        with urllib.request.urlopen(f"{base}/slow", timeout=GRACE_SECONDS) as response:
            answers.append((response.status, json.loads(response.read())))

    request = threading.Thread(target=ask_slowly)
    request.start()
    time.sleep(SLOW_SECONDS / 3)  # the request has reached the app and is waiting in it
    started = time.monotonic()
    docker.call("stop", "--time", str(GRACE_SECONDS), name)
    stop_seconds = time.monotonic() - started
    request.join(GRACE_SECONDS)

    record_property("docker_stop_with_a_request_in_flight_seconds", round(stop_seconds, 3))
    assert answers == [(200, {"status": "done"})]
    state = json.loads(docker.call("inspect", "--format", "{{json .State}}", name).stdout)
    assert (state["ExitCode"], state["OOMKilled"]) == (0, False)
    assert "Finished server process" in docker.call("logs", name).stdout


def test_stopped_service_takes_no_new_connections(docker: DockerEngine, running_service: tuple[str, str]) -> None:
    name, base = running_service
    docker.call("stop", "--time", str(GRACE_SECONDS), name)

    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/health", timeout=2)
