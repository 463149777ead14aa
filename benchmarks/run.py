"""Measure the generated image beside two well-known recipes, in one run: `make bench`.

Three parts, each printed as a Markdown table, and with --write written into docs/performance.md
(between its "bench:start" and "bench:end" markers, leaving the rest of the page as written):
  sample   the default baked project (a small click app), built with the generated Dockerfile
           ("ours"), a single-stage Poetry build as tutorials write it
           (benchmarks/baselines/tutorial.Dockerfile), the Poetry export recipe
           (benchmarks/baselines/export.Dockerfile) and uv's documented multi-stage recipe
           (benchmarks/baselines/uv.Dockerfile); build and run-time figures (benchmarks/builds.py,
           benchmarks/runtime.py).
  service  a realistic FastAPI service of about 35 distributions (benchmarks/service.py),
           built the same four ways; build figures and the time to its first 200.
  web      the web kind's image (app_kind=web) under a bounded load on loopback beside the frozen
           standard-library server it replaced (benchmarks/web.py, benchmarks/load.py).
Ratios divide ours by uv's recipe; targets are reported, never asserted. The exit status is 1
only when the web image loses or fails a request under load.

Run from the repository root: `make bench`, or `.venv/bin/python -m benchmarks --rounds 1 --part
web` for a quick look. The sample and service parts empty the machine's whole Docker build
cache (`docker builder prune --all --force`, cache mounts included) before every cold build: run
them where that is acceptable. A full run (3 rounds, every part) takes about 30 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import builds, load, runtime, service, web
from benchmarks.projects import PYTHON_VERSION, bake, write_service
from benchmarks.table import Figure, Round, comparison_table, medians, ratio, simple_table, target_cell
from tests.docker.engine import DockerEngine

PARTS = ("sample", "service", "web")
RECIPE_NAMES = [recipe.name for recipe in builds.RECIPES]
REFERENCE = "uv"
# What must hold (CLARIFICATIONS.md, "Performance design may change"): after a version-only bump
# our rebuild takes at most this many times our own source-only rebuild.
VERSION_BUMP_OVER_SOURCE_EDIT = 1.1

SAMPLE_FIGURES = [
    Figure(builds.COLD, target=1.5),
    Figure(builds.COLD_POETRY_CACHED, compared_with=builds.COLD),
    Figure(builds.SOURCE_EDIT, target=1.0),
    Figure(builds.NEW_DEPENDENCY_ADDED),
    Figure(builds.VERSION_BUMP),
    Figure(builds.SIZE),
    Figure(runtime.STOP_WITHOUT_HANDLER),
    Figure(runtime.CLI_RUN),
    Figure(runtime.IMPORT_TIME),
    Figure(builds.LAYERS),
]
SERVICE_FIGURES = [
    Figure(builds.COLD, target=1.3),
    Figure(builds.COLD_POETRY_CACHED, compared_with=builds.COLD),
    Figure(builds.SOURCE_EDIT, target=1.0),
    Figure(builds.NEW_DEPENDENCY_ADDED, target=1.0),
    Figure(builds.VERSION_BUMP, target=0.5),
    Figure(builds.SIZE, target=1.0),
    Figure(runtime.FIRST_200),
    Figure(builds.LAYERS),
]


def sample_round(bench: builds.BuildBench) -> dict[str, dict[str, float]]:
    figures = bench.one_round()
    for recipe in builds.RECIPES:
        image = bench.tag(recipe)
        figures[recipe.name] |= {
            runtime.STOP_WITHOUT_HANDLER: runtime.stop_without_handler_seconds(bench.docker, image),
            runtime.CLI_RUN: runtime.cli_seconds(bench.docker, image, "my-project", "--help"),
            runtime.IMPORT_TIME: runtime.import_ms(bench.docker, image, "my_project.cli"),
        }
    return figures


def service_round(bench: builds.BuildBench) -> dict[str, dict[str, float]]:
    figures = bench.one_round()
    for recipe in builds.RECIPES:
        figures[recipe.name][runtime.FIRST_200] = runtime.service_first_200_seconds(bench.docker, bench.tag(recipe))
    return figures


def version_bump_lines(rounds: list[Round], bench: builds.BuildBench) -> list[str]:
    """What must hold after a version-only bump: ours' dependency install CACHED, and a rebuild
    that takes at most VERSION_BUMP_OVER_SOURCE_EDIT times ours after a source edit."""
    ours = medians(rounds)[builds.OURS.name]
    share = ratio(ours[builds.VERSION_BUMP], ours[builds.SOURCE_EDIT])
    value = "n/a" if share is None else f"{share:.2f}"
    states = ", ".join(bench.install_after_version_bump)
    return [
        f"- ours, dependency install after a version-only bump, each round: {states}",
        f"- ours, version-only bump / source edit: {value} ({target_cell(share, VERSION_BUMP_OVER_SOURCE_EDIT)})",
    ]


def build_part(
    bench: builds.BuildBench, rounds: int, measure_round: Callable[[builds.BuildBench], dict[str, dict[str, float]]]
) -> list[Round]:
    results: list[Round] = []
    for number in range(1, rounds + 1):
        print(f"{bench.subject}: round {number}/{rounds} ...", file=sys.stderr)
        results.append(measure_round(bench))
    bench.remove_images()
    return results


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_report(page: Path, report: list[str]) -> None:
    """Replace what stands between the page's two markers with this run's report."""
    text = page.read_text(encoding="utf-8")
    before, _, rest = text.partition(START)
    _, found, after = rest.partition(END)
    if not found:
        raise SystemExit(f"{page} has no {START} ... {END} section to write the report into")
    page.write_text(f"{before}{START}\n" + "\n".join(report) + f"\n{END}{after}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", "--runs", type=int, default=3, help="rounds to take the median of (default: 3)")
    parser.add_argument("--part", nargs="+", choices=PARTS, default=list(PARTS), help="what to measure (default: all)")
    parser.add_argument("--write", type=Path, help="the page whose marked section gets the report")
    arguments = parser.parse_args()

    docker = DockerEngine.connect()
    base = docker.ensure_base_image(PYTHON_VERSION)
    cores = len(os.sched_getaffinity(0))
    report = [
        f"{datetime.now(UTC):%Y-%m-%d}; median of {arguments.rounds} rounds",
        f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, {cores} cores",
        f"Base image: {base} ({docker.image_size(base) / 1e6:.1f} MB)",
    ]
    web_clean = True
    with tempfile.TemporaryDirectory() as scratch:
        # The service is built with the Dockerfile and .dockerignore that the template generates.
        sample = bake(Path(scratch) / "sample") if {"sample", "service"} & set(arguments.part) else None
        if sample and "sample" in arguments.part:
            bench = builds.BuildBench(docker, sample, "sample", base, "src/my_project/greeting.py")
            rounds = build_part(bench, arguments.rounds, sample_round)
            report += ["", "### The sample (default project)", ""]
            report += [
                *comparison_table(rounds, RECIPE_NAMES, SAMPLE_FIGURES, REFERENCE),
                "",
                *version_bump_lines(rounds, bench),
            ]
        if sample and "service" in arguments.part:
            project = write_service(Path(scratch) / "service", generated=sample)
            bench = builds.BuildBench(docker, project, "service", base, service.SOURCE_FILE)
            rounds = build_part(bench, arguments.rounds, service_round)
            report += ["", "### A realistic FastAPI service (about 35 distributions)", ""]
            report += [
                *comparison_table(rounds, RECIPE_NAMES, SERVICE_FIGURES, REFERENCE),
                "",
                *version_bump_lines(rounds, bench),
            ]
        if "web" in arguments.part:
            print("web: load test ...", file=sys.stderr)
            ours = web.web_image(docker, bake(Path(scratch) / "web", app_kind="web"), base)
            stdlib = web.stdlib_server(docker, base)
            web_clean = ours.load.clean
            limits = f"{load.REQUESTS} requests, {load.CONCURRENCY} at once, {load.TIME_LIMIT:.0f} s limit"
            report += ["", f"### Load test of GET /health on loopback, once ({limits})", ""]
            report += simple_table({"web kind's image": ours.cells(), "standard-library server": stdlib.cells()})
    print("\n".join(report))
    if arguments.write:
        write_report(arguments.write, report)
    if not web_clean:
        print("\nThe web image lost or failed requests under load (see the table).", file=sys.stderr)
    return 0 if web_clean else 1
