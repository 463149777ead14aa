"""The web kind's image under a bounded load, beside the frozen standard-library server.

Both serve GET /health on 127.0.0.1 from a container on the same base image: the web kind's
image (FastAPI on uvicorn, built from the generated Dockerfile), and the standard-library server
that the sample served before the web kind replaced it (benchmarks/baselines/stdlib_server.py, run
by the base image's own Python).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks.builds import BASELINES
from benchmarks.load import LoadResult, load
from benchmarks.server import Server, free_port, serving
from tests.conftest import package_index_url
from tests.docker.engine import DockerEngine

STDLIB_SERVER = BASELINES / "stdlib_server.py"
WEB_TAG = "pdt-bench-web-ours"


@dataclass(frozen=True)
class ServerFigures:
    load: LoadResult
    seconds_to_first_200: float
    stop_seconds: float

    def cells(self) -> dict[str, str]:
        return self.load.cells() | {
            "docker run to first 200 (s)": f"{self.seconds_to_first_200:.2f}",
            "docker stop (s)": f"{self.stop_seconds:.2f}",
        }


def measured(server: Server) -> ServerFigures:
    """Load `server`, then stop it (idle again, as an orchestrator would find it)."""
    result = load(server.url)
    return ServerFigures(
        load=result, seconds_to_first_200=server.seconds_to_first_200, stop_seconds=server.stop_seconds()
    )


def web_image(docker: DockerEngine, project: Path, base: str) -> ServerFigures:
    """The baked web project's image, built with its own Dockerfile, under load."""
    docker.build(project, WEB_TAG, build_args={"PYPI_MIRROR_URL": package_index_url(), "PYTHON_IMAGE": base})
    port = free_port()
    # The web kind reads its settings from <PACKAGE>_* variables (its settings.py).
    prefix = project.name.replace("-", "_").upper()
    environment = {f"{prefix}_HOST": "127.0.0.1", f"{prefix}_PORT": str(port)}
    try:
        with serving(docker, f"{WEB_TAG}-load", WEB_TAG, port=port, environment=environment) as server:
            return measured(server)
    finally:
        docker.remove_images(WEB_TAG)


def stdlib_server(docker: DockerEngine, base: str) -> ServerFigures:
    """The frozen standard-library server, run by the base image's Python, under the same load."""
    port = free_port()
    command = ("python", "/bench/stdlib_server.py", "--host", "127.0.0.1", "--port", str(port))
    options = ("--volume", f"{STDLIB_SERVER}:/bench/stdlib_server.py:ro")
    with serving(docker, "pdt-bench-stdlib-load", base, *command, port=port, options=options) as server:
        return measured(server)
