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
HELPER_STAGES = ["project-view", "project-build"]
# Targets of their own, built only with --target; `main` takes nothing from them.
SIDE_TARGETS = ["dev"]


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

    assert [name for name in names if name not in HELPER_STAGES + SIDE_TARGETS] == STAGES
    assert sorted(set(names) - set(STAGES)) == sorted(HELPER_STAGES + SIDE_TARGETS)
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
        "project-view": "os-base",
        "project-build": "poetry-base",
        "app-base": "poetry-base",
        "dev": "poetry-base",
        "main": "os-base",
    }


def test_no_stage_takes_anything_from_the_dev_target(dockerfile: DockerfileParser) -> None:
    sources = [
        word.split("=", 1)[1]
        for i in instructions(dockerfile)
        if i["instruction"] in {"COPY", "ADD", "RUN"}
        for word in i["value"].replace(",", " ").split()
        if word.startswith(("--from=", "from="))
    ]
    parents = [i["value"].split()[0] for i in dockerfile.structure if i["instruction"] == "FROM"]

    assert sources, "the build copies between stages"
    assert "dev" not in sources + parents


def test_dev_target_runs_as_the_uid_alone_that_main_runs_as(dockerfile: DockerfileParser) -> None:
    users = [i["value"] for i in instructions_of_stage(dockerfile, "dev") if i["instruction"] == "USER"]
    (main_user,) = [i["value"] for i in instructions_of_stage(dockerfile, "main") if i["instruction"] == "USER"]

    # Docker 20.10 looks the USER string up by name when Compose syncs files in: "10001:10001" is none.
    assert users == [main_user.split(":")[0]]


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


def test_main_runs_the_launcher_under_dumb_init_with_no_default_arguments(dockerfile: DockerfileParser) -> None:
    """The words after `docker run IMAGE` go to the launcher, which decides what to run: with
    `dumb-init --` alone as the ENTRYPOINT, `docker run IMAGE --help` made dumb-init run `--help`."""
    main = {
        i["instruction"]: json.loads(i["value"])
        for i in instructions_of_stage(dockerfile, "main")
        if i["instruction"] in {"ENTRYPOINT", "CMD"}
    }

    assert main == {"ENTRYPOINT": ["dumb-init", "--", "/app/launch"], "CMD": []}


def test_main_copies_the_dependencies_then_the_projects_own_files(dockerfile: DockerfileParser) -> None:
    """Two layers: a source edit or a release ships only the second, small one."""
    copies = [i["value"] for i in instructions_of_stage(dockerfile, "main") if i["instruction"] in {"COPY", "ADD"}]

    assert copies == ["--from=app-base /app /app", "--from=project-build /out/app/ /app/"]


def test_uv_and_poetry_are_pinned_and_installed_without_curl(
    dockerfile: DockerfileParser, default_project: Project
) -> None:
    text = default_project.read("Dockerfile")

    assert not [i for i in instructions(dockerfile) if "curl" in i["value"]]
    for argument in ("UV_VERSION", "POETRY_VERSION", "POETRY_EXPORT_VERSION", "POETRY_PYPI_MIRROR_VERSION"):
        assert re.search(rf"^ARG {argument}=\d+\.\d+\.\d+$", text, re.MULTILINE), argument
    assert '"uv==$UV_VERSION"' in text
    assert '"poetry==$POETRY_VERSION"' in text
    assert '"poetry-plugin-export==$POETRY_EXPORT_VERSION"' in text


def dependency_install(dockerfile: DockerfileParser) -> tuple[int, list[tuple[str, str]]]:
    """app-base's steps, and the index of the one that installs the locked dependencies."""
    steps = [(i["instruction"], i["value"]) for i in instructions_of_stage(dockerfile, "app-base")]
    install = next(n for n, (kind, value) in enumerate(steps) if kind == "RUN" and "poetry export" in value)
    return install, steps


def test_dependencies_are_installed_from_the_view_alone(dockerfile: DockerfileParser) -> None:
    install, steps = dependency_install(dockerfile)
    copies = [(n, value) for n, (kind, value) in enumerate(steps) if kind in {"COPY", "ADD"}]

    assert copies == [(copies[0][0], "--from=project-view /view/ /view/")]
    assert copies[0][0] < install
    command = steps[install][1]
    assert '--only "$(echo "main $POETRY_WITH_GROUPS"' in command
    assert "poetry export --no-interaction --directory /view" in command
    assert "uv pip install --quiet --python .venv --no-deps --compile-bytecode" in command
    assert "--no-verify-hashes" not in command
    assert "uv pip check" in command
    assert "--mount=type=cache,target=/root/.cache/uv" in command


