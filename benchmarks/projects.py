"""The projects `make bench` builds: baked from the template, or written (the realistic service),
and locked for both tools: poetry.lock for ours and the tutorial, uv.lock for uv's recipe."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import findpython

from benchmarks import service
from tests.conftest import package_index_environment, package_index_url, tool
from tests.template import COOKIECUTTER_JSON, TEMPLATE_DIR

PYTHON_VERSION = COOKIECUTTER_JSON["python_version"][0]  # the template's default, and the base image's
LOCK_FILES = ("poetry.lock", "uv.lock")


def lock_with_poetry(project: Path) -> None:
    environment = {**os.environ, **package_index_environment()}
    subprocess.run(
        [tool("poetry"), "lock", "--no-interaction"], cwd=project, env=environment, check=True, capture_output=True
    )


def lock_with_uv(project: Path) -> None:
    python = findpython.find(PYTHON_VERSION)  # uv must not download one
    if python is None:
        raise RuntimeError(f"uv lock needs a Python {PYTHON_VERSION} on this machine (pyenv, PATH)")
    subprocess.run(
        [tool("uv"), "lock", "--quiet", "--python", str(python.executable), "--default-index", package_index_url()],
        cwd=project,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        check=True,
    )


def lock(project: Path) -> None:
    lock_with_poetry(project)
    lock_with_uv(project)


def bake(output_dir: Path, **answers: str) -> Path:
    """A project baked with the template's defaults except `answers`, locked for both tools."""
    subprocess.run(
        [
            tool("cookiecutter"),
            "--no-input",
            str(TEMPLATE_DIR),
            "--output-dir",
            str(output_dir),
            *(f"{name}={value}" for name, value in answers.items()),
        ],
        capture_output=True,
        check=True,
    )
    project = output_dir / "my-project"
    lock(project)
    return project


def write_service(output_dir: Path, *, generated: Path) -> Path:
    """The realistic service, with the drop-in files of the `generated` project."""
    project = service.write(output_dir, PYTHON_VERSION, generated=generated)
    lock(project)
    return project
