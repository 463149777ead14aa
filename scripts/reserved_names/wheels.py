"""The import names and commands: what each locked wheel, and what is installed beside the lock, puts
into an environment.

Read from each wheel's RECORD, top_level.txt and entry_points.txt, and committed as
tests/data/wheel-contents.json (keyed `name==version`) so that the check runs offline; the
refresh downloads every locked wheel for each supported Python and reads it again.
"""

from __future__ import annotations

import configparser
import csv
import hashlib
import io
import re
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scripts.reserved_names.common import (
    ROOT,
    cookiecutter_json,
    normalized,
    python_versions,
    read_json,
    run,
    version_key,
    warn,
    write_json,
)
from scripts.reserved_names.locks import Snapshot, locked_files, locked_packages

WHEEL_CONTENTS = ROOT / "tests" / "data" / "wheel-contents.json"

# Installed into an environment of the project, though no poetry.lock names them:
# - pip: virtualenv (which Poetry creates the development venv with) seeds it, and Poetry 2.x
#   seeds nothing else (checked with Poetry 2.5.1, virtualenv 21.15: no setuptools, no wheel).
#   Its version is virtualenv's, not locked, so its names are written here.
# - dumb-init: installed by the Dockerfile into the image's venv, at cookiecutter.json's pin.
# - the build backend: pyproject.toml's [build-system] requires (poetry-core), which builds the
#   project's wheel.
SEEDED = {"pip": {"import_names": ["pip"], "console_scripts": ["pip", "pip3"]}}
PINNED_IN_COOKIECUTTER_JSON = {"dumb-init": "_dumb_init_version"}
BUILD_SYSTEM = ROOT / "{{cookiecutter.project_slug}}" / "pyproject.toml"


def build_system_requirements() -> list[str]:
    """What [build-system] requires, as written in the template's pyproject.toml.

    The file is a Jinja template, not TOML, as a whole; its [build-system] table has no Jinja.
    """
    text = BUILD_SYSTEM.read_text(encoding="utf-8")
    table = re.search(r"^\[build-system\]\n(?:(?!\[).*\n)*", text, re.MULTILINE)
    return list(tomllib.loads(table.group(0))["build-system"].get("requires", [])) if table else []


def requirement_name(requirement: str) -> str:
    return normalized(re.split(r"[\s\[<>=!~;(@]", requirement, maxsplit=1)[0])


def beside_the_lock() -> list[str]:
    """Requirements installed outside the lock: the image's pins from cookiecutter.json, and the
    build backend (not locked, so known by its requirement: its newest match is read)."""
    answers = cookiecutter_json()
    pinned = [f"{name}=={answers[key]}" for name, key in PINNED_IN_COOKIECUTTER_JSON.items() if key in answers]
    return [*pinned, *build_system_requirements()]


def wheel_key(name: str, version: str) -> str:
    return f"{name}=={version}"


def required_wheels(lock_texts: Iterable[str]) -> dict[str, None]:
    """The keys of tests/data/wheel-contents.json that the snapshots and pins need, in order:
    `name==version` of every locked package, then each requirement beside the lock."""
    keys: dict[str, None] = {}
    for text in lock_texts:
        for name, version in locked_packages(text).items():
            keys[wheel_key(name, version)] = None
    for requirement in beside_the_lock():
        keys[requirement] = None
    return keys


def unlocked_wheels(locks: Iterable[str], contents: Mapping[str, Any]) -> list[str]:
    """Wheels whose names were read from a file that no snapshot locks for that version."""
    hashes: dict[str, set[str]] = {}
    for text in locks:
        versions, files = locked_packages(text), locked_files(text)
        for name, version in versions.items():
            hashes.setdefault(wheel_key(name, version), set()).update(files[name])
    return sorted(
        wheel["file"]
        for key, entry in contents.items()
        if key in hashes and entry.get("how") == "wheel"
        for wheel in entry["files"].values()
        if wheel["sha256"] not in hashes[key]
    )


def problems(locks: list[str]) -> list[str]:
    """What --check reports of the wheel contents: a required wheel never read, or one read from a
    file that the snapshots do not lock."""
    found = []
    contents = read_json(WHEEL_CONTENTS)
    unread = [key for key in required_wheels(locks) if key not in contents]
    if unread:
        found.append(f"wheel contents unknown for {', '.join(unread)}")
    unlocked = unlocked_wheels(locks, contents)
    if unlocked:
        found.append(f"wheel contents read from files the snapshots do not lock: {', '.join(unlocked)}")
    return found


# --- refresh ---------------------------------------------------------------------------------


