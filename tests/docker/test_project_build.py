"""The Dockerfile's helper program, docker/project_build.py, run on this machine without Docker.

In the image, `view` runs on the base image's Python and `build` on Poetry's; here both run on the
test environment's Python, which has what Poetry's environment has (poetry-core, dulwich, installer).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from tests.conftest import Project, tool
from tests.template import TEMPLATE_DIR

HELPER = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "docker" / "project_build.py"
LOCKS = TEMPLATE_DIR / "tests" / "data" / "locks"


def load_helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("project_build", HELPER)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


project_build = load_helper()

BUILD_SYSTEM = '[build-system]\nrequires = ["poetry-core>=2,<3"]\nbuild-backend = "poetry.core.masonry.api"\n'


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def library(name: str, dependencies: str = "", extra: str = "") -> dict[str, str]:
    """A one-module Poetry library `name` (folder libs/<name>), with [tool.poetry.dependencies]."""
    package = name.replace("-", "_")
    return {
        f"libs/{name}/pyproject.toml": f'[project]\nname = "{name}"\nversion = "1.0"\n'
        f'requires-python = ">=3.11"\n{extra}\n[tool.poetry]\npackages = [{{ include = "{package}" }}]\n'
        f"[tool.poetry.dependencies]\n{dependencies}\n{BUILD_SYSTEM}",
        f"libs/{name}/{package}/__init__.py": f'NAME = "{name}"\n',
    }


def test_the_generated_helper_is_the_file_tested_here(default_project: Project) -> None:
    """Rendering leaves the helper as it is (it holds no template syntax), so these tests hold for it."""
    assert (default_project.path / "docker/project_build.py").read_bytes() == HELPER.read_bytes()


# -- view ---------------------------------------------------------------------------------------


def view_of(pyproject: str, tmp_path: Path) -> str:
    project = write_tree(tmp_path / "project", {"pyproject.toml": pyproject})
    project_build.write_view(project, tmp_path / "view")
    return (tmp_path / "view" / "pyproject.toml").read_text(encoding="utf-8")


def test_the_docs_command_shows_the_view_of_a_project(default_project: Project, tmp_path: Path) -> None:
    """docs/docker.md's command, with this Python for `python3` (which may predate tomllib)."""
    docs = " ".join(default_project.read("docs/docker.md").split())
    (command,) = re.findall(r"run `(python3 docker/project_build\.py view /tmp/view)` in its folder", docs)
    words = command.replace("/tmp/view", str(tmp_path / "view")).split()

    default_project.run(sys.executable, *words[1:])

    view = tomllib.loads((tmp_path / "view" / "pyproject.toml").read_text())
    assert view["project"]["dependencies"] == default_project.pyproject["project"]["dependencies"]
    assert "readme" not in view["project"]


def test_view_is_the_same_after_a_release_edit(default_project: Project, tmp_path: Path) -> None:
    pyproject = default_project.read("pyproject.toml")
    released = (
        pyproject.replace('version = "0.1.0"', 'version = "2.0.0"')
        .replace("description = ", 'description = "Now with more" #')
        .replace("[tool.ruff]", "[tool.ruff]\nfix = true")
    )
    assert released != pyproject

    assert view_of(released, tmp_path / "released") == view_of(pyproject, tmp_path / "original")


def test_view_changes_with_the_dependencies(default_project: Project, tmp_path: Path) -> None:
    pyproject = default_project.read("pyproject.toml")
    added = pyproject.replace('"click>=8.1,<9"', '"click>=8.1,<9", "tomli-w>=1"')

    assert view_of(added, tmp_path / "added") != view_of(pyproject, tmp_path / "original")


def test_view_keeps_what_decides_the_dependencies_and_drops_the_rest(tmp_path: Path) -> None:
    pyproject = """\
[project]
name = "shop"
version = "3.1.4"
description = "drop me"
requires-python = ">=3.11"
dependencies = ["click>=8"]
optional-dependencies = { toml = ["tomli-w"] }
scripts = { shop = "shop:main" }

[dependency-groups]
docs = ["mkdocs"]

[tool.poetry]
packages = [{ include = "shop" }]
source = [{ name = "acme", url = "https://example.invalid/simple/", priority = "supplemental" }]

[tool.poetry.group.dev.dependencies]
pytest = "*"

[tool.ruff]
line-length = 100
"""
    view = tomllib.loads(view_of(pyproject, tmp_path))

    assert view["project"] == {
        "name": "shop",
        "version": "0",
        "requires-python": ">=3.11",
        "dependencies": ["click>=8"],
        "optional-dependencies": {"toml": ["tomli-w"]},
    }
    assert view["dependency-groups"] == {"docs": ["mkdocs"]}
    assert view["tool"] == {
        "poetry": {
            "source": [{"name": "acme", "url": "https://example.invalid/simple/", "priority": "supplemental"}],
            "group": {"dev": {"dependencies": {"pytest": "*"}}},
        }
    }


