"""The generated project works: its wheel installs and runs, its README's commands and own checks pass."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import findpython
import pytest
import yaml

from tests.commands import run_checked, run_command
from tests.conftest import Project, path_with_tools, user_environment
from tests.http import free_port
from tests.http import health as health_body
from tests.readme_commands import console_blocks
from tests.template import APP_KINDS, DEFAULTS, default_database

pytestmark = pytest.mark.slow


def interpreter(version: str) -> Path:
    """A Python of the given minor version on this machine (the one Poetry would pick)."""
    found = findpython.find(version)
    if found is None:
        pytest.fail(f"Python {version} is needed for this test and was not found")
    return Path(found.executable)


@pytest.fixture(scope="session")
def install(installed: Callable[..., Project]) -> Callable[..., Project]:
    """The bake of an app kind (other answers as given) after the README's first command, `poetry install`."""

    def install_kind(kind: str, **answers: str) -> Project:
        return installed(app_kind=kind, **answers)

    return install_kind


@pytest.fixture(params=APP_KINDS, ids=[f"app_kind={kind}" for kind in APP_KINDS])
def installed_project(request: pytest.FixtureRequest, install: Callable[[str], Project]) -> Project:
    """Each app kind's project, installed."""
    return install(request.param)


@pytest.fixture
def installed_default(install: Callable[[str], Project]) -> Project:
    """The default project, installed: for checks that do not depend on the app kind."""
    return install(DEFAULTS["app_kind"])


def health(port: int) -> dict[str, str]:
    return dict(json.loads(health_body(port)))


