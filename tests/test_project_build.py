"""The Dockerfile's helper program, docker/project_build.py, run on this machine without Docker.

In the image, `view` runs on the base image's Python and `build` on Poetry's; here both run on the
test environment's Python, which has what Poetry's environment has (poetry-core, dulwich, installer).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

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


def test_launcher_starts_the_first_console_script(built: tuple[Project, Path]) -> None:
    project, out = built
    launch = out / "app/launch"

    assert launch.read_text(encoding="utf-8") == f'#!/bin/sh\nexec {project.slug} "$@"\n'
    assert launch.stat().st_mode & 0o111


def test_launcher_starts_the_app_script_given(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {"pyproject.toml": '[project]\nscripts = { one = "a:b" }\n'})

    assert project_build.launcher_script(project, tmp_path, "two --flag") == '#!/bin/sh\nexec two --flag "$@"\n'


def test_launcher_falls_back_to_python_when_no_declared_script_was_installed(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {"pyproject.toml": '[project]\nscripts = { one = "a:b" }\n'})

    assert project_build.launcher_script(project, tmp_path, "") == '#!/bin/sh\nexec python "$@"\n'


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


def test_command_line_build_reads_the_build_arguments_from_the_environment(
    default_project: Project, tmp_path: Path
) -> None:
    project = default_project.copy_to(tmp_path / "src")

    subprocess.run(
        [sys.executable, HELPER, "build", tmp_path / "out", "--context", project.path],
        cwd=project.path,
        env={"APP_SCRIPT": "python -m " + project.package, "PATH": "/usr/bin:/bin"},
        check=True,
    )

    launch = (tmp_path / "out/app/launch").read_text(encoding="utf-8")
    assert launch == f'#!/bin/sh\nexec python -m {project.package} "$@"\n'
