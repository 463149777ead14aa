"""The generated project works: its wheel installs and runs, its README's commands and own checks pass."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import findpython
import pytest
import yaml

from tests.conftest import Project, package_index_environment, path_with_tools
from tests.readme_commands import console_blocks

pytestmark = pytest.mark.slow


def interpreter(version: str) -> Path:
    """A Python of the given minor version on this machine (the one Poetry would pick)."""
    found = findpython.find(version)
    if found is None:
        pytest.fail(f"Python {version} is needed for this test and was not found")
    return Path(found.executable)


@pytest.fixture(scope="module")
def installed_project(default_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the default bake after the README's first commands: `poetry install` done."""
    project = default_project.copy_to(tmp_path_factory.mktemp("installed") / default_project.slug)
    run_shell(project, "poetry install --no-interaction")
    return project


def user_environment() -> dict[str, str]:
    """A user's shell: this test environment's tools on PATH and the package index (see
    package_index_url), and no POETRY_VIRTUALENVS_IN_PROJECT, so that only what the project itself
    says (poetry.toml) decides where Poetry puts its environment."""
    environment = {**os.environ, **package_index_environment(), "PATH": path_with_tools()}
    environment.pop("POETRY_VIRTUALENVS_IN_PROJECT", None)
    return environment


def test_wheel_builds_through_pep_517_installs_and_its_script_runs(default_project: Project, tmp_path: Path) -> None:
    python = interpreter(default_project.answers["python_version"])
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", venv], check=True)
    wheels = tmp_path / "wheels"

    default_project.run(venv / "bin/pip", "wheel", "--no-deps", "--wheel-dir", wheels, ".")
    (wheel,) = wheels.glob("*.whl")
    default_project.run(venv / "bin/pip", "install", wheel)

    assert wheel.name == "my_project-0.1.0-py3-none-any.whl"
    assert default_project.run(venv / "bin/my-project").stdout == "Hello, World!\n"
    as_module = default_project.run(venv / "bin/python", "-m", "my_project", "hello", "--name", "Ada")
    assert as_module.stdout == "Hello, Ada!\n"


def test_readme_first_commands_install_and_greet(installed_project: Project) -> None:
    first_block = next(iter(console_blocks(installed_project.read("README.md")).values()))

    assert first_block == ["poetry install", "poetry run my-project"]
    outputs = [run_shell(installed_project, command) for command in first_block]
    assert outputs[-1] == "Hello, World!\n"
    assert (installed_project.path / "poetry.lock").is_file()


def test_readme_first_commands_make_the_virtual_environment_in_dot_venv(installed_project: Project) -> None:
    environment_path = run_shell(installed_project, "poetry env info --path").strip()

    assert Path(environment_path) == installed_project.path / ".venv"
    assert (installed_project.path / ".venv" / "bin" / installed_project.slug).is_file()


def test_readme_use_commands_run_as_written(installed_project: Project) -> None:
    commands = console_blocks(installed_project.read("README.md"))["Use"]
    short_lived = [command for command in commands if " serve" not in command]
    (serve,) = [command for command in commands if " serve" in command]

    assert [run_shell(installed_project, command) for command in short_lived] == [
        "Hello, Ada!\n",
        "python -m my_project, version 0.1.0\n",
    ]
    # The service runs until stopped: start it as written, then stop it the way `docker stop` does.
    with subprocess.Popen(
        ["bash", "-c", f"exec {serve.replace('--port 8000', '--port 0')}"],
        cwd=installed_project.path,
        env=user_environment(),
        stderr=subprocess.PIPE,
        text=True,
    ) as service:
        try:
            assert service.stderr is not None
            assert service.stderr.readline().startswith("Serving on http://127.0.0.1:")
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=10) == 0
        finally:
            service.kill()


def test_readme_develop_commands_pass(installed_project: Project) -> None:
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
    installed_project: Project, target: str, sloppy_code: str, complaint: str
) -> None:
    sloppy = installed_project.path / "src" / installed_project.package / "sloppy.py"
    sloppy.write_text(sloppy_code)
    try:
        completed = subprocess.run(
            ["make", target],
            cwd=installed_project.path,
            env=user_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
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
    completed = subprocess.run(
        ["bash", "-c", command],
        cwd=project.path,
        env=environment or user_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"{command} exited {completed.returncode}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
        )
    return completed


def test_make_format_fixes_what_make_lint_reports(installed_project: Project) -> None:
    sloppy = installed_project.path / "src" / installed_project.package / "sloppy.py"
    sloppy.write_text("import sys\nimport os\nx  =  os.sep\n")
    try:
        run_shell(installed_project, "make format")
        formatted = sloppy.read_text()
        run_shell(installed_project, "make lint")
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


def test_pre_commit_local_hooks_run_the_dev_groups_tools_and_pass(installed_project: Project, tmp_path: Path) -> None:
    """The ruff, hadolint and mypy hooks, run by pre-commit itself on every file of the project.

    The standard hooks' repository cannot be cloned here (tests/test_toolchain.py runs their scripts),
    so pre-commit runs a copy of the config with its local hooks only.
    """
    config = yaml.safe_load(installed_project.read(".pre-commit-config.yaml"))
    local_hooks = tmp_path / "local-hooks.yaml"
    local_hooks.write_text(yaml.safe_dump({"repos": [repo for repo in config["repos"] if repo["repo"] == "local"]}))
    run_shell(installed_project, "git add --all")  # `--all-files` means the files git tracks

    ran = run_shell(installed_project, f"poetry run pre-commit run --config {local_hooks} --all-files")

    passed = re.findall(r"^(.+?)\.{3,}Passed$", ran, flags=re.MULTILINE)
    assert passed == ["ruff check", "ruff format", "hadolint", "mypy"]
