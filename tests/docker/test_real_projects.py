"""What real projects need from the copied Dockerfile: extras and optional groups, a writable
home, and a release (a version bump) that keeps the dependency layer."""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project, package_index_environment, tool
from tests.docker.engine import Build, DockerEngine
from tests.readme_commands import console_blocks
from tests.template import copy_drop_in

pytestmark = pytest.mark.docker

# An app that cannot even be imported without its extra, the way a project whose database driver
# is declared only as an extra fails; and optional groups, which `--only main` never installs.
FEATURE_APP = {
    "pyproject.toml": """\
[project]
name = "feature-app"
version = "1.0.0"
requires-python = ">=3.11"
dependencies = []

[project.optional-dependencies]
toml = ["tomli-w>=1"]
compat = ["six>=1.16"]

[project.scripts]
feature-app = "feature_app:main"

[tool.poetry.group.versions]
optional = true

[tool.poetry.group.versions.dependencies]
packaging = ">=24"

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
six = ">=1.16"

[build-system]
requires = ["poetry-core>=2,<3"]
build-backend = "poetry.core.masonry.api"
""",
    "feature_app/__init__.py": """\
import tomli_w


def main() -> None:
    print(tomli_w.dumps({"feature": "ok"}), end="")
""",
}

# The same, declared the older way: an optional dependency listed in [tool.poetry.extras].
LEGACY_FEATURE_APP = {
    "pyproject.toml": """\
[tool.poetry]
name = "legacy-feature-app"
version = "1.0.0"
description = "An extra declared in [tool.poetry.extras]"
authors = ["Someone <someone@example.com>"]
packages = [{ include = "feature_app" }]

[tool.poetry.dependencies]
python = ">=3.11"
tomli-w = { version = ">=1", optional = true }

[tool.poetry.extras]
toml = ["tomli-w"]

[tool.poetry.scripts]
legacy-feature-app = "feature_app:main"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
""",
    "feature_app/__init__.py": FEATURE_APP["feature_app/__init__.py"],
}

FEATURE_OUTPUT = 'feature = "ok"\n'
IMPORTABLE = (
    "import importlib.util; print(*[n for n in ('tomli_w', 'six', 'packaging') if importlib.util.find_spec(n)])"
)


def locked(files: dict[str, str], default_project: Project, root: Path) -> Project:
    """A project written from `files`, locked, with the template's drop-in files."""
    root.mkdir(parents=True)
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    copy_drop_in(default_project.path, root)
    project = Project(path=root, answers={**default_project.answers, "project_slug": root.name})
    project.run(tool("poetry"), "lock", "--no-interaction", env=package_index_environment())
    return project


