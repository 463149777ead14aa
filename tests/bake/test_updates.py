"""Generated projects can follow the template: cruft create / update / check, and baking a tagged release.

Everything runs against a local git repository made from this working tree, so no network is needed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
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


ROOT_README = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
MAINTAINING = (TEMPLATE_DIR / "docs" / "maintaining.md").read_text(encoding="utf-8")
RELEASE_VERSION = tomllib.loads((TEMPLATE_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
TEMPLATE_URL_IN_README = "https://github.com/<org>/poetry-docker-template"


@pytest.fixture
def published_template(template_repository: Path, tmp_path: Path) -> Path:
    """The template's "origin": a bare repository the clone pushes its main branch to."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(template_repository), str(origin))
    git(template_repository, "remote", "add", "origin", str(origin))
    return origin


def run_as_user(cwd: Path, command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A README line in bash, answering every prompt with its default (an empty line).

    cookiecutter clones into ~/.cookiecutters; COOKIECUTTER_CONFIG keeps that in tmp_path.
    """
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(f"cookiecutters_dir: {tmp_path / 'clones'}\nreplay_dir: {tmp_path / 'replay'}\n")
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env={**os.environ, "PATH": path_with_tools(), "COOKIECUTTER_CONFIG": str(config), **GIT_IDENTITY},
        input="\n" * 100,
        capture_output=True,
        text=True,
        check=False,
    )


def test_documented_release_commands_tag_a_release_that_the_readme_bake_commands_check_out(
    template_repository: Path, published_template: Path, tmp_path: Path
) -> None:
    tag_command, push_command = console_blocks(MAINTAINING)["Release the template"]
    for command in (tag_command, push_command):
        done = run_as_user(template_repository, command.replace("X.Y.Z", RELEASE_VERSION), tmp_path)
        assert done.returncode == 0, done.stderr
    change_template(template_repository)
    git(template_repository, "push", "--quiet", "origin", "main")
    tag = f"v{RELEASE_VERSION}"
    assert git(published_template, "cat-file", "-t", tag).strip() == "tag"  # annotated

    slug = DEFAULTS["project_slug"]
    for command in console_blocks(ROOT_README)["Bake a given release"]:
        tool_name = command.split()[0]
        # cookiecutter reads a local clone through git with git+file:// (as the README says); cruft takes its path.
        location = f"git+file://{published_template}" if tool_name == "cookiecutter" else str(published_template)
        here = tmp_path / tool_name
        here.mkdir()
        baked = run_as_user(here, command.replace(TEMPLATE_URL_IN_README, location).replace("<tag>", tag), tmp_path)

        assert baked.returncode == 0, f"{command}\n{baked.stdout}\n{baked.stderr}"
        assert not (here / slug / ".dockerignore").read_text().endswith(TEMPLATE_CHANGE), command
    cruft_state = json.loads((tmp_path / "cruft" / slug / ".cruft.json").read_text())
    assert cruft_state["commit"] == git(published_template, "rev-parse", f"{tag}^{{commit}}").strip()


def test_cookiecutter_ignores_checkout_for_a_plain_path(template_repository: Path, tmp_path: Path) -> None:
    """Why the README says git+file:// for a local clone."""
    change_template(template_repository)

    baked = run_as_user(tmp_path, f"cookiecutter --no-input {template_repository} --checkout v0.0.1-test", tmp_path)

    assert baked.returncode == 0, baked.stderr
    assert (tmp_path / DEFAULTS["project_slug"] / ".dockerignore").read_text().endswith(TEMPLATE_CHANGE)


def test_cruft_update_refuses_to_run_before_the_first_commit(template_repository: Path, tmp_path: Path) -> None:
    run(tmp_path, tool("cruft"), "create", "--no-input", str(template_repository))
    project = tmp_path / DEFAULTS["project_slug"]
    change_template(template_repository)

    refused = run_as_user(project, "cruft update --skip-apply-ask", tmp_path)

    assert refused.returncode != 0
    assert "Cruft cannot apply updates on an unclean git project" in refused.stdout + refused.stderr
    assert not (project / ".dockerignore").read_text().endswith(TEMPLATE_CHANGE)


NEXT_STEPS = "Next steps:"


def test_next_steps_banner_shows_for_cookiecutter_and_cruft_create_but_not_in_cruft_diff_or_update(
    template_repository: Path, tmp_path: Path
) -> None:
    baked = run_as_user(tmp_path, f"cookiecutter --no-input {template_repository} -o {tmp_path / 'plain'}", tmp_path)
    created = run_as_user(tmp_path, f"cruft create --no-input {template_repository}", tmp_path)
    project = tmp_path / DEFAULTS["project_slug"]
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Generated")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + USER_CHANGE)
    git(project, "commit", "--quiet", "--all", "--message", "User edit")
    change_template(template_repository)

    diffed = run_as_user(project, "cruft diff", tmp_path)
    updated = run_as_user(project, "cruft update --skip-apply-ask", tmp_path)

    assert NEXT_STEPS in baked.stdout
    assert NEXT_STEPS in created.stdout
    assert diffed.returncode == 0
    assert USER_CHANGE.strip() in diffed.stdout  # the comparison bake ran
    assert NEXT_STEPS not in diffed.stdout + diffed.stderr
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert NEXT_STEPS not in updated.stdout + updated.stderr
    assert (project / ".dockerignore").read_text().endswith(TEMPLATE_CHANGE)