def test_dependency_install_is_app_bases_last_step(dockerfile: DockerfileParser) -> None:
    """A source edit or a release then costs nothing in app-base: main takes the project's files
    from project-build."""
    install, steps = dependency_install(dockerfile)

    assert install == len(steps) - 1


@pytest.mark.parametrize("stage", HELPER_STAGES)
def test_helper_stages_copy_the_whole_context_and_run_one_step_in_the_project_dir(
    dockerfile: DockerfileParser, stage: str
) -> None:
    steps = [(i["instruction"], i["value"]) for i in instructions_of_stage(dockerfile, stage)]

    assert [value for kind, value in steps if kind in {"COPY", "ADD"}] == [". /src/"]
    assert steps.index(("ARG", "PROJECT_DIR=.")) < steps.index(("WORKDIR", "/src/${PROJECT_DIR}"))
    assert steps.index(("WORKDIR", "/src/${PROJECT_DIR}")) < steps.index(("COPY", ". /src/"))
    # Nothing between the copy and the step: a source edit then reruns one step only.
    after_copy = [kind for kind, _ in steps[steps.index(("COPY", ". /src/")) + 1 :]]
    assert [kind for kind in after_copy if kind != "ARG"] == ["RUN"]


def test_project_view_runs_the_helper_with_the_base_images_python(dockerfile: DockerfileParser) -> None:
    """The view needs only the standard library, so it waits for no build tool."""
    runs = [i["value"] for i in instructions_of_stage(dockerfile, "project-view") if i["instruction"] == "RUN"]

    assert runs == ["python docker/project_build.py view /view"]


def test_project_build_runs_the_helper_with_poetrys_python(dockerfile: DockerfileParser) -> None:
    runs = [i["value"] for i in instructions_of_stage(dockerfile, "project-build") if i["instruction"] == "RUN"]

    assert runs == ['"$POETRY_HOME/bin/python" docker/project_build.py build /out']


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


def test_every_instruction_reads_in_one_screen(default_project: Project) -> None:
    """No instruction over 20 lines, whatever its continuation lines hold."""
    lengths = {}
    current: list[str] = []
    for line in default_project.read("Dockerfile").splitlines():
        if line.startswith("#") and not current:
            continue
        current.append(line)
        if not line.endswith("\\"):
            lengths[current[0]] = len(current)
            current = []

    assert lengths
    assert {first: n for first, n in lengths.items() if n > 20} == {}


def test_inline_python_is_a_short_one_liner(dockerfile: DockerfileParser) -> None:
    """Logic that is more than a line lives in docker/project_build.py, where it is linted and tested."""
    inline = [i["value"] for i in instructions(dockerfile) if i["instruction"] == "RUN" and "python -c" in i["value"]]

    for command in inline:
        program = command.split("python -c", 1)[1]
        assert len(program) <= 300, program
        assert "lambda" not in program


def test_the_dockerfile_patches_no_librarys_internals(default_project: Project) -> None:
    text = default_project.read("Dockerfile")

    assert "get_vcs" not in text
    assert "poetry.core.vcs" not in text


def test_os_base_sends_output_unbuffered_and_writes_no_bytecode_at_run_time(dockerfile: DockerfileParser) -> None:
    """Logs reach `docker logs` at once; no .pyc is written into a root-owned, read-only /app."""
    settings = [
        word
        for i in instructions_of_stage(dockerfile, "os-base")
        if i["instruction"] == "ENV"
        for word in i["value"].split()
    ]

    assert "PYTHONUNBUFFERED=1" in settings
    assert "PYTHONDONTWRITEBYTECODE=1" in settings


def test_dependency_install_removes_the_export_whose_urls_may_hold_credentials(dockerfile: DockerfileParser) -> None:
    install, steps = dependency_install(dockerfile)
    command = steps[install][1]

    assert command.rstrip().endswith("&& rm /tmp/locked.txt")


def test_private_index_secret_is_only_read_where_it_is_mounted(dockerfile: DockerfileParser) -> None:
    """Tested for, then read line by line: never copied or printed where a layer could keep it."""
    install, steps = dependency_install(dockerfile)
    command = steps[install][1]

    assert re.findall(r"\S*/run/secrets/poetry-env\S*", command) == [
        "/run/secrets/poetry-env",
        "</run/secrets/poetry-env;",
    ]
