"""Shared fixtures: bake each combination of answers once per session, and the tools to inspect it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.commands import run_checked

# The Docker fixtures (an engine, base images, images built once per session) serve tests in
# several folders: the image's, the dev loop's and the deployment's.
pytest_plugins = ["tests.docker.fixtures"]

# Property tests (tests/answers/test_properties.py) run the same examples every time, on any machine: no
# example database to carry between runs, and no per-example deadline (a bake runs subprocesses).
settings.register_profile("template", derandomize=True, database=None, deadline=None)
settings.load_profile("template")


# `make test` runs this suite. Its MAKELEVEL and MAKEFLAGS would turn every `make` the tests run
# into a sub-make (printing "Entering directory" lines), so commands see a user's plain shell.
for _make_variable in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"):
    os.environ.pop(_make_variable, None)


@dataclass(frozen=True)
class Project:
    """A baked project, with the answers it was baked from."""

    path: Path
    answers: Mapping[str, Any]

    @property
    def slug(self) -> str:
        return str(self.answers["project_slug"])

    @property
    def package(self) -> str:
        return str(self.answers["package_name"])

    @property
    def kind(self) -> str:
        return str(self.answers["app_kind"])

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text(encoding="utf-8")

    @cached_property
    def pyproject(self) -> dict[str, Any]:
        return tomllib.loads(self.read("pyproject.toml"))

    @property
    def lock(self) -> dict[str, Any]:
        return tomllib.loads(self.read("poetry.lock"))

    def files(self) -> list[Path]:
        """Every file of the project except git's own."""
        return sorted(p for p in self.path.rglob("*") if p.is_file() and ".git" not in p.relative_to(self.path).parts)

    def copy_to(self, destination: Path) -> Project:
        """A private copy to change (install into, build, edit) without touching the shared bake."""
        shutil.copytree(self.path, destination, symlinks=True)
        return Project(path=destination, answers=self.answers)

    def run(self, *command: str | Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run a command in the project; on failure, fail the test with its output."""
        return run_checked(command, cwd=self.path, env={**os.environ, **(env or {})})


@cache
def package_index_url() -> str:
    """The package index for Poetry: $POETRY_PYPI_MIRROR_URL, else the one pip is configured with.

    Some indexes (company mirrors, and the one these tests run against in CI) serve only the
    simple API that pip uses; Poetry's built-in PyPI source needs more, so the tests always point
    Poetry at the simple API through poetry-plugin-pypi-mirror. Taking the URL from pip's own
    configuration keeps every index name out of this repository.
    """
    if os.environ.get("POETRY_PYPI_MIRROR_URL"):
        return os.environ["POETRY_PYPI_MIRROR_URL"]
    configured = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if configured:
        return configured
    from pip._internal.models.index import PyPI  # pip's default, where no index is configured

    return str(PyPI.simple_url)


def package_index_environment() -> dict[str, str]:
    return {"POETRY_PYPI_MIRROR_URL": package_index_url()}


# Commits in throwaway repositories need an author, and a test machine may have none configured.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def path_with_tools() -> str:
    """PATH with this test environment's pinned tools (poetry, cruft, ...) first, as a user has them."""
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


def tool(name: str) -> str:
    """A command installed beside this interpreter (the test environment's own pinned tools)."""
    return str(Path(sys.executable).parent / name)


def user_environment() -> dict[str, str]:
    """A user's shell: this test environment's tools on PATH and the package index (see
    package_index_url), and no POETRY_VIRTUALENVS_IN_PROJECT, so that only what the project itself
    says (poetry.toml) decides where Poetry puts its environment."""
    environment = {**os.environ, **package_index_environment(), "PATH": path_with_tools()}
    environment.pop("POETRY_VIRTUALENVS_IN_PROJECT", None)
    return environment


@pytest.fixture(scope="session")
def bake(cookies_session: Any) -> Callable[..., Project]:
    """Bake a project from answers that differ from the defaults; each combination once per session."""
    baked: dict[frozenset[tuple[str, Any]], Project] = {}

    def bake_with(**answers: Any) -> Project:
        key = frozenset(answers.items())
        if key not in baked:
            result = cookies_session.bake(extra_context=answers)
            if result.exception is not None:
                raise AssertionError(f"bake with {answers} failed") from result.exception
            assert result.exit_code == 0
            baked[key] = Project(path=result.project_path, answers=result.context)
        return baked[key]

    return bake_with


@pytest.fixture(scope="session")
def installed(bake: Callable[..., Project], tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Project]:
    """A copy of a bake after the README's first command, `poetry install`: once per combination of
    answers. Tests that edit it put back what they changed."""
    projects: dict[frozenset[tuple[str, Any]], Project] = {}

    def install(**answers: Any) -> Project:
        key = frozenset(answers.items())
        if key not in projects:
            baked = bake(**answers)
            folder = "-".join(f"{name}-{value}" for name, value in sorted(answers.items())) or "default"
            project = baked.copy_to(tmp_path_factory.mktemp(f"installed-{folder}") / baked.slug)
            run_checked(["bash", "-c", "poetry install --no-interaction"], cwd=project.path, env=user_environment())
            projects[key] = project
        return projects[key]

    return install


@pytest.fixture(scope="session")
def default_project(bake: Callable[..., Project]) -> Project:
    return bake()


@pytest.fixture(scope="session")
def ghcr_project(bake: Callable[..., Project]) -> Project:
    """A project whose image a release workflow publishes to GitHub's registry."""
    return bake(container_registry="ghcr")
