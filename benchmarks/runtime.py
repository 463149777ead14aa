"""Run-time figures of built images: the sample's command line, and the service's start."""

from __future__ import annotations

import re
import statistics
import time

from benchmarks import service
from benchmarks.server import free_port, serving
from tests.docker.engine import DockerEngine

CLI_RUNS = 5
# Many apps do not handle SIGTERM themselves: that is where what runs as PID 1 matters.
NO_HANDLER = ("python", "-c", "import time; print('ready', flush=True); time.sleep(3600)")

CLI_RUN = "one CLI run (s)"
IMPORT_TIME = "import time (ms)"
STOP_WITHOUT_HANDLER = "docker stop, app without SIGTERM handler (s)"
FIRST_200 = "docker run to first 200 from /health (s)"


def cli_seconds(docker: DockerEngine, image: str, *command: str) -> float:
    """The median wall time of `docker run --rm IMAGE COMMAND`, over CLI_RUNS runs."""
    runs = []
    for _ in range(CLI_RUNS):
        started = time.monotonic()
        docker.call("run", "--rm", image, *command)
        runs.append(time.monotonic() - started)
    return statistics.median(runs)


def import_ms(docker: DockerEngine, image: str, module: str) -> float:
    """Cumulative import time of `module`, as `python -X importtime` reports it."""
    log = docker.call("run", "--rm", image, "python", "-X", "importtime", "-c", f"import {module}")
    (cumulative,) = re.findall(rf"^import time:\s+\d+ \|\s+(\d+) \| {re.escape(module)}$", log.stderr, re.MULTILINE)
    return int(cumulative) / 1000


def stop_without_handler_seconds(docker: DockerEngine, image: str) -> float:
    """How long `docker stop` takes for a Python process that never handles SIGTERM."""
    name = f"{image}-stop"
    docker.call("rm", "--force", name, check=False)
    docker.call("run", "--detach", "--name", name, image, *NO_HANDLER)
    try:
        while "ready" not in docker.call("logs", name).stdout:
            time.sleep(0.05)
        started = time.monotonic()
        docker.call("stop", name)
        return time.monotonic() - started
    finally:
        docker.call("rm", "--force", name, check=False)


def service_first_200_seconds(docker: DockerEngine, image: str) -> float:
    """From `docker run` to the first 200 from the realistic service's /health, on loopback."""
    port = free_port()
    environment = {service.HOST_VARIABLE: "127.0.0.1", service.PORT_VARIABLE: str(port)}
    with serving(docker, f"{image}-run", image, *service.COMMAND, port=port, environment=environment) as server:
        return server.seconds_to_first_200
