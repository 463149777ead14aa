"""What the sources of the reserved names share: the repository's paths and the template's answers,
and a way to run each supported Python (on this machine, or in its base image)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
COOKIECUTTER_JSON = ROOT / "cookiecutter.json"


def normalized(name: str) -> str:
    """PEP 503: `Typing_Extensions` and `typing-extensions` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def cookiecutter_json() -> dict[str, Any]:
    return json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))


def python_versions() -> list[str]:
    return sorted(cookiecutter_json()["python_version"], key=version_key)


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


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
