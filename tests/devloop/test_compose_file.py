"""compose.yaml and the dev container's files, read without Docker: what the dev loop promises.

tests/devloop/test_compose.py runs the same loop on a real engine; these run in the quick loop.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from dockerfile_parse import DockerfileParser

from tests.conftest import Project

Bake = Callable[..., Project]


def compose(project: Project, relative: str = "compose.yaml") -> dict[str, Any]:
    return yaml.safe_load(project.read(relative))


def dev_stage(project: Project) -> list[tuple[str, str]]:
    """The Dockerfile's `dev` target, as (instruction, value) pairs."""
    parser = DockerfileParser(fileobj=io.BytesIO(project.read("Dockerfile").encode()))
    steps: list[tuple[str, str]] = []
    current = None
    for instruction in parser.structure:
        if instruction["instruction"] == "FROM":
            current = instruction["value"].split()[-1]
        elif current == "dev" and instruction["instruction"] != "COMMENT":
            steps.append((instruction["instruction"], instruction["value"]))
    return steps


def devcontainer(project: Project) -> dict[str, Any]:
    """devcontainer.json, whose `//` comments JSON does not allow."""
    text = project.read(".devcontainer/devcontainer.json")
    return json.loads("\n".join(line for line in text.splitlines() if not line.strip().startswith("//")))


@pytest.fixture(scope="module")
def web(bake: Bake) -> Project:
    return bake(app_kind="web")


def test_web_dev_server_is_published_on_the_hosts_loopback_only(web: Project) -> None:
    """The dev server reloads code and shows tracebacks: nobody else on the network should reach it."""
    ports = compose(web)["services"]["dev"]["ports"]

    assert [port.split(":")[0] for port in ports] == ["127.0.0.1"]


def test_web_dev_server_listens_on_every_interface_inside_the_container(web: Project) -> None:
    """The published port arrives on the container's network interface, never on its loopback."""
    command = compose(web)["services"]["dev"]["command"]

    assert command[:2] == [web.slug, "dev"]
    assert command[command.index("--host") + 1] == "0.0.0.0"


def test_web_healthcheck_runs_the_apps_own_healthcheck_command(web: Project) -> None:
    healthcheck = compose(web)["services"]["dev"]["healthcheck"]
    cli = web.read(f"src/{web.package}/cli.py")

    assert healthcheck["test"] == ["CMD", web.slug, "healthcheck"]
    assert re.search(r"^@main\.command\(\)\ndef healthcheck\(", cli, re.MULTILINE)


def test_web_source_edits_are_synced_where_the_dev_image_installed_the_project(web: Project) -> None:
    watch = compose(web)["services"]["dev"]["develop"]["watch"]
    workdir = dict(dev_stage(web))["WORKDIR"]

    assert {"action": "sync", "path": "./src", "target": f"{workdir}/src"} in watch


@pytest.mark.parametrize("kind", ["cli", "web"])
def test_dependency_changes_rebuild_the_dev_image(bake: Bake, kind: str) -> None:
    watch = compose(bake(app_kind=kind))["services"]["dev"]["develop"]["watch"]

    assert {"action": "rebuild", "path": "pyproject.toml"} in watch
    assert {"action": "rebuild", "path": "poetry.lock"} in watch


def test_cli_source_edits_rebuild_rather_than_sync_into_an_exited_container(bake: Bake) -> None:
    watch = compose(bake(app_kind="cli"))["services"]["dev"]["develop"]["watch"]

    assert [rule["action"] for rule in watch] == ["rebuild", "rebuild", "rebuild"]


@pytest.mark.parametrize("kind", ["cli", "web"])
def test_devcontainer_works_as_the_dev_targets_user_in_its_workdir(bake: Bake, kind: str) -> None:
    project = bake(app_kind=kind)
    settings = devcontainer(project)
    steps = dev_stage(project)
    run = next(value for instruction, value in steps if instruction == "RUN" and "useradd" in value)
    user = re.search(r"useradd .*?--uid (\d+) .*?--shell \S+ (\w+)", run)

    assert user is not None
    assert ("USER", user.group(1)) in steps
    assert settings["remoteUser"] == settings["containerUser"] == user.group(2)
    assert settings["workspaceFolder"] == dict(steps)["WORKDIR"]
    assert settings["dockerComposeFile"] == ["../compose.yaml", "compose.yaml"]


def test_devcontainer_keeps_the_images_venv_under_the_editors_folder(default_project: Project) -> None:
    """The host's .venv (if any) was made for another system: an anonymous volume hides it."""
    volumes = compose(default_project, ".devcontainer/compose.yaml")["services"]["dev"]["volumes"]

    assert volumes == [".:/app", "/app/.venv"]