@contextmanager
def serving(project: Project, command: str, environment: dict[str, str] | None = None) -> Iterator[list[str]]:
    """Run a README command that serves until stopped; stop it as `docker stop` does, on leaving.

    Yields a list that holds the server's output lines once it has stopped with exit code 0.
    """
    output: list[str] = []
    # `exec`, so that the signal reaches the command, not bash; after any `NAME=value` prefix.
    parts = re.fullmatch(r"((?:\w+=\S*\s+)*)(.*)", command)
    assert parts is not None
    assignments, program = parts.groups()
    with subprocess.Popen(
        ["bash", "-c", f"{assignments}exec {program}"],
        cwd=project.path,
        env=environment or user_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        try:
            yield output
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                printed, _ = server.communicate(timeout=30)
            finally:
                server.kill()
    output.extend(printed.splitlines())
    assert server.returncode == 0, "\n".join(output)


# A command of each kind that ends by itself, and what it prints.
SCRIPT_RUNS = {
    "cli": ([], "Hello, World!\n"),
    "web": (["--version"], "my-project, version 0.1.0\n"),
}


def test_every_app_kind_has_a_script_run() -> None:
    assert set(SCRIPT_RUNS) == set(APP_KINDS)


@pytest.mark.parametrize("kind", APP_KINDS)
def test_wheel_builds_through_pep_517_installs_and_its_script_runs(
    bake: Callable[..., Project], tmp_path: Path, kind: str
) -> None:
    default_project = bake(app_kind=kind)
    python = interpreter(default_project.answers["python_version"])
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", venv], check=True)
    wheels = tmp_path / "wheels"

    default_project.run(venv / "bin/pip", "wheel", "--no-deps", "--wheel-dir", wheels, ".")
    (wheel,) = wheels.glob("*.whl")
    default_project.run(venv / "bin/pip", "install", wheel)

    assert wheel.name == "my_project-0.1.0-py3-none-any.whl"
    arguments, printed = SCRIPT_RUNS[kind]
    assert default_project.run(venv / "bin/my-project", *arguments).stdout == printed
    as_module = default_project.run(venv / "bin/python", "-m", "my_project", "--version")
    assert as_module.stdout == "python -m my_project, version 0.1.0\n"


def first_commands(project: Project) -> list[str]:
    return next(iter(console_blocks(project.read("README.md")).values()))


def test_readme_first_commands_install_and_greet(install: Callable[[str], Project]) -> None:
    project = install("cli")

    assert first_commands(project) == ["poetry install", "poetry run my-project"]
    outputs = [run_shell(project, command) for command in first_commands(project)]
    assert outputs[-1] == "Hello, World!\n"
    assert (project.path / "poetry.lock").is_file()


def test_readme_first_commands_serve_the_web_app_on_loopback_for_development(
    install: Callable[[str], Project],
) -> None:
    """The port is a free one (through the environment, as the README's settings table says)."""
    project = install("web")
    install_command, dev = first_commands(project)

    assert (install_command, dev) == ("poetry install", "poetry run my-project dev")
    run_shell(project, install_command)
    port = free_port()
    app = project.path / "src/my_project/app.py"
    source = app.read_text()
    try:
        with serving(project, dev, {**user_environment(), "MY_PROJECT_PORT": str(port)}) as output:
            assert health(port) == {"status": "ok", "version": "0.1.0"}
            # An edit is served without a restart by hand.
            app.write_text(source.replace('{"status": "ok"', '{"status": "edited"'))
            deadline = time.monotonic() + 60
            while health(port)["status"] != "edited":
                assert time.monotonic() < deadline, "the edit was not served"
                time.sleep(0.2)
    finally:
        app.write_text(source)
    assert any(f"Uvicorn running on http://127.0.0.1:{port}" in line for line in output), output
    assert any("Started reloader process" in line for line in output), output


def test_readme_first_commands_make_the_virtual_environment_in_dot_venv(installed_project: Project) -> None:
    environment_path = run_shell(installed_project, "poetry env info --path").strip()

    assert Path(environment_path) == installed_project.path / ".venv"
    assert (installed_project.path / ".venv" / "bin" / installed_project.slug).is_file()


def test_readme_use_commands_run_as_written_for_the_cli(install: Callable[[str], Project]) -> None:
    project = install("cli")
    commands = console_blocks(project.read("README.md"))["Use"]

    assert [run_shell(project, command) for command in commands] == [
        "Hello, Ada!\n",
        "python -m my_project, version 0.1.0\n",
    ]


def test_readme_use_commands_run_as_written_for_the_web_app(install: Callable[[str], Project]) -> None:
    """The server's port is a free one instead of the README's 8001; it runs until stopped."""
    project = install("web")
    version, serve = console_blocks(project.read("README.md"))["Use"]
    port = free_port()

    assert run_shell(project, version) == "my-project, version 0.1.0\n"
    assert serve == "MY_PROJECT_PORT=8001 poetry run my-project"
    with serving(project, serve.replace("8001", str(port))) as output:
        assert health(port) == {"status": "ok", "version": "0.1.0"}
    # Not a terminal: every line is JSON, the access log included.
    entries = [json.loads(line) for line in output]
    assert any(entry.get("path") == "/health" and entry.get("status") == 200 for entry in entries), output
    assert any(f"Uvicorn running on http://0.0.0.0:{port}" in entry["message"] for entry in entries), output


def without_a_database(kind: str) -> dict[str, str]:
    """The answers for an app kind without a database: its default, or `database=none` where the
    default has one (whose tests need a server: tests/docker/test_project_database.py runs them)."""
    return {"app_kind": kind} if default_database(kind) == "none" else {"app_kind": kind, "database": "none"}


@pytest.mark.parametrize("kind", APP_KINDS, ids=[f"app_kind={kind}-database=none" for kind in APP_KINDS])
def test_readme_develop_commands_pass(installed: Callable[..., Project], kind: str) -> None:
    installed_project = installed(**without_a_database(kind))
    commands = console_blocks(installed_project.read("README.md"))["Develop"]

    assert commands == ["make install", "make lint", "make typecheck", "make test"]
    install, lint, typecheck, test = (run_shell(installed_project, command) for command in commands)
    # The default bake is a git repository: `make install` put pre-commit's hook in place.
    assert "pre-commit installed at .git/hooks/pre-commit" in install
    assert "poetry run ruff check ." in lint
    assert "poetry run ruff format --check ." in lint
    assert "poetry run hadolint Dockerfile" in lint
    assert "Success: no issues found" in typecheck
    assert "Required test coverage of" in test


@pytest.mark.parametrize(
    ("target", "sloppy_code", "complaint"),
    [
        pytest.param("lint", "import os\n", "F401", id="lint-unused-import"),
        pytest.param("lint", "x  =  1\n", "would be reformatted", id="lint-unformatted"),
        pytest.param("typecheck", 'x: int = "one"\n', "Incompatible types in assignment", id="typecheck"),
        # What the README promises beyond "runs the tool": ruff's bug and security rules, mypy's
        # strict mode, and the coverage minimum. Each fails if its setting is weakened.
        pytest.param("lint", "def f(x=[]):\n    return x\n", "B006", id="lint-bugbear"),
        pytest.param("lint", 'import subprocess\nsubprocess.call("ls", shell=True)\n', "S602", id="lint-security"),
        pytest.param("typecheck", "def f(x):\n    return x\n", "missing a type annotation", id="typecheck-strict"),
        pytest.param(
            "test",
            "".join(f"def never_called_{n}() -> int:\n    return {n}\n\n\n" for n in range(60)),
            "Required test coverage of 90.0% not reached",
            id="test-coverage-minimum",
        ),
    ],
)
def test_make_check_targets_fail_on_sloppy_code(
    installed_default: Project, target: str, sloppy_code: str, complaint: str
) -> None:
    sloppy = installed_default.path / "src" / installed_default.package / "sloppy.py"
    sloppy.write_text(sloppy_code)
    try:
        completed = run_command(["make", target], cwd=installed_default.path, env=user_environment())
    finally:
        sloppy.unlink()

    assert completed.returncode != 0
    assert complaint in completed.stdout + completed.stderr


def run_shell(project: Project, command: str, environment: dict[str, str] | None = None) -> str:
    """Run one README line with bash, as a user would paste it; return its standard output."""
    return shell(project, command, environment).stdout


def shell(
    project: Project, command: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one command line with bash in a user's environment; on failure, fail the test with its output."""
    return run_checked(["bash", "-c", command], cwd=project.path, env=environment or user_environment())


def test_make_format_fixes_what_make_lint_reports(installed_default: Project) -> None:
    sloppy = installed_default.path / "src" / installed_default.package / "sloppy.py"
    sloppy.write_text("import sys\nimport os\nx  =  os.sep\n")
    try:
        run_shell(installed_default, "make format")
        formatted = sloppy.read_text()
        run_shell(installed_default, "make lint")
    finally:
        sloppy.unlink()

    assert formatted == "import os\n\nx = os.sep\n"


# What answers `pythonX.Y` on a machine: the interpreter itself, or a pyenv shim for a version pyenv
# has installed but not activated, which exists on PATH and fails when run (as on this machine).
FAILING_SHIM = '#!/bin/sh\necho "pyenv: $(basename "$0"): command not found" >&2\nexit 127\n'


@pytest.mark.parametrize("command_on_path", ["interpreter", "failing-shim"])
def test_after_make_install_no_poetry_run_warns_about_the_python_version(
    default_project: Project, tmp_path: Path, command_on_path: str
) -> None:
    version = default_project.answers["python_version"]
    project = default_project.copy_to(tmp_path / "project")
    commands = tmp_path / "bin"
    commands.mkdir()
    python = commands / f"python{version}"
    if command_on_path == "interpreter":
        python.symlink_to(interpreter(version))
    else:
        python.write_text(FAILING_SHIM)
        python.chmod(0o755)
    environment = {**user_environment(), "PATH": f"{commands}{os.pathsep}{path_with_tools()}"}

    outputs = [
        shell(project, command, environment)
        for command in ("make install", f"poetry run {project.slug}", "poetry run python -V")
    ]

    expected_use = (
        f"poetry env use python{version}" if command_on_path == "interpreter" else f"poetry env use {version}"
    )
    assert expected_use in outputs[0].stdout
    assert outputs[-1].stdout.startswith(f"Python {version}.")
    for completed in outputs:
        assert "is not supported by the project" not in completed.stdout + completed.stderr


def test_pre_commit_local_hooks_run_the_dev_groups_tools_and_pass(installed_default: Project, tmp_path: Path) -> None:
    """The ruff, hadolint and mypy hooks, run by pre-commit itself on every file of the project.

    The standard hooks' repository cannot be cloned here (tests/project/test_toolchain.py runs their scripts),
    so pre-commit runs a copy of the config with its local hooks only.
    """
    config = yaml.safe_load(installed_default.read(".pre-commit-config.yaml"))
    local_hooks = tmp_path / "local-hooks.yaml"
    local_hooks.write_text(yaml.safe_dump({"repos": [repo for repo in config["repos"] if repo["repo"] == "local"]}))
    run_shell(installed_default, "git add --all")  # `--all-files` means the files git tracks

    ran = run_shell(installed_default, f"poetry run pre-commit run --config {local_hooks} --all-files")

    passed = re.findall(r"^(.+?)\.{3,}Passed$", ran, flags=re.MULTILINE)
    assert passed == ["ruff check", "ruff format", "hadolint", "mypy"]


def test_a_new_setting_fails_the_projects_tests_until_it_is_documented(installed: Callable[..., Project]) -> None:
    """The project's own tests hold its README table and .env.example to the Settings class. Without a
    database: the check is the same, and the tests of a project with one need a server."""
    project = installed(**without_a_database("web"))
    settings = project.path / "src" / project.package / "settings.py"
    original = settings.read_text()
    new_field = '\n    request_timeout: int = Field(default=30, description="Seconds a request may take.")\n'
    # The last line of the Settings class: load_settings() follows it.
    end_of_class = original.index("\n\ndef load_settings(")
    settings.write_text(original[:end_of_class] + new_field + original[end_of_class:])
    try:
        undocumented = run_command(
            ["bash", "-c", "poetry run pytest --no-cov -q tests/test_settings.py"],
            cwd=project.path,
            env=user_environment(),
        )
    finally:
        settings.write_text(original)
    documented = shell(project, "poetry run pytest --no-cov -q tests/test_settings.py")

    assert undocumented.returncode == 1, undocumented.stdout
    failed = [line for line in undocumented.stdout.splitlines() if line.startswith("FAILED")]
    assert any("readme_table_shows_every_setting" in line for line in failed), undocumented.stdout
    assert any("env_example_shows_every_setting" in line for line in failed), undocumented.stdout
    assert "MY_PROJECT_REQUEST_TIMEOUT" in undocumented.stdout
    assert " passed" in documented.stdout
