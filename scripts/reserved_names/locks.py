"""The distributions: the poetry.lock of the default project of each app kind and Python version.

The locks are committed as snapshots, tests/data/locks/<kind>-py<X.Y>.lock, so that the check
runs offline; the refresh bakes the template and locks it afresh with the pinned Poetry.
"""

from __future__ import annotations

import os
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.reserved_names.common import (
    ROOT,
    base_image,
    cookiecutter_json,
    docker_client,
    host_python,
    normalized,
    python_versions,
    run,
    warn,
)

LOCKS = ROOT / "tests" / "data" / "locks"
DEFAULT_KINDS = ("cli",)  # until cookiecutter.json offers an `app_kind` choice


@dataclass(frozen=True)
class Snapshot:
    kind: str
    python: str

    @property
    def path(self) -> Path:
        return LOCKS / f"{self.kind}-py{self.python}.lock"


def app_kinds() -> list[str]:
    kinds = cookiecutter_json().get("app_kind")
    return sorted(kinds) if isinstance(kinds, list) else list(DEFAULT_KINDS)


def snapshots() -> list[Snapshot]:
    return [Snapshot(kind, python) for kind in app_kinds() for python in python_versions()]


def committed() -> dict[Snapshot, str]:
    """The text of every snapshot that is committed."""
    return {s: s.path.read_text(encoding="utf-8") for s in snapshots() if s.path.exists()}


def locked_packages(lock_text: str) -> dict[str, str]:
    """Normalized name -> version of every package in a poetry.lock."""
    return {normalized(p["name"]): p["version"] for p in tomllib.loads(lock_text).get("package", [])}


def locked_files(lock_text: str) -> dict[str, set[str]]:
    """Normalized name -> the sha256 hashes of its locked files."""
    return {
        normalized(p["name"]): {f["hash"].removeprefix("sha256:") for f in p.get("files", [])}
        for p in tomllib.loads(lock_text).get("package", [])
    }


def problems() -> list[str]:
    """What --check reports of the snapshots: any that is missing."""
    missing_locks = [str(s.path.relative_to(ROOT)) for s in snapshots() if not s.path.exists()]
    return [f"no snapshot {', '.join(missing_locks)}"] if missing_locks else []


# --- refresh ---------------------------------------------------------------------------------


def bake(template: Path, kind: str, version: str, output: Path) -> Path:
    answers = [f"python_version={version}"]
    if "app_kind" in cookiecutter_json():
        answers.append(f"app_kind={kind}")
    cookiecutter = Path(sys.executable).parent / "cookiecutter"
    baked = run([str(cookiecutter), "--no-input", "--output-dir", str(output), str(template), *answers])
    if baked.returncode != 0:
        raise RuntimeError(f"bake failed: {(baked.stderr or baked.stdout).strip()[-300:]}")
    (project,) = [path for path in output.iterdir() if path.is_dir()]
    return project


def lock(project: Path, version: str, index: Mapping[str, str]) -> str:
    """`poetry lock` with the pinned Poetry: on the host, or in the base image for a Python the host lacks.

    Poetry resolves for requires-python, but it insists on an interpreter that satisfies it.
    """
    from tests.conftest import tool  # the test environment's pinned Poetry

    interpreter = host_python(version)
    if interpreter is not None:
        env = {**os.environ, **index, "POETRY_VIRTUALENVS_IN_PROJECT": "true"}
        for command in ([tool("poetry"), "env", "use", str(interpreter)], [tool("poetry"), "lock", "-n"]):
            done = run(command, cwd=project, env=env)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command[1:])} failed: {(done.stderr or done.stdout).strip()[-300:]}")
    else:
        answers = cookiecutter_json()
        poetry = f"poetry=={answers['_poetry_version']}"
        plugin = f"poetry-plugin-pypi-mirror=={answers['_poetry_pypi_mirror_plugin_version']}"
        url = index["POETRY_PYPI_MIRROR_URL"]
        script = (
            f"python -m venv /tmp/poetry && /tmp/poetry/bin/pip install -q {poetry} {plugin}"
            f" && /tmp/poetry/bin/poetry lock -n"
        )
        done = run(
            [
                *(docker_client(), "run", "--rm", "--user", f"{os.getuid()}:{os.getgid()}", "-e", "HOME=/tmp"),
                *("-v", f"{project}:/project", "-w", "/project"),
                *("-e", f"POETRY_PYPI_MIRROR_URL={url}", "-e", f"PIP_INDEX_URL={url}"),
                *(base_image(version), "sh", "-c", script),
            ]
        )
        if done.returncode != 0:
            raise RuntimeError(f"poetry lock in {base_image(version)} failed: {done.stderr.strip()[-300:]}")
    return (project / "poetry.lock").read_text(encoding="utf-8")


def show_changes(label: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    lines = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old != new and not (isinstance(old, dict) and isinstance(new, dict)):
            lines.append(f"{label} {key}: {old} -> {new}")
        elif isinstance(old, dict) and isinstance(new, dict):
            lines += show_changes(f"{label} {key}", old, new)
    return lines


def refresh(template: Path, index: Mapping[str, str]) -> tuple[dict[Snapshot, str], list[str]]:
    """Bake and lock each snapshot afresh and write it; one that fails keeps its committed text.

    Returns every snapshot's lock, and a line per package whose locked version changed.
    """
    changes: list[str] = []
    locks: dict[Snapshot, str] = {}
    for snapshot in snapshots():
        old = snapshot.path.read_text(encoding="utf-8") if snapshot.path.exists() else ""
        try:
            with tempfile.TemporaryDirectory(prefix="reserved-names-") as work:
                project = bake(template, snapshot.kind, snapshot.python, Path(work))
                new = lock(project, snapshot.python, index)
        except (RuntimeError, OSError, ValueError) as error:
            warn(f"kept {snapshot.path.name}: {error}")
            if old:
                locks[snapshot] = old
            continue
        locks[snapshot] = new
        before, after = locked_packages(old), locked_packages(new)
        changes += show_changes(snapshot.path.name, before, after)
        LOCKS.mkdir(parents=True, exist_ok=True)
        snapshot.path.write_text(new, encoding="utf-8")
    return locks, changes
