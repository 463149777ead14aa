"""The copied Dockerfile in a monorepo: the app in a subfolder, its own libraries beside it as path
dependencies, the repository root as the build context, built as docs/docker.md says."""

from __future__ import annotations

import json
import shlex
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project, package_index_environment, tool
from tests.docker.engine import Build, DockerEngine
from tests.docker.existing_projects import PROJECTS_DIR
from tests.readme_commands import console_blocks
from tests.template import copy_drop_in

pytestmark = pytest.mark.docker

HEADING = "A monorepo: the app in a subfolder, its libraries beside it"
# Two libraries, one depending on the other, and an app that imports both: each with its own
# pyproject.toml and a third-party dependency of its own. The path dependencies are written both
# ways Poetry 2 reads them, develop = true (what `poetry add --editable` writes) and not.
MONOREPO = PROJECTS_DIR / "monorepo"
OUTPUT = 'web uses core and text = "core"\n'

# Where each library's code comes from in `main`, whether its wheel's RECORD lists that file, and
# its direct_url.json, which pip and Poetry write for a directory (or editable) install.
WHERE = (
    "import importlib.metadata as m, importlib.util as u, json;"
    "dists = {n: m.distribution(n.replace('_', '-')) for n in ('acme_core', 'acme_text', 'acme_web')};"
    "print(json.dumps({n: [u.find_spec(n).origin, f'{n}/__init__.py' in d.read_text('RECORD'),"
    " d.read_text('direct_url.json')] for n, d in dists.items()}))"
)
# Anything of the repository's layout in `main` (the build stages' /src, a libs/ or apps/ folder, a
# pyproject.toml), and any .pth file: an editable install is one that points at a source tree.
LEFTOVERS = (
    "import json, os;"
    "print(json.dumps(sorted(os.path.join(d, n) for d, dirs, files in os.walk('/')"
    " if not d.startswith(('/proc', '/sys', '/usr')) for n in dirs + files"
    " if n in ('libs', 'apps', 'pyproject.toml', 'poetry.lock') or n.endswith('.pth') or d + n == '/src')))"
)


@pytest.fixture(scope="module")
def documented(default_project: Project) -> list[str]:
    """The `docker build` command of docs/docker.md's monorepo section, as words."""
    project = default_project
    (command,) = [
        line.removeprefix("$ ")
        for line in console_blocks(project.read("docs/docker.md"))[HEADING]
        if "docker build" in line
    ]
    return shlex.split(command)


def build_as_documented(
    build_image: Callable[..., Build], repository: Project, documented: list[str], tag: str | None = None
) -> Build:
    """The documented command, run at the repository root, with this test's tag instead of its -t."""
    assert documented[:2] == ["docker", "build"]
    assert documented[-1] == "."
    words = documented[2:-1]
    options: list[str] = []
    build_args: dict[str, str] = {}
    while words:
        flag, value, *words = words
        if flag == "--build-arg":
            name, _, setting = value.partition("=")
            build_args[name] = setting
        elif flag in {"-f", "--file"}:
            options += ["--file", str(repository.path / value)]
        else:
            assert flag in {"-t", "--tag"}, flag
    return build_image(repository, tag=tag, options=tuple(options), **build_args)


def write_monorepo(root: Path, default_project: Project) -> Project:
    """The monorepo, with the app's lock and the template's files where docs/docker.md puts them."""
    shutil.copytree(MONOREPO, root)
    copy_drop_in(default_project.path, root / "apps/web", ignore_to="../../")
    repository = Project(path=root, answers={**default_project.answers, "project_slug": "acme-monorepo"})
    app = Project(path=root / "apps/web", answers=repository.answers)
    app.run(tool("poetry"), "lock", "--no-interaction", env=package_index_environment())
    return repository


