"""The standard-library modules: `sys.stdlib_module_names` of each supported Python.

Only a running interpreter can tell them, so the check compares the running Python's own list
with the committed one and takes the others as committed; the refresh asks each supported Python.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping

from scripts.reserved_names.common import base_image, docker_client, host_python, python_versions, run, warn


def problems(stored: Mapping[str, list[str]]) -> list[str]:
    """What --check reports of the committed lists: this interpreter's, if it differs."""
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    names = stored.get(running)
    if names is not None and names != sorted(sys.stdlib_module_names):
        return [f"stdlib_modules[{running}] differs from this interpreter's sys.stdlib_module_names"]
    return []


# --- refresh ---------------------------------------------------------------------------------


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


def refresh(stdlib: dict[str, list[str]], pythons: dict[str, str]) -> None:
    """Ask each supported Python for its list and its exact version, into `stdlib` and `pythons`;
    one that does not answer keeps what is committed."""
    for version in python_versions():
        try:
            stdlib[version], pythons[version] = stdlib_names(version)
        except (RuntimeError, OSError, ValueError) as error:
            warn(f"kept stdlib_modules[{version}]: {error}")
