"""Measure the generated image beside two well-known recipes, on the same app, in one run.

Recipes: the generated Dockerfile ("ours"); a single-stage Poetry build as tutorials write it
(scripts/baselines/tutorial.Dockerfile); uv's documented multi-stage recipe
(scripts/baselines/uv.Dockerfile). All build the default baked project on the same base image.

Run from the repository root with `make bench` (or `.venv/bin/python -m scripts.bench_image`).
Every cold build starts with `docker builder prune --all --force`: every build cache on the
machine is emptied, cache mounts included. Run it where that is acceptable.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import findpython

from tests.conftest import package_index_environment, package_index_url, tool
from tests.docker.engine import DockerEngine
from tests.template import COOKIECUTTER_JSON, TEMPLATE_DIR

BASELINES = Path(__file__).resolve().parent / "baselines"
NEW_DEPENDENCY = "tomli-w>=1,<2"  # small, pure Python: the figure is about the build, not the download
CLI_RUNS = 5
# The sample service handles SIGTERM itself; many apps do not, which is where PID 1 matters.
SERVICE = ("my-project", "serve", "--host", "0.0.0.0")
NO_HANDLER = ("python", "-c", "import time; print('ready', flush=True); time.sleep(3600)")


@dataclass(frozen=True)
class Recipe:
    name: str
    dockerfile: Path | None  # None: the project's own Dockerfile

    @property
    def tag(self) -> str:
        return f"pdt-bench-{self.name}"


RECIPES = [
    Recipe("ours", None),
    Recipe("tutorial", BASELINES / "tutorial.Dockerfile"),
    Recipe("uv", BASELINES / "uv.Dockerfile"),
]
COMPARED_WITH = {"cold build, Poetry's own layer cached (s)": "cold build (s)"}
# Lower is better for every figure; "ratio" compares ours with the best baseline.
FIGURES = [
    "cold build (s)",
    "cold build, Poetry's own layer cached (s)",
    "rebuild after source edit (s)",
    "rebuild after dependency change (s)",
    "image size over base (MB)",
    "docker stop, the sample service (s)",
    "docker stop, app without SIGTERM handler (s)",
    "one CLI run (s)",
    "import time (ms)",
    "layers over base",
]


def lock(project: Path) -> None:
    """Write both lock files: poetry.lock for ours and the tutorial, uv.lock for uv."""
    environment = {**os.environ, **package_index_environment()}
    subprocess.run(
        [tool("poetry"), "lock", "--no-interaction"], cwd=project, env=environment, check=True, capture_output=True
    )
    python = findpython.find(COOKIECUTTER_JSON["python_version"][0])  # uv must not download one
    subprocess.run(
        [tool("uv"), "lock", "--quiet", "--python", str(python.executable), "--default-index", package_index_url()],
        cwd=project,
        env={**environment, "UV_PYTHON_DOWNLOADS": "never"},
        check=True,
    )


def bake(output_dir: Path) -> Path:
    subprocess.run(
        [tool("cookiecutter"), "--no-input", str(TEMPLATE_DIR), "--output-dir", str(output_dir)],
        capture_output=True,
        check=True,
    )
    project = output_dir / "my-project"
    lock(project)
    return project


class Bench:
    def __init__(self, docker: DockerEngine, project: Path, base: str) -> None:
        self.docker = docker
        self.project = project
        self.base = base
        self.base_layers = self.layers(base)
        self.base_mb = docker.image_size(base) / 1e6

    def build(self, recipe: Recipe, target: str | None = None) -> float:
        options = ("--file", str(recipe.dockerfile)) if recipe.dockerfile else ()
        build_args = {"PYPI_MIRROR_URL": package_index_url()}
        return self.docker.build(
            self.project, recipe.tag, build_args=build_args, target=target, options=options
        ).seconds

    def layers(self, image: str) -> int:
        return int(self.docker.call("image", "inspect", "--format", "{{len .RootFS.Layers}}", image).stdout)

    def stop_seconds(self, recipe: Recipe, *command: str) -> float:
        """How long `docker stop` takes once `command` has printed "ready" (or "Serving on")."""
        name = f"{recipe.tag}-stop"
        self.docker.call("rm", "--force", name, check=False)
        self.docker.call("run", "--detach", "--name", name, recipe.tag, *command)
        while not re.search(
            r"ready|Serving on", self.docker.call("logs", name).stdout + self.docker.call("logs", name).stderr
        ):
            time.sleep(0.05)
        started = time.monotonic()
        self.docker.call("stop", name)
        seconds = time.monotonic() - started
        self.docker.call("rm", "--force", name)
        return seconds

    def cli_seconds(self, recipe: Recipe) -> float:
        runs = []
        for _ in range(CLI_RUNS):
            started = time.monotonic()
            self.docker.call("run", "--rm", recipe.tag, "my-project", "--help")
            runs.append(time.monotonic() - started)
        return statistics.median(runs)

    def import_ms(self, recipe: Recipe) -> float:
        """Cumulative import time of the app's CLI module, as `python -X importtime` reports it."""
        log = self.docker.call("run", "--rm", recipe.tag, "python", "-X", "importtime", "-c", "import my_project.cli")
        (cumulative,) = re.findall(r"^import time:\s+\d+ \|\s+(\d+) \| my_project\.cli$", log.stderr, re.MULTILINE)
        return int(cumulative) / 1000

    def one_round(self) -> dict[str, dict[str, float]]:
        figures: dict[str, dict[str, float]] = {recipe.name: {} for recipe in RECIPES}

        def each(figure: str, measure: Callable[[Recipe], float]) -> None:
            for recipe in RECIPES:
                figures[recipe.name][figure] = measure(recipe)

        def cold(recipe: Recipe) -> float:
            self.docker.call("builder", "prune", "--all", "--force")
            return self.build(recipe)

        each("cold build (s)", cold)
        self.docker.call("builder", "prune", "--all", "--force")
        self.build(RECIPES[0], target="poetry-base")
        figures["ours"]["cold build, Poetry's own layer cached (s)"] = self.build(RECIPES[0])
        for recipe in RECIPES:  # warm every recipe's cache again after the others' prunes
            self.build(recipe)
        each("image size over base (MB)", lambda r: self.docker.image_size(r.tag) / 1e6 - self.base_mb)
        each("layers over base", lambda r: self.layers(r.tag) - self.base_layers)

        greeting = self.project / "src/my_project/greeting.py"
        greeting.write_text(greeting.read_text() + f"\n# edited at {time.time()}\n")
        each("rebuild after source edit (s)", self.build)

        pyproject = self.project / "pyproject.toml"
        original = pyproject.read_text()
        pyproject.write_text(original.replace('"click>=8.1,<9"', f'"click>=8.1,<9", "{NEW_DEPENDENCY}"'))
        lock(self.project)
        each("rebuild after dependency change (s)", self.build)
        pyproject.write_text(original)
        lock(self.project)

        each("docker stop, the sample service (s)", lambda r: self.stop_seconds(r, *SERVICE))
        each("docker stop, app without SIGTERM handler (s)", lambda r: self.stop_seconds(r, *NO_HANDLER))
        each("one CLI run (s)", self.cli_seconds)
        each("import time (ms)", self.import_ms)
        for recipe in RECIPES:  # leave every image as the original project builds it
            self.build(recipe)
        return figures


