"""The names a generated project must not take, from what its lock files and images really hold.

hooks/reserved_names.json lists, sorted:
  distributions    PEP 503-normalized names of every package the generated project locks (every
                   app kind, every supported Python, the dev group included), plus what its
                   environments hold beside the lock (see SEEDED and beside_the_lock());
  import_names     every top-level module or package those distributions install (lowercase);
  console_scripts  every command they install, plus what the venvs and the image put on PATH
                   (VENV_COMMANDS, SHELL_BASICS);
  stdlib_modules   `sys.stdlib_module_names` of each supported Python, per version;
  generated_from   the snapshots, interpreters and date it came from.
It is derived from committed data: tests/data/locks/<kind>-py<X.Y>.lock (the `poetry.lock` of
the default project of each app kind and Python version) and tests/data/wheel-contents.json (what
each locked wheel installs, read from its RECORD and entry_points.txt).

Two modes, run from the repository root:

  .venv/bin/python -m scripts.refresh_reserved_names --check
      Offline and fast (CI runs it through tests/test_reserved_names.py): recompute the JSON from
      the committed snapshots and wheel contents; exit 1 with a one-line difference when the
      committed JSON is out of date or a locked wheel's contents are missing.

  .venv/bin/python -m scripts.refresh_reserved_names
      Refresh (needs the package index, and Docker for a Python the host lacks): bake the default
      project for every app kind and Python version, `poetry lock` it afresh, download every
      locked wheel, run every supported interpreter, then rewrite the snapshots, the wheel
      contents and the JSON. It never fails: whatever cannot be refreshed keeps its committed
      data, with a warning, and it prints what changed. Review the diff and commit it.
"""

from __future__ import annotations

import argparse
import configparser
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COOKIECUTTER_JSON = ROOT / "cookiecutter.json"
RESERVED_NAMES = ROOT / "hooks" / "reserved_names.json"
DATA = ROOT / "tests" / "data"
LOCKS = DATA / "locks"
WHEEL_CONTENTS = DATA / "wheel-contents.json"
DEFAULT_KINDS = ("cli",)  # until cookiecutter.json offers an `app_kind` choice

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

# What a venv's bin/ holds before any package is installed (bin/ comes first on PATH in the image
# and under `poetry run`). Checked by listing fresh environments on 2026-12-02:
# - `python -m venv` (the image's venv; 3.11 to 3.14): python, python3, python3.X, activate,
#   activate.csh, activate.fish, Activate.ps1 (3.14 also adds a `𝜋thon` symlink);
# - virtualenv 21.15 (Poetry's development venv): python, python3, python3.X, activate,
#   activate.csh, activate.fish, activate.nu, activate.ps1, activate.xsh, activate_this.py,
#   deactivate.csh, and pip's pip, pip3, pip-3.X, pip3.X.
VENV_COMMANDS = (
    "python",
    "python3",
    "𝜋thon",
    "activate",
    "activate.csh",
    "activate.fish",
    "activate.nu",
    "activate.ps1",
    "Activate.ps1",
    "activate.xsh",
    "activate_this.py",
    "deactivate.csh",
    "pip",
    "pip3",
)
VENV_COMMANDS_PER_VERSION = ("python{v}", "pip{v}", "pip-{v}")

# Commands that people, scripts and the tools around the project call by name, and that a console
# script of the same name, first on PATH in the venv and in the image, would silently replace:
# the POSIX shells and the builtins `docker exec CONTAINER sh -c ...` and entrypoint scripts rely
# on, the core utilities of every debugging session, the login and privilege commands, and the
# tools that develop, build and ship the project. Not every command of the base image: a project
# called `tar` breaks nothing that this template runs.
SHELL_BASICS = (
    # shells, and builtins that also exist as commands
    "sh", "bash", "dash", "zsh", "env", "exec", "test", "[", "cd", "command", "true", "false",
    "echo", "printf", "kill", "time", "nohup", "xargs",
    # inspecting a running container
    "ls", "cat", "ps", "sleep", "id", "whoami", "which", "top", "more", "less",
    # users and privileges
    "nologin", "su", "sudo", "login", "passwd",
    # tools the project is developed, built and shipped with
    "git", "make", "docker", "poetry", "tini", "apt", "apt-get", "dpkg",
)  # fmt: skip


@dataclass(frozen=True)
class Snapshot:
    kind: str
    python: str

    @property
    def path(self) -> Path:
        return LOCKS / f"{self.kind}-py{self.python}.lock"