@pytest.mark.parametrize(
    "value",
    [
        'quote " backslash \\ tab \t newline \n',
        "control \x01 \x1f delete \x7f",
        "unicode é 東京 😀",
        ["nested", ["list"], {"in": "table"}],
        {"a key with spaces": {"and.dots": True}},
        0,
        -7,
        1.5,
        float("inf"),
        False,
    ],
    ids=repr,
)
def test_toml_writer_round_trips_through_tomllib(value: object) -> None:
    document = {"key": value}

    assert tomllib.loads(project_build.toml_document(document)) == document


def test_view_passes_poetrys_lock_check_with_the_projects_lock(default_project: Project, tmp_path: Path) -> None:
    """The view keeps everything Poetry hashes: the committed lock snapshot is still fresh for it."""
    project = default_project.copy_to(tmp_path / "project")
    version = project.answers["python_version"]
    (project.path / "poetry.lock").write_bytes((LOCKS / f"cli-py{version}.lock").read_bytes())
    project.run(tool("poetry"), "check", "--lock", "--no-interaction")

    project_build.write_view(project.path, tmp_path / "view")

    assert (tmp_path / "view" / "poetry.lock").read_bytes() == (project.path / "poetry.lock").read_bytes()
    project.run(tool("poetry"), "check", "--lock", "--no-interaction", "--directory", tmp_path / "view")


# -- path dependencies ------------------------------------------------------------------------


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """An app with path dependencies: required, in an optional group, behind an extra, and nested."""
    files = {
        **library("core"),
        **library("text", 'core = { path = "../core" }'),
        **library("testkit"),
        **library("fancy"),
        "apps/web/pyproject.toml": """\
[project]
name = "web"
version = "1.0"
requires-python = ">=3.11"
dependencies = ["text"]

[project.optional-dependencies]
fancy = ["fancy"]

[tool.poetry]
packages = [{ include = "web" }]

[tool.poetry.dependencies]
text = { path = "../../libs/text", develop = true }
fancy = { path = "../../libs/fancy", optional = true }

[tool.poetry.group.test]
optional = true

[tool.poetry.group.test.dependencies]
testkit = { path = "../../libs/testkit" }
"""
        + BUILD_SYSTEM,
        "apps/web/web/__init__.py": "",
    }
    return write_tree(tmp_path / "repository", files)


def built_names(monorepo: Path, groups: list[str], extras: set[str]) -> list[str]:
    return [path.name for path in project_build.projects_to_build(monorepo / "apps/web", groups, extras)]


def test_builds_the_required_path_dependencies_theirs_first_then_the_app(monorepo: Path) -> None:
    assert built_names(monorepo, ["main"], set()) == ["text", "core", "web"]


def test_builds_a_path_dependency_of_an_optional_group_only_when_asked(monorepo: Path) -> None:
    assert "testkit" in built_names(monorepo, ["main", "test"], set())


def test_builds_an_optional_path_dependency_for_its_extra_or_all_extras(monorepo: Path) -> None:
    assert "fancy" in built_names(monorepo, ["main"], {"fancy"})
    assert "fancy" in built_names(monorepo, ["main"], {"*"})
    assert "fancy" not in built_names(monorepo, ["main"], {"other"})


def test_a_non_package_project_builds_only_its_path_dependencies(monorepo: Path) -> None:
    pyproject = monorepo / "apps/web/pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.poetry]\n", "[tool.poetry]\npackage-mode = false\n"))

    assert built_names(monorepo, ["main"], set()) == ["text", "core"]


# -- git-ignored files ----------------------------------------------------------------------------


def test_removes_what_gitignore_files_ignore_at_any_depth_except_wheel_includes(tmp_path: Path) -> None:
    context = write_tree(
        tmp_path / "context",
        {
            ".gitignore": "*.local\nsecrets/\n*.csv\n!keep.local\n",
            "pyproject.toml": '[tool.poetry]\ninclude = [{ path = "pkg/data/*.csv", format = ["sdist", "wheel"] },'
            ' "pkg/sdist-only.local"]\n',
            "pkg/notes.local": "",
            "pkg/keep.local": "",
            "pkg/sdist-only.local": "",
            "pkg/secrets/token.txt": "",
            "pkg/data/seed.csv": "",
            "pkg/nested/.gitignore": "scratch/\n",
            "pkg/nested/scratch/draft.py": "",
            "pkg/module.py": "",
        },
    )

    project_build.remove_git_ignored(context, [context])

    remaining = sorted(p.relative_to(context).as_posix() for p in context.rglob("*") if p.is_file())
    assert remaining == [
        ".gitignore",
        "pkg/data/seed.csv",
        "pkg/keep.local",
        "pkg/module.py",
        "pkg/nested/.gitignore",
        "pyproject.toml",
    ]


