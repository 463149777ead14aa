"""The names a generated project must not take, from what its lock files and images really hold.

hooks/reserved_names.json lists, sorted:
  distributions    PEP 503-normalized names of every package the generated project locks (every
                   app kind, every supported Python, the dev group included), plus what its
                   environments hold beside the lock (SEEDED and beside_the_lock() of wheels.py);
  import_names     every top-level module or package those distributions install (lowercase);
  console_scripts  every command they install, plus what the venvs and the image put on PATH
                   (VENV_COMMANDS, SHELL_BASICS);
  stdlib_modules   `sys.stdlib_module_names` of each supported Python, per version;
  generated_from   the snapshots, interpreters and date it came from.
It is derived from committed data: tests/data/locks/<kind>-py<X.Y>.lock (the `poetry.lock` of
the default project of each app kind and Python version) and tests/data/wheel-contents.json (what
each locked wheel installs, read from its RECORD and entry_points.txt). Each source is a module of
scripts/reserved_names/ (locks.py, wheels.py, stdlib.py); this command combines them with the
commands written here by hand.

Two modes, run from the repository root:

  .venv/bin/python -m scripts.refresh_reserved_names --check
      Offline and fast (CI runs it through tests/answers/test_reserved_names.py): recompute the JSON from
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
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scripts.reserved_names import locks, stdlib, wheels
from scripts.reserved_names.common import ROOT, python_versions, read_json, version_key, warn, write_json
from scripts.reserved_names.locks import Snapshot

RESERVED_NAMES = ROOT / "hooks" / "reserved_names.json"

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


def compute(
    lock_texts: Mapping[Snapshot, str],
    contents: Mapping[str, Mapping[str, Any]],
    stdlib_modules: Mapping[str, list[str]],
    generated: Mapping[str, Any],
) -> dict[str, Any]:
    """The whole JSON from its inputs; --check and the refresh both write it through here."""
    versions = python_versions()
    distributions = set(wheels.SEEDED) | {
        wheels.requirement_name(requirement) for requirement in wheels.beside_the_lock()
    }
    import_names: set[str] = set()
    scripts = set(VENV_COMMANDS) | set(SHELL_BASICS)
    scripts |= {pattern.format(v=v) for pattern in VENV_COMMANDS_PER_VERSION for v in versions}
    for seeded in wheels.SEEDED.values():
        import_names |= set(seeded["import_names"])
        scripts |= set(seeded["console_scripts"])
    for text in lock_texts.values():
        distributions |= set(locks.locked_packages(text))
    for key in wheels.required_wheels(lock_texts.values()):
        if key in contents:
            import_names |= {name.lower() for name in contents[key]["import_names"]}
            scripts |= set(contents[key]["console_scripts"])
    return {
        "generated_from": dict(generated),
        "distributions": sorted(distributions),
        "import_names": sorted(import_names),
        "console_scripts": sorted(scripts),
        "stdlib_modules": {
            version: sorted(stdlib_modules[version]) for version in versions if version in stdlib_modules
        },
    }


def generated_note(python_builds: Mapping[str, str], date: str) -> dict[str, Any]:
    return {
        "note": "Written by scripts/refresh_reserved_names.py; do not edit. Refresh with "
        "`.venv/bin/python -m scripts.refresh_reserved_names`, check with --check.",
        "snapshots": [str(s.path.relative_to(ROOT)) for s in locks.snapshots()],
        "wheel_contents": str(wheels.WHEEL_CONTENTS.relative_to(ROOT)),
        "beside_the_lock": [*wheels.SEEDED, *wheels.beside_the_lock()],
        "pythons": dict(sorted(python_builds.items(), key=lambda item: version_key(item[0]))),
        "refreshed": date,
    }


def previous_note(committed: Mapping[str, Any]) -> dict[str, Any]:
    note = committed.get("generated_from")
    return note if isinstance(note, dict) else {}


def expected_from_committed(committed: Mapping[str, Any]) -> dict[str, Any]:
    """What the JSON must hold, from the committed snapshots and wheel contents.

    The standard-library lists and the date cannot be recomputed offline for every Python: they
    are taken from the committed JSON (and the running interpreter's own list is compared below).
    """
    previous = previous_note(committed)
    return compute(
        locks.committed(),
        read_json(wheels.WHEEL_CONTENTS),
        committed.get("stdlib_modules", {}),
        generated_note(previous.get("pythons", {}), previous.get("refreshed", "")),
    )


# --- --check ---------------------------------------------------------------------------------


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


def check(reserved_names: Path) -> int:
    committed = read_json(reserved_names)
    problems = differences(committed, expected_from_committed(committed))
    lock_texts = list(locks.committed().values())
    problems += locks.problems()
    problems += wheels.problems(lock_texts)
    problems += stdlib.problems(committed.get("stdlib_modules", {}))
    if problems:
        print(
            f"{reserved_names.relative_to(ROOT) if reserved_names.is_relative_to(ROOT) else reserved_names} "
            f"is out of date ({'; '.join(problems)}): run .venv/bin/python -m scripts.refresh_reserved_names"
        )
        return 1
    print(f"{reserved_names.name} is up to date with {len(lock_texts)} lock snapshots")
    return 0


# --- refresh ---------------------------------------------------------------------------------


def shown_names(names: list[str], limit: int = 30) -> str:
    return " ".join(names if len(names) <= limit else [*names[:limit], f"... ({len(names)} in all)"])


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
    from tests.conftest import package_index_environment  # the index the tests use

    index = package_index_environment()
    committed = read_json(reserved_names)
    pythons = dict(previous_note(committed).get("pythons", {}))
    stdlib_modules = dict(committed.get("stdlib_modules", {}))

    lock_texts, changes = locks.refresh(template, index)
    contents = wheels.refresh(lock_texts)
    stdlib.refresh(stdlib_modules, pythons)

    refreshed = compute(
        lock_texts, contents, stdlib_modules, generated_note(pythons, datetime.now(UTC).date().isoformat())
    )
    unchanged = compute(
        lock_texts, contents, stdlib_modules, generated_note(pythons, previous_note(committed).get("refreshed", ""))
    )
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
