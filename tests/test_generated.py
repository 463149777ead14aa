"""The generated project works: its wheel installs and runs, its README's commands and own checks pass."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import findpython
import pytest

from tests.conftest import Project, package_index_environment, path_with_tools, tool
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
    project.run(tool("poetry"), "install", "--no-interaction", env=poetry_environment())
    return project


def poetry_environment() -> dict[str, str]:
    return {**package_index_environment(), "POETRY_VIRTUALENVS_IN_PROJECT": "true"}


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
        env={**os.environ, **poetry_environment(), "PATH": path_with_tools()},
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
            env={**os.environ, **poetry_environment(), "PATH": path_with_tools()},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        sloppy.unlink()

    assert completed.returncode != 0
    assert complaint in completed.stdout + completed.stderr


def run_shell(project: Project, command: str) -> str:
    """Run one README line with bash, as a user would paste it; return its standard output."""
    return project.run("bash", "-c", command, env={**poetry_environment(), "PATH": path_with_tools()}).stdout
