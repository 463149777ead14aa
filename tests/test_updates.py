"""Generated projects can follow the template: cruft create / update / check, and baking a tagged release.

Everything runs against a local git repository made from this working tree, so no network is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GIT_IDENTITY, Project, path_with_tools, tool
from tests.readme_commands import console_blocks
from tests.template import DEFAULTS, TEMPLATE_DIR

pytestmark = pytest.mark.slow

NOT_PART_OF_THE_TEMPLATE = shutil.ignore_patterns(".git", ".venv", "build", "__pycache__", ".*_cache", "node_modules")
TEMPLATE_CHANGE = "# Added to the template after the project was generated.\n"
USER_CHANGE = "\nA note the project's owner added.\n"


def git(cwd: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", *arguments],
        cwd=cwd,
        env={**os.environ, **GIT_IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


@pytest.fixture
def template_repository(tmp_path: Path) -> Path:
    """A git repository holding this working tree's template as commit A, tagged v0.0.1-test."""
    repository = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, repository, ignore=NOT_PART_OF_THE_TEMPLATE)
    git(repository, "init", "--quiet", "--initial-branch=main")
    git(repository, "add", "--all")
    git(repository, "commit", "--quiet", "--message", "A")
    git(repository, "tag", "v0.0.1-test")
    return repository


def change_template(repository: Path) -> None:
    """Commit B: a change to a generated file."""
    dockerignore = repository / "{{cookiecutter.project_slug}}" / ".dockerignore"
    dockerignore.write_text(dockerignore.read_text() + TEMPLATE_CHANGE)
    git(repository, "commit", "--quiet", "--all", "--message", "B")


def run_readme_command(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    """A README line as written, with this test environment's pinned tools first on PATH."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=project,
        env={**os.environ, "PATH": path_with_tools(), **GIT_IDENTITY},
        capture_output=True,
        text=True,
        check=False,
    )


def run(cwd: Path, *command: str) -> str:
    return Project(path=cwd, answers={}).run(*command).stdout


def test_cruft_update_brings_template_changes_and_keeps_user_edits(template_repository: Path, tmp_path: Path) -> None:
    run(tmp_path, tool("cruft"), "create", "--no-input", str(template_repository))
    project = tmp_path / DEFAULTS["project_slug"]
    assert (project / ".cruft.json").is_file()
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Generated")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + USER_CHANGE)
    git(project, "commit", "--quiet", "--all", "--message", "User edit")
    run(project, tool("cruft"), "check")

    change_template(template_repository)
    check, diff, update, review = console_blocks(readme.read_text())["Keep up with the template"]
    assert run_readme_command(project, check).returncode != 0, "cruft check must see the new template commit"
    assert run_readme_command(project, diff).returncode == 0
    updated = run_readme_command(project, update)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert TEMPLATE_CHANGE.strip() in run_readme_command(project, review).stdout

    assert (project / ".dockerignore").read_text().endswith(TEMPLATE_CHANGE)
    assert readme.read_text().endswith(USER_CHANGE)
    run(project, tool("cruft"), "check")


def test_cookiecutter_bakes_the_tagged_release_of_a_git_template(template_repository: Path, tmp_path: Path) -> None:
    change_template(template_repository)
    url = f"git+file://{template_repository}"
    # Cookiecutter clones into its own folder; keep it in this test's tmp_path.
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(f"cookiecutters_dir: {tmp_path / 'clones'}\nreplay_dir: {tmp_path / 'replay'}\n")
    bake = (tool("cookiecutter"), "--config-file", str(config), "--no-input", url)

    tagged = tmp_path / "tagged"
    run(tmp_path, *bake, "--checkout", "v0.0.1-test", "--output-dir", str(tagged))
    latest = tmp_path / "latest"
    run(tmp_path, *bake, "--output-dir", str(latest))

    slug = DEFAULTS["project_slug"]
    assert not (tagged / slug / ".dockerignore").read_text().endswith(TEMPLATE_CHANGE)
    assert (latest / slug / ".dockerignore").read_text().endswith(TEMPLATE_CHANGE)