def normalized(name: str) -> str:
    """PEP 503: `Typing_Extensions` and `typing-extensions` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def cookiecutter_json() -> dict[str, Any]:
    return json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))


def python_versions() -> list[str]:
    return sorted(cookiecutter_json()["python_version"], key=version_key)


def app_kinds() -> list[str]:
    kinds = cookiecutter_json().get("app_kind")
    return sorted(kinds) if isinstance(kinds, list) else list(DEFAULT_KINDS)


def snapshots() -> list[Snapshot]:
    return [Snapshot(kind, python) for kind in app_kinds() for python in python_versions()]


def locked_packages(lock_text: str) -> dict[str, str]:
    """Normalized name -> version of every package in a poetry.lock."""
    return {normalized(p["name"]): p["version"] for p in tomllib.loads(lock_text).get("package", [])}


def locked_files(lock_text: str) -> dict[str, set[str]]:
    """Normalized name -> the sha256 hashes of its locked files."""
    return {
        normalized(p["name"]): {f["hash"].removeprefix("sha256:") for f in p.get("files", [])}
        for p in tomllib.loads(lock_text).get("package", [])
    }


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


def compute(
    locks: Mapping[Snapshot, str],
    contents: Mapping[str, Mapping[str, Any]],
    stdlib: Mapping[str, list[str]],
    generated: Mapping[str, Any],
) -> dict[str, Any]:
    """The whole JSON from its inputs; --check and the refresh both write it through here."""
    versions = python_versions()
    distributions = set(SEEDED) | {requirement_name(requirement) for requirement in beside_the_lock()}
    import_names: set[str] = set()
    scripts = set(VENV_COMMANDS) | set(SHELL_BASICS)
    scripts |= {pattern.format(v=v) for pattern in VENV_COMMANDS_PER_VERSION for v in versions}
    for seeded in SEEDED.values():
        import_names |= set(seeded["import_names"])
        scripts |= set(seeded["console_scripts"])
    for text in locks.values():
        distributions |= set(locked_packages(text))
    for key in required_wheels(locks.values()):
        if key in contents:
            import_names |= {name.lower() for name in contents[key]["import_names"]}
            scripts |= set(contents[key]["console_scripts"])
    return {
        "generated_from": dict(generated),
        "distributions": sorted(distributions),
        "import_names": sorted(import_names),
        "console_scripts": sorted(scripts),
        "stdlib_modules": {version: sorted(stdlib[version]) for version in versions if version in stdlib},
    }


def generated_note(python_builds: Mapping[str, str], date: str) -> dict[str, Any]:
    return {
        "note": "Written by scripts/refresh_reserved_names.py; do not edit. Refresh with "
        "`.venv/bin/python -m scripts.refresh_reserved_names`, check with --check.",
        "snapshots": [str(s.path.relative_to(ROOT)) for s in snapshots()],
        "wheel_contents": str(WHEEL_CONTENTS.relative_to(ROOT)),
        "beside_the_lock": [*SEEDED, *beside_the_lock()],
        "pythons": dict(sorted(python_builds.items(), key=lambda item: version_key(item[0]))),
        "refreshed": date,
    }


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def previous_note(committed: Mapping[str, Any]) -> dict[str, Any]:
    note = committed.get("generated_from")
    return note if isinstance(note, dict) else {}


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- --check ---------------------------------------------------------------------------------


def expected_from_committed(committed: Mapping[str, Any]) -> dict[str, Any]:
    """What the JSON must hold, from the committed snapshots and wheel contents.

    The standard-library lists and the date cannot be recomputed offline for every Python: they
    are taken from the committed JSON (and the running interpreter's own list is compared below).
    """
    locks = {s: s.path.read_text(encoding="utf-8") for s in snapshots() if s.path.exists()}
    previous = previous_note(committed)
    return compute(
        locks,
        read_json(WHEEL_CONTENTS),
        committed.get("stdlib_modules", {}),
        generated_note(previous.get("pythons", {}), previous.get("refreshed", "")),
    )


def differences(committed: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    found = []
    for key in expected.keys() | committed.keys():
        have, want = committed.get(key), expected.get(key)
        if have == want:
            continue
        if isinstance(have, list) and isinstance(want, list):
            extra, missing = sorted(set(have) - set(want)), sorted(set(want) - set(have))
            found.append(f"{key}: " + " ".join([*(f"+{n}" for n in missing), *(f"-{n}" for n in extra)]))
        else:
            found.append(f"{key} differs")
    return sorted(found)


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


def check(reserved_names: Path) -> int:
    committed = read_json(reserved_names)
    problems = differences(committed, expected_from_committed(committed))
    missing_locks = [str(s.path.relative_to(ROOT)) for s in snapshots() if not s.path.exists()]
    if missing_locks:
        problems.append(f"no snapshot {', '.join(missing_locks)}")
    contents = read_json(WHEEL_CONTENTS)
    locks = [s.path.read_text(encoding="utf-8") for s in snapshots() if s.path.exists()]
    unread = [key for key in required_wheels(locks) if key not in contents]
    if unread:
        problems.append(f"wheel contents unknown for {', '.join(unread)}")
    unlocked = unlocked_wheels(locks, contents)
    if unlocked:
        problems.append(f"wheel contents read from files the snapshots do not lock: {', '.join(unlocked)}")
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    stored = committed.get("stdlib_modules", {}).get(running)
    if stored is not None and stored != sorted(sys.stdlib_module_names):
        problems.append(f"stdlib_modules[{running}] differs from this interpreter's sys.stdlib_module_names")
    if problems:
        print(
            f"{reserved_names.relative_to(ROOT) if reserved_names.is_relative_to(ROOT) else reserved_names} "
            f"is out of date ({'; '.join(problems)}): run .venv/bin/python -m scripts.refresh_reserved_names"
        )
        return 1
    print(f"{reserved_names.name} is up to date with {len(locks)} lock snapshots")
    return 0


# --- refresh ---------------------------------------------------------------------------------


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def host_python(version: str) -> Path | None:
    """An interpreter of that version on this machine: pyenv's, or pythonX.Y on PATH."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    builds = sorted(pyenv.glob(f"{version}.*/bin/python{version}"), key=lambda p: version_key(p.parts[-3]))
    if builds:
        return builds[-1]
    found = shutil.which(f"python{version}")
    return Path(found) if found else None


def docker_client() -> str:
    return os.environ.get("DOCKER") or shutil.which("docker") or "docker"


def base_image(version: str) -> str:
    """The base image the generated Dockerfile starts from (a stand-in of it where no registry is)."""
    return f"python:{version}-slim"


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


def stdlib_names(version: str) -> tuple[list[str], str]:
    """sys.stdlib_module_names and the exact version, from an interpreter of that version."""
    code = "import json, platform, sys; print(json.dumps([platform.python_version(), sorted(sys.stdlib_module_names)]))"
    interpreter = host_python(version)
    if interpreter is not None:
        done = run([str(interpreter), "-c", code])
    else:
        done = run([docker_client(), "run", "--rm", base_image(version), "python3", "-c", code])
    if done.returncode != 0:
        raise RuntimeError(f"no Python {version} answered: {done.stderr.strip()[-300:]}")
    build, names = json.loads(done.stdout)
    if not build.startswith(f"{version}."):
        raise RuntimeError(f"asked for Python {version}, got {build}")
    return names, build


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


def shown_names(names: list[str], limit: int = 30) -> str:
    return " ".join(names if len(names) <= limit else [*names[:limit], f"... ({len(names)} in all)"])


def show_changes(label: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    lines = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old != new and not (isinstance(old, dict) and isinstance(new, dict)):
            lines.append(f"{label} {key}: {old} -> {new}")
        elif isinstance(old, dict) and isinstance(new, dict):
            lines += show_changes(f"{label} {key}", old, new)
    return lines


def list_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, new in after.items():
        old = before.get(key)
        if isinstance(new, list):
            added, removed = sorted(set(new) - set(old or [])), sorted(set(old or []) - set(new))
            if added or removed:
                lines.append(f"{key}: " + shown_names([*(f"+{n}" for n in added), *(f"-{n}" for n in removed)]))
        elif isinstance(new, dict) and key == "stdlib_modules":
            lines += list_changes(
                {f"stdlib_modules[{v}]": names for v, names in (old or {}).items()},
                {f"stdlib_modules[{v}]": names for v, names in new.items()},
            )
    return lines


def refresh(template: Path, reserved_names: Path) -> int:
    if str(ROOT) not in sys.path:  # run as a file rather than with -m: the tests' helpers are needed
        sys.path.insert(0, str(ROOT))
    from tests.conftest import package_index_environment

    index = package_index_environment()
    committed = read_json(reserved_names)
    pythons = dict(previous_note(committed).get("pythons", {}))
    stdlib = dict(committed.get("stdlib_modules", {}))
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

    for version in python_versions():
        try:
            stdlib[version], pythons[version] = stdlib_names(version)
        except (RuntimeError, OSError, ValueError) as error:
            warn(f"kept stdlib_modules[{version}]: {error}")

    refreshed = compute(locks, contents, stdlib, generated_note(pythons, datetime.now(UTC).date().isoformat()))
    unchanged = compute(locks, contents, stdlib, generated_note(pythons, previous_note(committed).get("refreshed", "")))
    if unchanged == committed:  # a new date alone is not a change worth a diff
        refreshed = unchanged
    changes += list_changes(committed, refreshed)
    write_json(reserved_names, refreshed)
    print("\n".join(changes) if changes else "no names changed")
    sizes = ", ".join(f"{key} {len(value)}" for key, value in refreshed.items() if isinstance(value, list))
    print(f"wrote {reserved_names.name}: {sizes}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="offline: exit 1 when the JSON is out of date")
    parser.add_argument("--reserved-names", type=Path, default=RESERVED_NAMES, help=argparse.SUPPRESS)
    parser.add_argument(
        "--template", type=Path, default=ROOT, help="template to bake (default: this repository's working tree)"
    )
    arguments = parser.parse_args(argv)
    if arguments.check:
        return check(arguments.reserved_names.resolve())
    try:
        return refresh(arguments.template.resolve(), arguments.reserved_names.resolve())
    except Exception as error:  # the refresh reports, it never fails a build
        warn(f"refresh stopped: {error!r}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