def table(rounds: list[dict[str, dict[str, float]]]) -> list[str]:
    names = [recipe.name for recipe in RECIPES]
    lines = ["| figure | " + " | ".join(names) + " | ours / best baseline |", "|---" * (len(names) + 2) + "|"]

    def median(name: str, figure: str) -> float:
        return statistics.median(r[name][figure] for r in rounds)

    for figure in FIGURES:
        medians = {name: median(name, figure) for name in names if figure in rounds[0][name]}
        # A figure only ours has is compared with the baselines' nearest one.
        compared = COMPARED_WITH.get(figure, figure)
        best = min(median(name, compared) for name in names if name != "ours")
        ratio = f"{medians['ours'] / best:.2f}" if best > 0 else "n/a"
        cells = [f"{medians[name]:.2f}" if name in medians else "-" for name in names]
        lines.append(f"| {figure} | " + " | ".join(cells) + f" | {ratio} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds to take the median of (default: 3)")
    runs = parser.parse_args().runs

    docker = DockerEngine.connect()
    base = docker.ensure_base_image(COOKIECUTTER_JSON["python_version"][0])
    rounds = []
    with tempfile.TemporaryDirectory() as scratch:
        bench = Bench(docker, bake(Path(scratch)), base)
        for number in range(1, runs + 1):
            print(f"round {number}/{runs} ...", file=sys.stderr)
            rounds.append(bench.one_round())
    docker.remove_images(*(recipe.tag for recipe in RECIPES))

    cores = len(os.sched_getaffinity(0))
    print(f"Default project; median of {runs} rounds; {datetime.now(UTC):%Y-%m-%d}")
    print(f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, {cores} cores")
    print(f"Base image: {base} ({bench.base_mb:.1f} MB, {bench.base_layers} layers)\n")
    print("\n".join(table(rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