# -- build ----------------------------------------------------------------------------------------


@pytest.fixture
def built(default_project: Project, tmp_path: Path) -> tuple[Project, Path]:
    """The default project built and installed by the helper, as project-build does."""
    project = default_project.copy_to(tmp_path / "src")
    project_build.build(project.path, project.path, tmp_path / "out", ["main"], set(), "")
    return project, tmp_path / "out"


def site_packages(out: Path) -> Path:
    (found,) = (out / "app/.venv/lib").glob("python3*/site-packages")
    return found


def test_installs_the_project_as_a_wheel_under_the_venvs_path(built: tuple[Project, Path]) -> None:
    project, out = built
    package = site_packages(out) / project.package

    assert (package / "__init__.py").is_file()
    assert list((package / "__pycache__").glob("*.pyc")), "byte-compiled at build time"
    (dist_info,) = site_packages(out).glob("*.dist-info")
    assert (dist_info / "RECORD").is_file()
    assert not (dist_info / "direct_url.json").exists(), "a real install, not an editable one"


def test_console_scripts_run_the_venvs_python(built: tuple[Project, Path]) -> None:
    project, out = built
    script = (out / "app/.venv/bin" / project.slug).read_text(encoding="utf-8")

    assert script.startswith("#!/app/.venv/bin/python\n")


def test_wheel_holds_no_git_ignored_file(default_project: Project, tmp_path: Path) -> None:
    project = default_project.copy_to(tmp_path / "src")
    (project.path / f"src/{project.package}/local.db").write_text("secret")
    with (project.path / ".gitignore").open("a") as ignore:
        ignore.write("*.db\n")
    dist = tmp_path / "dist"
    dist.mkdir()

    project_build.remove_git_ignored(project.path, [project.path])
    wheel = project_build.build_wheel(project.path, dist)

    assert f"{project.package}/local.db" not in zipfile.ZipFile(wheel).namelist()


def test_build_leaves_git_ignored_files_out_of_the_install_with_no_git_folder(
    default_project: Project, tmp_path: Path
) -> None:
    """As in project-build, whose context has no .git (.dockerignore): poetry-core alone would
    then package what .gitignore ignores."""
    project = default_project.copy_to(tmp_path / "src")
    shutil.rmtree(project.path / ".git", ignore_errors=True)
    (project.path / f"src/{project.package}/local.db").write_text("secret")
    with (project.path / ".gitignore").open("a") as ignore:
        ignore.write("*.db\n")

    project_build.build(project.path, project.path, tmp_path / "out", ["main"], set(), "")

    assert (site_packages(tmp_path / "out") / project.package / "__init__.py").is_file()
    assert not list(site_packages(tmp_path / "out").rglob("local.db"))


def test_command_line_build_reads_the_build_arguments_from_the_environment(
    default_project: Project, tmp_path: Path, run_launcher: Callable[..., Launched]
) -> None:
    project = default_project.copy_to(tmp_path / "src")

    subprocess.run(
        [sys.executable, HELPER, "build", tmp_path / "out", "--context", project.path],
        cwd=project.path,
        env={"APP_SCRIPT": "python -m " + project.package, "PATH": "/usr/bin:/bin"},
        check=True,
    )

    launch = (tmp_path / "out/app/launch").read_text(encoding="utf-8")
    assert run_launcher(launch).command == ["python", "-m", project.package]


# -- the launcher ---------------------------------------------------------------------------------
# /app/launch, run by sh as dumb-init runs it in the image, with a PATH of stub programs that print
# their process id, then their name and arguments: what the launcher ran, and how.

STUB = '#!/bin/sh\nprintf "%s\\n" "$$" "${0##*/}" "$@"\n'
APP = "my-project"
# echo is a shell builtin too, and a file on PATH: what `docker run IMAGE echo hi` runs.
PROGRAMS_ON_PATH = (APP, "python", "sh", "echo")