@pytest.fixture(scope="module")
def feature_app(default_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    return locked(FEATURE_APP, default_project, tmp_path_factory.mktemp("extras") / "feature-app")


def test_without_extras_an_app_that_imports_its_extra_fails(
    docker: DockerEngine, build_image: Callable[..., Build], feature_app: Project
) -> None:
    run = docker.call("run", "--rm", build_image(feature_app).tag, check=False)

    assert run.returncode != 0
    assert "No module named 'tomli_w'" in run.stderr


def test_poetry_extras_installs_the_named_extras_only(
    docker: DockerEngine, build_image: Callable[..., Build], feature_app: Project
) -> None:
    tag = build_image(feature_app, POETRY_EXTRAS="toml").tag

    assert docker.run(tag) == FEATURE_OUTPUT
    assert docker.run(tag, "python", "-c", IMPORTABLE) == "tomli_w\n"


def test_poetry_extras_takes_a_space_separated_list(
    docker: DockerEngine, build_image: Callable[..., Build], feature_app: Project
) -> None:
    tag = build_image(feature_app, POETRY_EXTRAS="toml compat").tag

    assert docker.run(tag, "python", "-c", IMPORTABLE) == "tomli_w six\n"


def test_poetry_all_extras_installs_every_extra(
    docker: DockerEngine, build_image: Callable[..., Build], feature_app: Project
) -> None:
    tag = build_image(feature_app, POETRY_ALL_EXTRAS="true").tag

    assert docker.run(tag) == FEATURE_OUTPUT
    assert docker.run(tag, "python", "-c", IMPORTABLE) == "tomli_w six\n"


def test_poetry_all_extras_accepts_only_true_or_false(build_image: Callable[..., Build], feature_app: Project) -> None:
    build = build_image(feature_app, POETRY_ALL_EXTRAS="yes", check=False)

    assert not build.succeeded
    assert "POETRY_ALL_EXTRAS is 'yes': use true or false" in build.log


def test_poetry_refuses_poetry_extras_together_with_poetry_all_extras(
    build_image: Callable[..., Build], feature_app: Project
) -> None:
    build = build_image(feature_app, POETRY_EXTRAS="toml", POETRY_ALL_EXTRAS="true", check=False)

    assert not build.succeeded
    assert "You cannot specify explicit `--extras` while exporting using `--all-extras`" in build.log


def test_poetry_with_groups_naming_an_undeclared_group_stops_the_build_with_poetrys_message(
    build_image: Callable[..., Build], feature_app: Project
) -> None:
    build = build_image(feature_app, POETRY_WITH_GROUPS="nonesuch", check=False)

    assert not build.succeeded
    assert "Group(s) not found: nonesuch" in build.log


def test_poetry_extras_installs_an_extra_declared_in_tool_poetry_extras(
    docker: DockerEngine, build_image: Callable[..., Build], default_project: Project, tmp_path: Path
) -> None:
    project = locked(LEGACY_FEATURE_APP, default_project, tmp_path / "legacy-feature-app")

    assert docker.run(build_image(project, POETRY_EXTRAS="toml").tag) == FEATURE_OUTPUT


def test_poetry_with_groups_installs_the_named_optional_groups(
    docker: DockerEngine, build_image: Callable[..., Build], feature_app: Project
) -> None:
    tag = build_image(feature_app, POETRY_EXTRAS="toml", POETRY_WITH_GROUPS="versions docs").tag

    assert docker.run(tag, "python", "-c", IMPORTABLE) == "tomli_w six packaging\n"


def test_poetry_with_groups_leaves_other_optional_groups_out(
    docker: DockerEngine, build_image: Callable[..., Build], feature_app: Project
) -> None:
    tag = build_image(feature_app, POETRY_EXTRAS="toml", POETRY_WITH_GROUPS="versions").tag

    assert docker.run(tag, "python", "-c", IMPORTABLE) == "tomli_w packaging\n"


# An app that keeps its settings under ~, the XDG way (~/.config/<app>), as many CLI tools do.
WRITES_CONFIG = (
    "python",
    "-c",
    "import pathlib; settings = pathlib.Path.home() / '.config/x/settings.toml';"
    " settings.parent.mkdir(parents=True); settings.write_text('saved = true');"
    " print(settings, settings.read_text())",
)


def test_app_can_write_its_settings_under_home(docker: DockerEngine, image: str) -> None:
    assert docker.run(image, *WRITES_CONFIG) == "/home/app/.config/x/settings.toml saved = true\n"


def test_home_is_set_even_for_a_user_without_a_passwd_entry(docker: DockerEngine, image: str) -> None:
    assert docker.run(image, "sh", "-c", 'echo "$HOME"', options=("--user", "12345")) == "/home/app\n"


def documented_runs(project: Project, heading: str) -> list[list[str]]:
    """The `docker run` commands of a docs/docker.md section, as argument lists."""
    commands = [line.removeprefix("$ ") for line in console_blocks(project.read("docs/docker.md"))[heading]]
    return [shlex.split(command) for command in commands if command.startswith("docker run ")]


def test_with_a_read_only_root_a_tmpfs_at_home_keeps_home_writable(
    docker: DockerEngine, image: str, locked_project: Project
) -> None:
    """With the options docs/docker.md's Running section gives for `--read-only`."""
    (documented,) = [words for words in documented_runs(locked_project, "Running") if "--tmpfs" in words]
    assert documented[:3] == ["docker", "run", "--rm"]
    # The options stand between `docker run --rm` and the image, named after the project.
    options = tuple(documented[3 : documented.index(locked_project.slug, 3)])
    assert "--read-only" in options

    assert docker.run(image, *WRITES_CONFIG, options=options) == "/home/app/.config/x/settings.toml saved = true\n"


# An app that keeps its state in its working directory.
WRITES_HERE = (
    "python",
    "-c",
    "import pathlib; state = pathlib.Path('state.json'); state.write_text('{}');"
    " print(state.resolve(), state.read_text())",
)


def test_app_cannot_write_into_its_working_directory_app(docker: DockerEngine, image: str) -> None:
    run = docker.call("run", "--rm", image, *WRITES_HERE, check=False)

    assert run.returncode != 0
    assert "PermissionError: [Errno 13] Permission denied: 'state.json'" in run.stderr


def test_each_documented_working_directory_lets_the_app_write_into_it(
    docker: DockerEngine, image: str, locked_project: Project
) -> None:
    """Every command of docs/docker.md's "Files the app writes at run time", with this test's
    image and a volume name of its own."""
    documented = documented_runs(locked_project, "Files the app writes at run time")
    assert len(documented) == 3
    volume = f"pdt-test-home-{uuid.uuid4().hex[:8]}"
    try:
        for words in documented:
            assert words[:3] == ["docker", "run", "--rm"]
            assert words[-1] == "my-app"
            options = tuple(
                volume + word.removeprefix("my-app-home") if word.startswith("my-app-home:") else word
                for word in words[3:-1]
            )

            assert docker.run(image, *WRITES_HERE, options=options) == "/home/app/state.json {}\n", words
    finally:
        docker.call("volume", "rm", "--force", volume, check=False)


# Edits a release makes that do not change which packages get installed.
RELEASE_EDITS = {
    "the version": ('version = "0.1.0"', 'version = "0.1.{n}"'),
    "the description": ('description = "', 'description = "Release {n}: '),
    "another tool's settings": ("line-length = 100", "line-length = 1{n}"),
    "a comment": ("[tool.poetry]\n", "[tool.poetry]\n# Released as {n}.\n"),
}


@pytest.mark.parametrize("edit", RELEASE_EDITS, ids=str)
def test_release_edit_to_pyproject_keeps_the_dependency_install_cached(
    docker: DockerEngine,
    build_image: Callable[..., Build],
    locked_project: Project,
    tmp_path: Path,
    edit: str,
    record_property: Callable[[str, object], None],
) -> None:
    project = locked_project.copy_to(tmp_path / "project")
    build_image(project, tag="pdt-test-release-edit")
    old, new = RELEASE_EDITS[edit]
    # A value no earlier build has seen, even one from a previous run on this machine.
    new = new.format(n=uuid.uuid4().int % 10**6 + 100)
    pyproject = project.path / "pyproject.toml"
    assert old in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace(old, new, 1))

    rebuild = build_image(project, tag="pdt-test-release-edit")

    record_property("release_edit_rebuild_seconds", round(rebuild.seconds, 1))
    print(f"rebuild after editing {edit} took {rebuild.seconds:.1f} s")
    assert rebuild.step_states("COPY . /src/") == ["RAN", "RAN"]  # project-view's and project-build's
    assert rebuild.step_states("poetry export") == ["CACHED"]


def test_version_bump_image_reports_the_new_version(
    docker: DockerEngine, build_image: Callable[..., Build], locked_project: Project, tmp_path: Path
) -> None:
    project = locked_project.copy_to(tmp_path / "project")
    version = f"0.2.{uuid.uuid4().int % 10**6}"
    pyproject = project.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', f'version = "{version}"', 1))

    tag = build_image(project).tag

    probe = "import importlib.metadata; print(importlib.metadata.version('my-project'))"
    assert docker.run(tag, "python", "-c", probe) == f"{version}\n"
    assert docker.run(tag, "my-project", "--version").endswith(f"version {version}\n")
