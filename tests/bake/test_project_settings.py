"""Settings of the generated project that its README promises, read from a bake."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.commands import run_checked, run_command
from tests.conftest import Project

Bake = Callable[..., Project]

IGNORED = [".venv/bin/python", "src/p/__pycache__/m.cpython-313.pyc", ".mypy_cache/x", ".pytest_cache/x"]
IGNORED += [".ruff_cache/x", ".coverage", "htmlcov/index.html", "dist/p.whl", "build/lib/x", ".env", ".env.local"]
IGNORED += ["tls.key", "server.pem", ".idea/x", ".vscode/settings.json"]
KEPT = [
    "pyproject.toml",
    "poetry.lock",
    "src/p/__init__.py",
    ".env.example",
    "Dockerfile",
    ".devcontainer/compose.yaml",
]


def test_mypy_checks_the_code_the_tests_and_the_docker_helper_strictly(default_project: Project) -> None:
    mypy = default_project.pyproject["tool"]["mypy"]

    assert mypy["strict"] is True
    assert mypy["files"] == ["src", "tests", "docker"]


def test_the_projects_tests_fail_below_ninety_percent_branch_coverage(default_project: Project) -> None:
    coverage = default_project.pyproject["tool"]["coverage"]

    assert coverage["report"]["fail_under"] == 90
    assert coverage["run"]["branch"] is True


def test_poetry_makes_the_virtual_environment_in_the_project(default_project: Project) -> None:
    """Where the README, editors, `make` and the Dockerfile (`/app/.venv`) expect it."""
    settings = tomllib.loads(default_project.read("poetry.toml"))

    assert settings == {"virtualenvs": {"in-project": True}}


@pytest.fixture(scope="module")
def repository(default_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = default_project.copy_to(tmp_path_factory.mktemp("ignored") / default_project.slug).path
    run_checked(["git", "init", "--quiet", copy])
    return copy


def ignored_by_git(repository: Path, paths: list[str]) -> list[str]:
    completed = run_command(["git", "check-ignore", "--stdin"], cwd=repository, input="\n".join(paths))
    return completed.stdout.split()


def test_git_ignores_environments_caches_build_output_and_secrets(repository: Path) -> None:
    assert ignored_by_git(repository, IGNORED) == IGNORED


def test_git_keeps_the_project_its_lock_and_the_documented_env_example(repository: Path) -> None:
    assert ignored_by_git(repository, KEPT) == []


def test_the_new_git_repository_starts_on_main_the_branch_ci_runs_on(default_project: Project) -> None:
    """Whatever git's own default (`master` unless configured): ci.yml runs on pushes to main."""
    head = run_checked(["git", "symbolic-ref", "HEAD"], cwd=default_project.path).stdout

    assert head == "refs/heads/main\n"
