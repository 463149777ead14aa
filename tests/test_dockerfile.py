"""The generated Dockerfile, read without building it: stages, user, command, lint."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from tests.conftest import Project, tool

STAGES = ["os-base", "poetry-base", "app-base", "main"]
# Stages that only prepare something for a named one; `docker build .` never ends in them.
HELPER_STAGES = ["dependency-view"]


@pytest.fixture(scope="module")
def dockerfile(default_project: Project) -> DockerfileParser:
    return DockerfileParser(fileobj=io.BytesIO((default_project.path / "Dockerfile").read_bytes()))


def instructions(dockerfile: DockerfileParser) -> list[dict[str, Any]]:
    return [i for i in dockerfile.structure if i["instruction"] != "COMMENT"]


def instructions_of_stage(dockerfile: DockerfileParser, stage: str) -> list[dict[str, Any]]:
    current = None
    found = []
    for instruction in instructions(dockerfile):
        if instruction["instruction"] == "FROM":
            current = instruction["value"].split()[-1]
        elif current == stage:
            found.append(instruction)
    return found


def test_has_the_four_named_stages_in_order_with_main_last(dockerfile: DockerfileParser) -> None:
    froms = [i["value"].split() for i in dockerfile.structure if i["instruction"] == "FROM"]
    names = [words[-1] for words in froms]

    assert [name for name in names if name not in HELPER_STAGES] == STAGES
    assert sorted(set(names) - set(STAGES)) == sorted(HELPER_STAGES)
    assert names[-1] == "main", "`docker build .` builds the last stage"
    assert all(words[1] == "AS" for words in froms), "AS is written in upper case"


def test_each_stage_builds_on_the_previous_and_main_on_os_base(dockerfile: DockerfileParser) -> None:
    parents = {
        words[-1]: words[0]
        for words in (i["value"].split() for i in dockerfile.structure if i["instruction"] == "FROM")
    }

    assert parents == {
        "os-base": "${PYTHON_IMAGE}",
        "poetry-base": "os-base",
        "dependency-view": "poetry-base",
        "app-base": "poetry-base",
        "main": "os-base",
    }


def test_base_image_is_an_argument_declared_before_the_first_stage(
    dockerfile: DockerfileParser, default_project: Project
) -> None:
    first = instructions(dockerfile)[0]

    assert first["instruction"] == "ARG"
    assert first["value"] == f"PYTHON_IMAGE=python:{default_project.answers['python_version']}-slim"


def test_has_no_syntax_directive(default_project: Project) -> None:
    assert not re.search(r"^#\s*syntax\s*=", default_project.read("Dockerfile"), re.MULTILINE | re.IGNORECASE)


def test_main_runs_as_a_numeric_non_root_user(dockerfile: DockerfileParser) -> None:
    users = [i["value"] for i in instructions_of_stage(dockerfile, "main") if i["instruction"] == "USER"]

    assert len(users) == 1
    uid, _, gid = users[0].partition(":")
    assert uid.isdigit()
    assert int(uid) != 0
    assert gid.isdigit()


@pytest.mark.parametrize("instruction", ["ENTRYPOINT", "CMD"])
def test_main_command_is_in_exec_form(dockerfile: DockerfileParser, instruction: str) -> None:
    (value,) = [i["value"] for i in instructions_of_stage(dockerfile, "main") if i["instruction"] == instruction]

    words = json.loads(value)
    assert isinstance(words, list)
    assert all(isinstance(word, str) for word in words)


def test_main_copies_only_the_app_from_app_base(dockerfile: DockerfileParser) -> None:
    copies = [i["value"] for i in instructions_of_stage(dockerfile, "main") if i["instruction"] in {"COPY", "ADD"}]

    assert copies == ["--from=app-base /app /app"]


def test_poetry_is_pinned_and_installed_without_curl(dockerfile: DockerfileParser, default_project: Project) -> None:
    text = default_project.read("Dockerfile")

    assert not [i for i in instructions(dockerfile) if "curl" in i["value"]]
    assert re.search(r"^ARG POETRY_VERSION=\d+\.\d+\.\d+$", text, re.MULTILINE)
    assert '"poetry==$POETRY_VERSION"' in text


def test_dependencies_are_installed_before_the_source_is_copied(dockerfile: DockerfileParser) -> None:
    steps = [(i["instruction"], i["value"]) for i in instructions_of_stage(dockerfile, "app-base")]
    install = next(n for n, (kind, value) in enumerate(steps) if kind == "RUN" and "poetry install" in value)
    copy_all = steps.index(("COPY", ". ."))

    assert [value for kind, value in steps[:install] if kind == "COPY"] == ["--from=dependency-view /view/ ./"]
    assert '--only "$(echo "main $POETRY_WITH_GROUPS"' in steps[install][1]
    assert "--no-root" in steps[install][1]
    assert "--mount=type=cache,target=/root/.cache/pypoetry" in steps[install][1]
    assert install < copy_all


def test_nothing_in_the_dockerfile_names_the_sample_project(bake: Callable[..., Project]) -> None:
    project = bake(project_name="Zebra Crossing")
    text = project.read("Dockerfile")

    assert "zebra" not in text.lower()


def test_hadolint_reports_nothing_with_no_rule_ignored(default_project: Project) -> None:
    text = default_project.read("Dockerfile")
    assert "hadolint ignore" not in text
    assert not (default_project.path / ".hadolint.yaml").exists()

    completed = default_project.run(tool("hadolint"), "--no-color", "Dockerfile")

    assert completed.stdout == ""


def test_dependency_view_starts_from_pyproject_and_the_optional_lock_only(dockerfile: DockerfileParser) -> None:
    copies = [i["value"] for i in instructions_of_stage(dockerfile, "dependency-view") if i["instruction"] == "COPY"]

    assert copies == ["pyproject.toml poetry.lock* ./"]
