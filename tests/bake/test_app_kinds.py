"""App kinds: how `app_kind` reaches the generated files, so that a new kind is a folder and its files.

The kind reaches the output in two ways only:
- a file that differs as a whole has a conditional name, one per kind:
  `{% if cookiecutter.app_kind == 'web' %}app.py{% endif %}` (an empty name, which cookiecutter skips);
- a shared file includes the part that differs from the kind's folder of fragments:
  `{% include "app_kinds/" ~ cookiecutter.app_kind ~ "/readme-use.md" %}` reads
  `templates/app_kinds/web/readme-use.md` (an empty fragment where a kind adds nothing).

Adding a kind to cookiecutter.json's `app_kind` list makes these tests ask for its folder, with
every fragment the templates include, and the bake tests then bake it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Project
from tests.template import APP_KINDS, TEMPLATE_DIR

Bake = Callable[..., Project]
DevServices = dict[str, dict[str, Any]]

PROJECT_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
FRAGMENT_DIR = TEMPLATE_DIR / "templates" / "app_kinds"

# `{% include "app_kinds/" ~ cookiecutter.app_kind ~ "/<name>" %}`, with either whitespace control;
# `ignore missing` makes the fragment optional. An include written any other way is not found here,
# and then fails the test that allows no other read of app_kind.
KIND_INCLUDE = re.compile(
    r'\{%-?\s*include\s+"app_kinds/"\s*~\s*cookiecutter\.app_kind\s*~\s*"/(?P<name>[^"]+)"'
    r"(?P<ignore_missing>\s+ignore\s+missing)?\s*-?%\}"
)
# A file (or folder) that exists for one kind: `{% if cookiecutter.app_kind == 'web' %}app.py{% endif %}`.
KIND_FILE_NAME = re.compile(r"\{% if cookiecutter\.app_kind == '(?P<kind>[^']+)' %\}(?P<name>[^{}]+)\{% endif %\}")


def template_files() -> list[Path]:
    """Every file that cookiecutter renders into the project."""
    return sorted(path for path in PROJECT_DIR.rglob("*") if path.is_file())


def included_fragments() -> dict[str, bool]:
    """Every fragment name the templates include for the kind, and whether it may be missing."""
    optional: dict[str, bool] = {}
    for path in template_files():
        for include in KIND_INCLUDE.finditer(path.read_text(encoding="utf-8")):
            name = include["name"]
            optional[name] = optional.get(name, True) and include["ignore_missing"] is not None
    return optional


def fragments(kind: str) -> set[str]:
    """The fragments a kind's folder provides, by their name in an include."""
    folder = FRAGMENT_DIR / kind
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_templates_include_fragments_of_the_kind() -> None:
    # Guards the scan itself: were KIND_INCLUDE to match nothing, the tests below would check nothing.
    assert included_fragments()


def test_every_kind_of_cookiecutter_json_has_a_fragment_folder_and_no_other_kind_has_one() -> None:
    assert sorted(path.name for path in FRAGMENT_DIR.iterdir()) == sorted(APP_KINDS)


@pytest.mark.parametrize("kind", APP_KINDS)
def test_kind_provides_every_fragment_the_templates_include(kind: str) -> None:
    required = {name for name, optional in included_fragments().items() if not optional}

    assert sorted(required - fragments(kind)) == []


@pytest.mark.parametrize("kind", APP_KINDS)
def test_kind_has_no_fragment_that_no_template_includes(kind: str) -> None:
    assert sorted(fragments(kind) - set(included_fragments())) == []


def test_templates_read_app_kind_only_in_fragment_includes_and_conditional_file_names() -> None:
    readers = []
    for path in template_files():
        relative = path.relative_to(PROJECT_DIR).as_posix()
        if "app_kind" in KIND_FILE_NAME.sub("", relative):
            readers.append(f"{relative} (its name)")
        if "app_kind" in KIND_INCLUDE.sub("", path.read_text(encoding="utf-8")):
            readers.append(relative)

    assert readers == []


def test_conditional_file_names_name_a_kind_of_cookiecutter_json() -> None:
    named = {match["kind"] for path in template_files() for match in KIND_FILE_NAME.finditer(path.as_posix())}

    assert sorted(named - set(APP_KINDS)) == []


def test_fragments_do_not_read_app_kind() -> None:
    # A fragment already belongs to one kind; a condition on the kind inside it is a third mechanism.
    readers = [
        path.relative_to(FRAGMENT_DIR).as_posix()
        for path in sorted(FRAGMENT_DIR.rglob("*"))
        if path.is_file() and "app_kind" in path.read_text(encoding="utf-8")
    ]

    assert readers == []


# compose.yaml is a whole file per kind: its service differs (a command run once, a server kept
# running), and so do its usage, command and source watch. What the kinds share must agree.
@pytest.fixture(scope="module")
def dev_services(bake: Bake) -> DevServices:
    """Each kind's compose.yaml dev service, parsed."""
    return {kind: yaml.safe_load(bake(app_kind=kind).read("compose.yaml"))["services"]["dev"] for kind in APP_KINDS}


def test_every_kind_builds_its_dev_image_alike(dev_services: DevServices) -> None:
    builds = {kind: service["build"] for kind, service in dev_services.items()}

    assert builds == dict.fromkeys(APP_KINDS, builds[APP_KINDS[0]])


@pytest.mark.parametrize("kind", APP_KINDS)
def test_kind_rebuilds_its_dev_image_when_dependencies_change(dev_services: DevServices, kind: str) -> None:
    watch = dev_services[kind]["develop"]["watch"]

    assert {"pyproject.toml", "poetry.lock"} <= {entry["path"] for entry in watch if entry["action"] == "rebuild"}