def read_wheel(wheel: Path) -> dict[str, Any]:
    """What a wheel installs: top-level import names (RECORD, top_level.txt) and commands
    (entry_points.txt, and files under .data/scripts)."""
    imports: set[str] = set()
    scripts: set[str] = set()
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD") and n.count("/") == 1)
        for row in csv.reader(io.StringIO(archive.read(record).decode("utf-8"))):
            if not row:
                continue
            parts = row[0].split("/")
            if parts[0].endswith(".data") and len(parts) > 2:
                if parts[1] == "scripts":
                    scripts.add(parts[2])
                    continue
                if parts[1] not in ("purelib", "platlib"):
                    continue
                parts = parts[2:]
            top = parts[0]
            if top.endswith(".dist-info") or top == "__pycache__":
                continue
            if len(parts) > 1:
                module = top
            elif top.endswith((".py", ".so", ".pyd")):
                module = top.split(".", 1)[0]
            else:  # .pth files, licence texts, py.typed: nothing to import
                continue
            if module.isidentifier():
                imports.add(module.lower())
        top_level = [n for n in names if n.endswith(".dist-info/top_level.txt") and n.count("/") == 1]
        for entry in archive.read(top_level[0]).decode("utf-8").split() if top_level else []:
            imports.add(entry.split("/", 1)[0].lower())
        entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt") and n.count("/") == 1]
        if entry_points:
            parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
            parser.optionxform = str  # type: ignore[assignment,method-assign]  # script names keep their case
            parser.read_string(archive.read(entry_points[0]).decode("utf-8"))
            for section in ("console_scripts", "gui_scripts"):
                scripts |= set(parser[section]) if parser.has_section(section) else set()
    return {"import_names": sorted(imports), "console_scripts": sorted(scripts)}


def download_wheel(spec: str, python: str, hashes: set[str], into: Path) -> dict[str, Any]:
    """The wheel of `name==version` (or of a requirement's newest match) for that Python;
    for a package with only an sdist, the wheel pip builds from it."""
    into.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    name = requirement_name(spec)
    done = run(
        [*pip, "download", "--no-deps", "--only-binary=:all:", "--python-version", python, "--dest", str(into), spec]
    )
    how = "wheel"
    if done.returncode != 0:
        # No wheel for this Python: build one from the locked sdist, as an installer would.
        done = run([*pip, "wheel", "--no-deps", "--no-binary", name, "--wheel-dir", str(into), spec])
        how = "built from sdist"
    wheels = sorted(into.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        raise RuntimeError(f"no wheel for {spec}: {done.stderr.strip()[-300:]}")
    wheel = wheels[0]
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if how == "wheel" and hashes and digest not in hashes:
        warn(f"{wheel.name} is not among the files locked for {spec}; its names were read anyway")
    return {"file": wheel.name, "sha256": digest, "how": how, **read_wheel(wheel)}


def serves_every_python(wheel: str) -> bool:
    """A pure-Python or stable-ABI wheel: the same file, and the same names, for every Python 3."""
    python_tag, abi_tag = wheel.removesuffix(".whl").split("-")[-3:-1]
    return abi_tag == "abi3" or (abi_tag == "none" and all(tag.startswith("py") for tag in python_tag.split(".")))


def wheel_contents(spec: str, pythons: Iterable[str], hashes: set[str], into: Path) -> dict[str, Any]:
    """The names a distribution installs on any of those Pythons: wheels built for one Python
    can differ (coverage installs `coverage-3.11` on 3.11 only), so each such wheel is read."""
    files: dict[str, dict[str, str]] = {}
    imports: set[str] = set()
    scripts: set[str] = set()
    how = "wheel"
    missing: list[RuntimeError] = []
    for python in sorted(pythons, key=version_key):
        try:
            found = download_wheel(spec, python, hashes, into / python)
        except RuntimeError as error:
            # Poetry locks for every Python the project allows, but a wheel may require a newer one
            # (httpx2-jsfetch 1.0 needs 3.12): where no wheel installs, no name can be taken.
            missing.append(error)
            continue
        files[python] = {"file": found["file"], "sha256": found["sha256"]}
        imports |= set(found["import_names"])
        scripts |= set(found["console_scripts"])
        how = found["how"]
        if serves_every_python(found["file"]):
            break
    if not files:
        raise missing[0]
    return {"how": how, "files": files, "import_names": sorted(imports), "console_scripts": sorted(scripts)}


def refresh(locks: Mapping[Snapshot, str]) -> dict[str, Any]:
    """Read every wheel that the locks and the pins need, for each Python it is locked for, and
    write tests/data/wheel-contents.json; a wheel that cannot be read keeps what is known of it."""
    old_contents = read_json(WHEEL_CONTENTS)
    contents: dict[str, Any] = {}
    wanted: dict[str, set[str]] = {}  # wheel key -> the Pythons it is locked for
    hashes: dict[str, set[str]] = {}
    for snapshot, text in locks.items():
        files = locked_files(text)
        for name, version in locked_packages(text).items():
            wanted.setdefault(wheel_key(name, version), set()).add(snapshot.python)
            hashes.setdefault(wheel_key(name, version), set()).update(files.get(name, set()))
    for requirement in beside_the_lock():
        wanted.setdefault(requirement, set()).update(python_versions())
    with tempfile.TemporaryDirectory(prefix="reserved-wheels-") as downloads:
        for key, pythons_of_key in sorted(wanted.items()):
            try:
                contents[key] = wheel_contents(key, pythons_of_key, hashes.get(key, set()), Path(downloads) / key)
            except (RuntimeError, OSError, zipfile.BadZipFile, StopIteration) as error:
                warn(f"kept what is known of {key}: {error}")
                if key in old_contents:
                    contents[key] = old_contents[key]
    write_json(WHEEL_CONTENTS, dict(sorted(contents.items())))
    return contents