class Launched(NamedTuple):
    command: list[str]  # the program's name, then its arguments
    in_place: bool  # the program replaced the launcher's process (exec) instead of being its child


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def run_launcher(tmp_path: Path) -> Callable[..., Launched]:
    """Run a launcher's text with arguments, in a folder that holds an executable `./run.sh` and a
    plain `./notes.txt`; `tmp_path/elsewhere/tool` is executable but not on PATH."""
    programs = tmp_path / "bin"
    for name in PROGRAMS_ON_PATH:
        executable(programs / name, STUB)
    executable(tmp_path / "elsewhere" / "tool", STUB)
    work = tmp_path / "work"
    executable(work / "run.sh", STUB)
    (work / "notes.txt").write_text("not a program\n", encoding="utf-8")

    def run(launcher: str, *arguments: str) -> Launched:
        launch = executable(tmp_path / "launch", launcher)
        with subprocess.Popen(
            ["/bin/sh", launch, *arguments], cwd=work, env={"PATH": str(programs)}, stdout=subprocess.PIPE, text=True
        ) as process:
            printed, _ = process.communicate(timeout=10)
        assert process.returncode == 0, printed
        pid, *command = printed.splitlines()
        return Launched(command, int(pid) == process.pid)

    return run


@pytest.fixture
def launcher(tmp_path: Path) -> str:
    """The launcher of a project whose one console script, APP, was installed."""
    project = write_tree(tmp_path / "project", {"pyproject.toml": f'[project]\nscripts = {{ {APP} = "a:b" }}\n'})
    executable(tmp_path / "scripts" / APP, STUB)
    return project_build.launcher_script(project, tmp_path / "scripts", "")


def test_launcher_starts_the_first_console_script(
    built: tuple[Project, Path], run_launcher: Callable[..., Launched]
) -> None:
    project, out = built
    launch = out / "app/launch"

    assert launch.stat().st_mode & 0o111
    assert run_launcher(launch.read_text(encoding="utf-8")).command == [project.slug]


def test_launcher_starts_the_app_script_given(tmp_path: Path, run_launcher: Callable[..., Launched]) -> None:
    project = write_tree(tmp_path / "project", {"pyproject.toml": '[project]\nscripts = { one = "a:b" }\n'})

    launcher = project_build.launcher_script(project, tmp_path, "python -m one")

    assert run_launcher(launcher, "--flag").command == ["python", "-m", "one", "--flag"]


def test_launcher_falls_back_to_python_when_no_declared_script_was_installed(
    tmp_path: Path, run_launcher: Callable[..., Launched]
) -> None:
    project = write_tree(tmp_path / "project", {"pyproject.toml": '[project]\nscripts = { one = "a:b" }\n'})

    launcher = project_build.launcher_script(project, tmp_path, "")

    assert run_launcher(launcher).command == ["python"]


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param((), id="no-arguments"),
        pytest.param(("--help",), id="long-option"),
        pytest.param(("-x", "1"), id="short-option"),
        pytest.param(("hello", "--name", "Ada"), id="subcommand-that-is-no-command"),
        pytest.param(("export", "data.csv"), id="shell-builtin-that-is-no-file-on-path"),
        pytest.param(("./notes.txt",), id="path-of-a-file-that-is-not-executable"),
    ],
)
def test_launcher_starts_the_app_with_words_that_name_no_program(
    launcher: str, run_launcher: Callable[..., Launched], arguments: tuple[str, ...]
) -> None:
    assert run_launcher(launcher, *arguments).command == [APP, *arguments]


@pytest.mark.parametrize(
    ("arguments", "program"),
    [
        pytest.param(("python", "-c", "print(6*7)"), "python", id="python-on-path"),
        pytest.param(("sh", "-c", "echo ok"), "sh", id="shell-on-path"),
        pytest.param((APP, "serve"), APP, id="the-apps-own-script"),
        pytest.param(("echo", "hi"), "echo", id="shell-builtin-that-is-a-file-on-path-too"),
        pytest.param(("./run.sh", "now"), "run.sh", id="relative-executable-path"),
    ],
)
def test_launcher_runs_words_that_name_a_program_as_the_command(
    launcher: str, run_launcher: Callable[..., Launched], arguments: tuple[str, ...], program: str
) -> None:
    assert run_launcher(launcher, *arguments).command == [program, *arguments[1:]]


def test_launcher_runs_an_executable_given_by_its_absolute_path(
    launcher: str, run_launcher: Callable[..., Launched], tmp_path: Path
) -> None:
    program = tmp_path / "elsewhere" / "tool"

    assert run_launcher(launcher, str(program), "--verbose").command == ["tool", "--verbose"]


@pytest.mark.parametrize("arguments", [(), ("python",)], ids=["the-app", "a-command"])
def test_launcher_replaces_itself_with_what_it_runs(
    launcher: str, run_launcher: Callable[..., Launched], arguments: tuple[str, ...]
) -> None:
    """exec: in the image the program is dumb-init's own child, which receives the signals it relays."""
    assert run_launcher(launcher, *arguments).in_place