@pytest.fixture(scope="module")
def monorepo(default_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    return write_monorepo(tmp_path_factory.mktemp("monorepo") / "acme", default_project)


@pytest.fixture(scope="module")
def monorepo_image(build_image: Callable[..., Build], monorepo: Project, documented: list[str]) -> str:
    return build_as_documented(build_image, monorepo, documented).tag


def test_docs_build_a_monorepo_app_from_the_repository_root_with_project_dir(documented: list[str]) -> None:
    assert "--build-arg" in documented
    assert documented[documented.index("--build-arg") + 1] == "PROJECT_DIR=apps/web"
    assert documented[documented.index("-f") + 1] == "apps/web/Dockerfile"
    assert documented[-1] == "."


def test_monorepo_app_runs_with_both_of_its_libraries(docker: DockerEngine, monorepo_image: str) -> None:
    assert docker.run(monorepo_image) == OUTPUT


def test_monorepo_libraries_are_installed_from_wheels_into_the_venv(docker: DockerEngine, monorepo_image: str) -> None:
    found = json.loads(docker.run(monorepo_image, "python", "-c", WHERE))

    assert sorted(found) == ["acme_core", "acme_text", "acme_web"]
    for name, (origin, recorded, direct_url) in found.items():
        assert origin.startswith("/app/.venv/lib/python"), name
        assert origin.endswith(f"/site-packages/{name}/__init__.py"), name
        assert recorded, name
        assert direct_url is None, name


def test_monorepo_main_holds_no_source_of_the_app_or_its_libraries(docker: DockerEngine, monorepo_image: str) -> None:
    assert docker.run(monorepo_image, "ls", "-A", "/app").split() == [".venv", "launch"]
    assert json.loads(docker.run(monorepo_image, "python", "-c", LEFTOVERS, options=("--user", "0"))) == []


def test_monorepo_main_has_no_poetry(docker: DockerEngine, monorepo_image: str) -> None:
    probe = (
        "import importlib.util, os, shutil;"
        "print(shutil.which('poetry'), importlib.util.find_spec('poetry'), os.path.exists('/opt/poetry'))"
    )

    assert docker.run(monorepo_image, "python", "-c", probe) == "None None False\n"


def test_monorepo_builds_with_the_dockerfile_at_the_repository_root(
    docker: DockerEngine,
    build_image: Callable[..., Build],
    monorepo: Project,
    documented: list[str],
    tmp_path: Path,
) -> None:
    repository = monorepo.copy_to(tmp_path / "acme")
    (repository.path / "apps/web/Dockerfile").rename(repository.path / "Dockerfile")
    at = documented.index("-f")
    without_file = documented[:at] + documented[at + 2 :]

    assert docker.run(build_as_documented(build_image, repository, without_file).tag) == OUTPUT


# Source edits that must rebuild the app without installing its third-party dependencies again.
SOURCE_EDITS = {
    "the app": (
        "apps/web/acme_web/__init__.py",
        'f"web uses',
        'f"web {n} uses',
        'web {n} uses core and text = "core"\n',
    ),
    "a library": (
        "libs/core/acme_core/__init__.py",
        '"core" if',
        '"core{n}" if',
        'web uses core{n} and text = "core{n}"\n',
    ),
}


@pytest.mark.parametrize("edit", SOURCE_EDITS, ids=str)
def test_monorepo_source_edit_rebuilds_without_reinstalling_third_party_dependencies(
    docker: DockerEngine,
    build_image: Callable[..., Build],
    monorepo: Project,
    documented: list[str],
    tmp_path: Path,
    edit: str,
) -> None:
    repository = monorepo.copy_to(tmp_path / "acme")
    build_as_documented(build_image, repository, documented, tag="pdt-test-monorepo-edit")
    relative, old, new, expected = SOURCE_EDITS[edit]
    # A value no earlier build has seen, even one from a previous run on this machine.
    n = uuid.uuid4().int % 10**6
    source = repository.path / relative
    assert old in source.read_text()
    source.write_text(source.read_text().replace(old, new.format(n=n), 1))

    rebuild = build_as_documented(build_image, repository, documented, tag="pdt-test-monorepo-edit")

    assert rebuild.step_states("poetry export") == ["CACHED"]
    assert docker.run(rebuild.tag) == expected.format(n=n)
