"""The image leaks nothing and asks for no privileges: build context, secrets, user, filesystem."""

from __future__ import annotations

import re
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GIT_IDENTITY, Project, package_index_environment, path_with_tools, tool
from tests.docker.build_context import KEPT_OUT, SECRETS_AT_ANY_DEPTH
from tests.docker.engine import Build, DockerEngine
from tests.docker.private_index import private_index

pytestmark = pytest.mark.docker

STAGES = ("os-base", "poetry-base", "app-base", "main")


def assert_nowhere_in(docker: DockerEngine, image: str, secret: str) -> None:
    """Not in any layer, nor in the image's config or history."""
    assert secret.encode() not in docker.image_bytes(image)
    assert secret not in docker.call("history", "--no-trunc", image).stdout
    assert secret not in docker.call("image", "inspect", image).stdout


def plant(project: Project, relatives: list[str], marker: str) -> dict[str, str]:
    """Write each file with a marker of its own; returns marker -> file."""
    planted = {}
    for index, relative in enumerate(relatives):
        own = f"{marker}-{index}x"
        path = project.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"SECRET={own}\n")
        planted[own] = relative
    return planted


def test_dockerignore_keeps_secrets_caches_and_git_out_of_every_stage_at_any_depth(
    docker: DockerEngine, build_image: Callable[..., Build], locked_project: Project, tmp_path: Path
) -> None:
    """Every stage's every layer: what a cache export (`--cache-to ...,mode=max`) would hold.

    Docker 20.10's built-in BuildKit cannot export a cache (`--cache-to` needs buildx), so the test
    reads the same layers where the local build cache keeps them: one image per stage, saved.
    """
    project = locked_project.copy_to(tmp_path / "project")
    marker = f"leak-{uuid.uuid4().hex}"
    package_folder = f"src/{project.package}"
    planted = plant(
        project,
        [*KEPT_OUT, *SECRETS_AT_ANY_DEPTH, *(f"{package_folder}/{relative}" for relative in SECRETS_AT_ANY_DEPTH)],
        marker,
    )
    found = re.compile(re.escape(marker).encode() + rb"-\d+x")

    for target in STAGES:
        image = build_image(project, target=target).tag
        leaked = {planted[match.decode()] for match in found.findall(docker.image_bytes(image))}
        assert not leaked, f"{target} holds {sorted(leaked)}"
        assert marker not in docker.call("history", "--no-trunc", image).stdout
        assert marker not in docker.call("image", "inspect", image).stdout


def test_dockerignore_exception_lets_one_kept_out_file_back_in(
    docker: DockerEngine, build_image: Callable[..., Build], locked_project: Project, tmp_path: Path
) -> None:
    """The `!` line docs/docker.md suggests for a package that ships a real database file."""
    project = locked_project.copy_to(tmp_path / "project")
    (exception,) = re.findall(r"`(!src/[^`]+)`", project.read("docs/docker.md"))
    wanted = exception.removeprefix("!")
    planted = plant(project, [wanted, f"{Path(wanted).parent}/other.db"], "data")
    dockerignore = project.path / ".dockerignore"
    dockerignore.write_text(dockerignore.read_text() + f"{exception}\n")

    image = build_image(project).tag

    installed = Path(wanted).parent.relative_to("src")
    shipped = docker.run(image, "sh", "-c", f"cat /app/.venv/lib/python3*/site-packages/{installed}/*.db")
    assert shipped.split() == [f"SECRET={own}" for own, relative in planted.items() if relative == wanted]


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if ".dist-info/" not in name}


def test_wheel_in_main_holds_what_a_wheel_built_from_the_git_repository_holds(
    docker: DockerEngine, build_image: Callable[..., Build], locked_project: Project, tmp_path: Path
) -> None:
    """The image's build has no .git, yet honours every .gitignore, nested ones too, as git would."""
    project = locked_project.copy_to(tmp_path / "project")
    package = project.package
    plant(
        project,
        [
            *(f"src/{package}/{name}" for name in ("id_rsa", ".npmrc", "db.sqlite3", "secrets/token.txt")),
            f"src/{package}/notes.local.txt",  # ignored by the root .gitignore
            f"src/{package}/scratch/draft.py",  # ignored by src/<package>/.gitignore
            f"src/{package}/data/seed.csv",  # ignored too, but listed in `include`: it ships
            f"src/{package}/data/schema.json",  # ignored nowhere: ships
        ],
        "gitignored",
    )
    with (project.path / ".gitignore").open("a") as root_ignore:
        root_ignore.write("id_rsa\n.npmrc\n*.sqlite3\nsecrets/\n*.local.txt\n*.csv\n")
    (project.path / f"src/{package}/.gitignore").write_text("scratch/\n")
    include = f'include = [{{ path = "src/{package}/data/seed.csv", format = ["sdist", "wheel"] }}]'
    pyproject = project.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.poetry]\n", f"[tool.poetry]\n{include}\n", 1))
    environment = {**GIT_IDENTITY, "PATH": path_with_tools()}
    project.run("git", "init", "--quiet", env=environment)
    project.run("git", "add", "--all", env=environment)
    project.run("git", "commit", "--quiet", "--message", "Planted", env=environment)
    project.run(tool("poetry"), "build", "--no-interaction", "--format", "wheel", "--output", tmp_path / "dist")
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    from_repository = wheel_files(wheel)
    assert f"{package}/data/seed.csv" in from_repository
    assert f"{package}/notes.local.txt" not in from_repository

    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    record = docker.run(
        build_image(project).tag, "sh", "-c", f"cat /app/.venv/lib/python3*/site-packages/{dist_info}/RECORD"
    )
    installed = {line.split(",")[0] for line in record.splitlines()}
    in_main = {name for name in installed if ".dist-info/" not in name and "__pycache__" not in name}
    assert {name for name in in_main if not name.startswith("../")} == from_repository


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


def test_main_adds_no_package_manager_lists_caches_or_files_in_roots_home(
    docker: DockerEngine, image: str, base_image: str
) -> None:
    places = ("/var/lib/apt/lists", "/var/cache", "/root", "/tmp", "/var/tmp", "-mindepth", "1")

    assert files_found(docker, image, *places) <= files_found(docker, base_image, *places)


def test_main_adds_one_home_the_app_user_owns_and_it_is_empty(
    docker: DockerEngine, image: str, base_image: str
) -> None:
    homes = ("/home", "-mindepth", "1")

    assert files_found(docker, image, *homes) - files_found(docker, base_image, *homes) == {"/home/app"}
    assert docker.run(image, "stat", "-c", "%u:%g %a", "/home/app", options=("--user", "0")) == "10001:10001 700\n"
    assert docker.run(image, "sh", "-c", 'echo "$HOME"; getent passwd 10001 | cut -d: -f6') == "/home/app\n/home/app\n"


def test_root_still_owns_the_code_in_app(docker: DockerEngine, image: str) -> None:
    owners = docker.run(image, "find", "/app", "-not", "-user", "0", options=("--user", "0"))

    assert owners == ""
