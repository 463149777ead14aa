"""What cookiecutter.json declares, read once, so tests follow the template instead of copying it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
COOKIECUTTER_JSON: dict[str, Any] = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))

# What docs/docker.md tells people to copy into an existing Poetry project: the Dockerfile, its
# build context's rules and the Dockerfile's helper program. The drop-in tests copy exactly these.
DROP_IN_FILES = ("Dockerfile", ".dockerignore", "docker/project_build.py")


def copy_drop_in(generated: Path, project: Path, *, dockerfile_to: str = "Dockerfile", ignore_to: str = "") -> None:
    """The drop-in files of the `generated` project, copied into `project` as docs/docker.md says.

    In a monorepo the Dockerfile may sit elsewhere (`dockerfile_to`) and .dockerignore at the build
    context's root (`ignore_to`, relative to `project`); the helper stays in the project's folder.
    """
    targets = {"Dockerfile": dockerfile_to, ".dockerignore": f"{ignore_to}.dockerignore"}
    for relative in DROP_IN_FILES:
        target = project / targets.get(relative, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(generated / relative, target)


# The answers of `cookiecutter --no-input`, before derived defaults are rendered.
DEFAULTS: dict[str, Any] = {
    key: value[0] if isinstance(value, list) else value
    for key, value in COOKIECUTTER_JSON.items()
    if not key.startswith("_")
}
DEFAULTS.update(
    project_slug="my-project", package_name="my_project", repository_url="https://github.com/jane-doe/my-project"
)


def default_description(app_kind: str) -> str:
    """The description's default, which follows the app kind, rendered as cookiecutter does."""
    return jinja2.Template(COOKIECUTTER_JSON["description"]).render(cookiecutter={"app_kind": app_kind})


def default_database(app_kind: str) -> str:
    """The database's default, which follows the app kind (postgres for web, none for cli)."""
    return jinja2.Template(COOKIECUTTER_JSON["database"]).render(cookiecutter={"app_kind": app_kind})


DEFAULTS["description"] = default_description(DEFAULTS["app_kind"])
DEFAULTS["database"] = default_database(DEFAULTS["app_kind"])

# Every choice variable with its choices: a new choice is tested without editing any test.
CHOICES: dict[str, list[str]] = {
    key: value for key, value in COOKIECUTTER_JSON.items() if isinstance(value, list) and not key.startswith("_")
}
# What the generated app is (cookiecutter.json's `app_kind`): every kind is baked and checked.
APP_KINDS: list[str] = CHOICES["app_kind"]
# The databases a web service can have (cookiecutter.json's private `_databases`: `database` is a text
# answer whose default follows the kind), each baked and checked.
DATABASES: list[str] = COOKIECUTTER_JSON["_databases"]
ONE_KIND_AT_A_TIME = [pytest.param({"app_kind": kind}, id=f"app_kind={kind}") for kind in APP_KINDS]
ONE_CHOICE_AT_A_TIME = [
    pytest.param({variable: choice}, id=f"{variable}={choice}")
    for variable, choices in CHOICES.items()
    for choice in choices
]
