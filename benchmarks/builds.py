"""Build figures of one project under each recipe: cold build, the three kinds of rebuild, size.

Every cold build starts with `docker builder prune --all --force`: the machine's whole build
cache is emptied, cache mounts included. The rebuilds run with the cache warm, as on a developer's
machine or in a CI with a BuildKit cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from benchmarks.projects import LOCK_FILES, lock, lock_with_uv
from tests.conftest import package_index_url
from tests.docker.engine import Build, DockerEngine

BASELINES = Path(__file__).resolve().parent / "baselines"
NEW_DEPENDENCY = "tomli-w>=1,<2"  # small, pure Python: the figure is about the build, not the download

COLD = "cold build (s)"
COLD_POETRY_CACHED = "cold build, Poetry's own layer cached (s)"
SOURCE_EDIT = "rebuild after source edit (s)"
NEW_DEPENDENCY_ADDED = "rebuild after adding a dependency (s)"
VERSION_BUMP = "rebuild after a version-only bump (s)"
SIZE = "image size over base (MB)"
LAYERS = "layers over base"


@dataclass(frozen=True)
class Recipe:
    name: str
    dockerfile: Path | None  # None: the project's own (generated) Dockerfile


RECIPES = (
    Recipe("ours", None),
    Recipe("tutorial", BASELINES / "tutorial.Dockerfile"),
    Recipe("export", BASELINES / "export.Dockerfile"),
    Recipe("uv", BASELINES / "uv.Dockerfile"),
)
OURS = RECIPES[0]


def with_dependency(pyproject: str, dependency: str) -> str:
    """pyproject.toml's text with `dependency` appended to [project] dependencies."""
    document = tomlkit.parse(pyproject)
    document["project"]["dependencies"].append(dependency)
    return tomlkit.dumps(document)


def with_next_patch_version(pyproject: str) -> str:
    """pyproject.toml's text with [project] version's last number raised by one (0.1.0 -> 0.1.1)."""
    document = tomlkit.parse(pyproject)
    project = document["project"]
    head, _, last = str(project["version"]).rpartition(".")
    project["version"] = f"{head}.{int(last) + 1}"
    return tomlkit.dumps(document)


class BuildBench:
    """Builds `project` with every recipe, tagging images `pdt-bench-<subject>-<recipe>`."""

    def __init__(self, docker: DockerEngine, project: Path, subject: str, base: str, source_file: str) -> None:
        self.docker = docker
        self.project = project
        self.subject = subject
        self.base = base
        self.source_file = project / source_file
        # BuildKit's word on ours' dependency install in each version-only-bump rebuild.
        self.install_after_version_bump: list[str] = []

    def tag(self, recipe: Recipe) -> str:
        return f"pdt-bench-{self.subject}-{recipe.name}"

    def build(self, recipe: Recipe, target: str | None = None) -> float:
        return self.build_logged(recipe, target).seconds

    def build_logged(self, recipe: Recipe, target: str | None = None) -> Build:
        options = ("--file", str(recipe.dockerfile)) if recipe.dockerfile else ()
        build_args = {"PYPI_MIRROR_URL": package_index_url(), "PYTHON_IMAGE": self.base}
        return self.docker.build(self.project, self.tag(recipe), build_args=build_args, target=target, options=options)

    def build_all(self) -> None:
        for recipe in RECIPES:
            self.build(recipe)

    def layers(self, image: str) -> int:
        return int(self.docker.call("image", "inspect", "--format", "{{len .RootFS.Layers}}", image).stdout)

    def cold(self, recipe: Recipe) -> float:
        self.docker.call("builder", "prune", "--all", "--force")
        return self.build(recipe)

    def cold_with_poetry_cached(self) -> float:
        self.docker.call("builder", "prune", "--all", "--force")
        self.build(OURS, target="poetry-base")
        return self.build(OURS)

    def after(self, change: Callable[[str], str], relock: Callable[[Path], None]) -> dict[str, Build]:
        """Each recipe's rebuild after pyproject.toml is changed and relocked, from a warm cache of
        the project as it was; the project is put back as it was afterwards."""
        pyproject = self.project / "pyproject.toml"
        saved = {name: (self.project / name).read_text(encoding="utf-8") for name in ("pyproject.toml", *LOCK_FILES)}
        self.build_all()
        pyproject.write_text(change(saved["pyproject.toml"]), encoding="utf-8")
        relock(self.project)
        try:
            return {recipe.name: self.build_logged(recipe) for recipe in RECIPES}
        finally:
            for name, text in saved.items():
                (self.project / name).write_text(text, encoding="utf-8")

    def one_round(self) -> dict[str, dict[str, float]]:
        figures: dict[str, dict[str, float]] = {recipe.name: {} for recipe in RECIPES}

        def record(figure: str, values: dict[str, float]) -> None:
            for name, value in values.items():
                figures[name][figure] = value

        record(COLD, {recipe.name: self.cold(recipe) for recipe in RECIPES})
        record(COLD_POETRY_CACHED, {OURS.name: self.cold_with_poetry_cached()})
        self.build_all()  # every recipe's cache warm again after the others' prunes
        base_mb, base_layers = self.docker.image_size(self.base) / 1e6, self.layers(self.base)
        record(SIZE, {r.name: self.docker.image_size(self.tag(r)) / 1e6 - base_mb for r in RECIPES})
        record(LAYERS, {r.name: self.layers(self.tag(r)) - base_layers for r in RECIPES})

        self.source_file.write_text(
            self.source_file.read_text(encoding="utf-8") + f"\n# edited at {time.time()}\n", encoding="utf-8"
        )
        record(SOURCE_EDIT, {recipe.name: self.build(recipe) for recipe in RECIPES})
        added = self.after(lambda text: with_dependency(text, NEW_DEPENDENCY), lock)
        record(NEW_DEPENDENCY_ADDED, {name: build.seconds for name, build in added.items()})
        # Poetry's lock does not record the project's version; uv's does, and --locked checks it.
        bumped = self.after(with_next_patch_version, lock_with_uv)
        record(VERSION_BUMP, {name: build.seconds for name, build in bumped.items()})
        self.install_after_version_bump += bumped[OURS.name].step_states("poetry export")
        self.build_all()  # leave every image as the project builds now
        return figures

    def remove_images(self) -> None:
        self.docker.remove_images(*(self.tag(recipe) for recipe in RECIPES))
