"""The image leaks nothing and asks for no privileges: build context, secrets, user, filesystem."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project, package_index_environment, tool
from tests.docker.engine import Build, DockerEngine
from tests.docker.private_index import private_index

pytestmark = pytest.mark.docker

# Files a project directory often holds that must never reach an image.
KEPT_OUT = [
    ".env",
    ".env.production",
    "deploy/server.pem",
    "deploy/id_ed25519.key",
    ".git/leak-check",
    ".venv/lib/leak-check.txt",
    "src/my_project/__pycache__/leak.cpython-313.pyc",
    ".mypy_cache/leak-check",
    ".pytest_cache/leak-check",
    "dist/leak-check.whl",
    "build/leak-check",
]


def assert_nowhere_in(docker: DockerEngine, image: str, secret: str) -> None:
    """Not in any layer, nor in the image's config or history."""
    assert secret.encode() not in docker.image_bytes(image)
    assert secret not in docker.call("history", "--no-trunc", image).stdout
    assert secret not in docker.call("image", "inspect", image).stdout


def test_dockerignore_keeps_secrets_caches_and_git_out_of_every_stage(
    docker: DockerEngine, build_image: Callable[..., Build], locked_project: Project, tmp_path: Path
) -> None:
    project = locked_project.copy_to(tmp_path / "project")
    marker = f"leak-{uuid.uuid4().hex}"
    for relative in KEPT_OUT:
        path = project.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"SECRET={marker}\n")

    for target in ("app-base", "main"):  # app-base holds the whole build context that got through
        assert_nowhere_in(docker, build_image(project, target=target).tag, marker)


@pytest.fixture(scope="module")
def private_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny package that exists only on the private index."""
    source = tmp_path_factory.mktemp("acme-private-greeting")
    (source / "acme_private_greeting").mkdir()
    (source / "acme_private_greeting/__init__.py").write_text('MESSAGE = "hello from the private index"\n')
    (source / "pyproject.toml").write_text(
        '[project]\nname = "acme-private-greeting"\nversion = "1.0.0"\n'
        '[build-system]\nrequires = ["poetry-core>=2,<3"]\nbuild-backend = "poetry.core.masonry.api"\n'
    )
    Project(path=source, answers={}).run(tool("poetry"), "build", "--format", "wheel", "--no-interaction")
    (wheel,) = (source / "dist").glob("*.whl")
    return wheel


def test_private_index_credentials_come_as_a_build_secret_and_stay_out_of_the_image(
    docker: DockerEngine,
    build_image: Callable[..., Build],
    default_project: Project,
    private_wheel: Path,
    tmp_path: Path,
) -> None:
    password = f"pw-{uuid.uuid4().hex}"
    project = default_project.copy_to(tmp_path / "project")
    with private_index(private_wheel, "ci", password) as url:
        pyproject = project.path / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text().replace('"click>=8.1,<9"', '"click>=8.1,<9", "acme-private-greeting>=1"')
            + f'\n[[tool.poetry.source]]\nname = "acme"\nurl = "{url}"\npriority = "supplemental"\n'
            + '\n[tool.poetry.dependencies]\nacme-private-greeting = { source = "acme" }\n'
        )
        credentials = {"POETRY_HTTP_BASIC_ACME_USERNAME": "ci", "POETRY_HTTP_BASIC_ACME_PASSWORD": password}
        project.run(tool("poetry"), "lock", "--no-interaction", env={**package_index_environment(), **credentials})
        secret_file = tmp_path / "poetry.env"
        secret_file.write_text("# index credentials\n" + "".join(f"{k}={v}\n" for k, v in credentials.items()))

        without_secret = build_image(project, target="app-base", options=("--network", "host"), check=False)
        assert not without_secret.succeeded, "the private index must refuse a build without credentials"

        options = ("--network", "host", "--secret", f"id=poetry-env,src={secret_file}")
        app_base = build_image(project, target="app-base", options=options).tag
        main = build_image(project, options=options).tag

    probe = "import acme_private_greeting; print(acme_private_greeting.MESSAGE)"
    assert docker.run(main, "python", "-c", probe) == "hello from the private index\n"
    for image in (app_base, main):
        assert_nowhere_in(docker, image, password)


def test_main_runs_with_a_read_only_root_filesystem(docker: DockerEngine, image: str) -> None:
    assert docker.run(image, options=("--read-only",)) == "Hello, World!\n"
    assert docker.run(image, "python", "-m", "my_project", "--version", options=("--read-only",)).startswith(
        "python -m my_project, version"
    )


@pytest.fixture(scope="module")
def base_image(docker: DockerEngine, default_project: Project) -> str:
    return docker.ensure_base_image(default_project.answers["python_version"])


def files_found(docker: DockerEngine, image: str, *find_arguments: str) -> set[str]:
    return set(docker.run(image, "find", *find_arguments, options=("--user", "0")).split())


def test_main_adds_no_setuid_or_setgid_files_to_the_base(docker: DockerEngine, image: str, base_image: str) -> None:
    find = ("/", "-xdev", "-type", "f", "-perm", "/6000")

    assert files_found(docker, image, *find) <= files_found(docker, base_image, *find)


def test_main_adds_no_package_manager_lists_caches_or_home_files(
    docker: DockerEngine, image: str, base_image: str
) -> None:
    places = ("/var/lib/apt/lists", "/var/cache", "/root", "/tmp", "/var/tmp", "-mindepth", "1")

    assert files_found(docker, image, *places) <= files_found(docker, base_image, *places)
