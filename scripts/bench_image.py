"""Measure the generated image: size, build and rebuild times, and how fast `docker stop` is.

Run from the repository root with `make bench` (or `.venv/bin/python -m scripts.bench_image`).
Each cold build starts with `docker builder prune --all --force`: every build cache on the
machine is emptied, cache mounts included. Run it where that is acceptable.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cookiecutter.main import cookiecutter

from tests.conftest import package_index_environment, package_index_url
from tests.docker.engine import DockerEngine
from tests.template import COOKIECUTTER_JSON, TEMPLATE_DIR

TAG = "pdt-bench"
NEW_DEPENDENCY = "tomli-w>=1,<2"  # small and pure Python: the figure is about the build, not the download


def poetry(project: Path, *arguments: str) -> None:
    subprocess.run(
        [str(Path(sys.executable).parent / "poetry"), *arguments, "--no-interaction"],
        cwd=project,
        env={**os.environ, **package_index_environment()},
        check=True,
        capture_output=True,
    )


def bake(output_dir: Path) -> Path:
    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(output_dir)))
    poetry(project, "lock")
    return project


def stop_seconds(docker: DockerEngine, image: str) -> float:
    name = f"{TAG}-stop"
    docker.call("rm", "--force", name, check=False)
    docker.call("run", "--detach", "--name", name, image, "my-project", "serve", "--host", "0.0.0.0")
    while "Serving on" not in docker.call("logs", name).stderr:
        time.sleep(0.05)
    started = time.monotonic()
    docker.call("stop", name)
    seconds = time.monotonic() - started
    docker.call("rm", "--force", name)
    return seconds


def one_round(docker: DockerEngine, project: Path) -> dict[str, float]:
    """Cold build, source-only rebuild, dependency rebuild and stop latency, on a fresh copy of the project."""
    build_args = {"PYPI_MIRROR_URL": package_index_url()}

    def build() -> float:
        return docker.build(project, TAG, build_args=build_args).seconds

    figures: dict[str, float] = {}

    docker.call("builder", "prune", "--all", "--force")
    figures["cold build (s)"] = build()
    figures["image size (MB)"] = docker.image_size(TAG) / 1e6

    greeting = project / "src/my_project/greeting.py"
    greeting.write_text(greeting.read_text() + f"\n# edited at {time.time()}\n")
    figures["rebuild after source edit (s)"] = build()

    poetry(project, "add", "--lock", NEW_DEPENDENCY)
    figures["rebuild after dependency change (s)"] = build()
    poetry(project, "remove", "--lock", NEW_DEPENDENCY.split(">")[0])

    figures["docker stop (s)"] = stop_seconds(docker, TAG)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds to take the median of (default: 3)")
    runs = parser.parse_args().runs

    docker = DockerEngine.connect()
    python_version = COOKIECUTTER_JSON["python_version"][0]
    base = docker.ensure_base_image(python_version)
    base_mb = docker.image_size(base) / 1e6

    rounds = []
    with tempfile.TemporaryDirectory() as scratch:
        project = bake(Path(scratch))
        for number in range(1, runs + 1):
            print(f"round {number}/{runs} ...", file=sys.stderr)
            rounds.append(one_round(docker, project))
    docker.remove_images(TAG)

    medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    print(f"Generated image, default answers; median of {runs} runs; {datetime.now(UTC):%Y-%m-%d}")
    cores = len(os.sched_getaffinity(0))
    print(f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, {cores} cores")
    print(f"Base image: {base} ({base_mb:.1f} MB)\n")
    print("| figure | median |\n|---|---|")
    print(f"| base image size (MB) | {base_mb:.1f} |")
    for name, value in medians.items():
        print(f"| {name} | {value:.2f} |")
    print(f"| image size over base (MB) | {medians['image size (MB)'] - base_mb:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
