"""Release versions: which image tags a git tag publishes, decided by the generated project's script.

The release workflow runs `.github/image_tags.py` (through pipx, which installs the packaging
release the script pins). Here it runs offline, with this environment's packaging, which the
script's pin must match; the workflow's step itself runs with `pipx` standing for that.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import importlib.util
import os
import re
import stat
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from packaging.version import Version

from tests.conftest import GIT_IDENTITY, Project, path_with_tools, tool
from tests.readme_commands import console_blocks

Bake = Callable[..., Project]
SCRIPT = ".github/image_tags.py"
# What Docker accepts as a tag.
DOCKER_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")

# (git tag, version in pyproject.toml, image tags published)
PUBLISHED = [
    ("v1.2.3", "1.2.3", ["1.2.3", "1.2", "latest"]),
    ("v0.1.0", "0.1.0", ["0.1.0", "0.1", "latest"]),
    ("v1.0", "1.0", ["1.0", "latest"]),
    ("v2", "2", ["2", "latest"]),
    ("v1.2.3.4", "1.2.3.4", ["1.2.3.4", "1.2", "latest"]),
    ("v1.0.0.post1", "1.0.0.post1", ["1.0.0.post1", "1.0", "latest"]),
    ("v1.0.0a1", "1.0.0a1", ["1.0.0a1"]),
    ("v1.0.0b2", "1.0.0b2", ["1.0.0b2"]),
    ("v1.0.0rc1", "1.0.0rc1", ["1.0.0rc1"]),
    ("v1.3.0rc1", "1.3.0rc1", ["1.3.0rc1"]),  # the README's example
    ("v1.0.0.dev3", "1.0.0.dev3", ["1.0.0.dev3"]),
    ("v1.0.0.post1.dev2", "1.0.0.post1.dev2", ["1.0.0.post1.dev2"]),
    ("v0.1.1a0", "0.1.1a0", ["0.1.1a0"]),  # what `poetry version prerelease` makes of 0.1.0
    # Spelled differently, equal once normalized.
    ("v01.02", "1.2", ["1.2", "latest"]),
    ("v1.2", "01.02", ["1.2", "latest"]),
    ("v1.0.0-rc.1", "1.0.0rc1", ["1.0.0rc1"]),
    ("v1.0.0rc1", "1.0.0-rc.1", ["1.0.0rc1"]),
    ("v1.0.0-alpha.1", "1.0.0a1", ["1.0.0a1"]),
    ("v1.0-post1", "1.0.post1", ["1.0.post1", "latest"]),
]
# (git tag, version in pyproject.toml, what the refusal says)
REFUSED = [
    ("v1.0", "1.0.0", "tag v1.0 does not match version 1.0.0"),
    ("v1.2.4", "1.2.3", "tag v1.2.4 does not match version 1.2.3"),
    ("v1.0.0", "1.0.0rc1", "tag v1.0.0 does not match version 1.0.0rc1"),
    ("v1!2.0", "1!2.0", "version 1!2.0 has an epoch or a local part"),
    ("v1.0+build.5", "1.0+build.5", "version 1.0+build.5 has an epoch or a local part"),
    ("vnext", "1.0", "tag vnext is not a PEP 440 version"),
    ("v1.0", "one", "version one is not a PEP 440 version"),
    ("v1." + "0." * 70 + "0", "1." + "0." * 70 + "0", "cannot be a Docker tag"),
]


@pytest.fixture(scope="module")
def script(ghcr_project: Project) -> ModuleType:
    """The generated script, imported as a module."""
    spec = importlib.util.spec_from_file_location("image_tags", ghcr_project.path / SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(project: Project, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, SCRIPT, *arguments], cwd=project.path, capture_output=True, text=True, check=False
    )


def with_version(project: Project, version: str, destination: Path) -> Project:
    copy = project.copy_to(destination)
    pyproject = copy.path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(f'version = "{project.answers["version"]}"', f'version = "{version}"', 1)
    )
    assert tomllib.loads(pyproject.read_text())["project"]["version"] == version
    return copy


def release_workflow(project: Project) -> dict[Any, Any]:
    loaded = yaml.safe_load(project.read(".github/workflows/release.yml"))
    assert isinstance(loaded, dict)
    return loaded


def publish_step(project: Project, name: str) -> dict[str, Any]:
    (found,) = [each for each in release_workflow(project)["jobs"]["publish"]["steps"] if each.get("name") == name]
    assert isinstance(found, dict)
    return found


@pytest.fixture
def pipx_shim(tmp_path: Path) -> dict[str, str]:
    """Environment where `pipx run SCRIPT ARGS` runs the script with this interpreter, offline."""
    shim = tmp_path / "bin" / "pipx"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\n[ "$1" = run ] || exit 2\nshift\nexec "{sys.executable}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}


# --- The script's decisions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("git_tag", "version", "expected"), PUBLISHED, ids=[row[0] + "=" + row[1] for row in PUBLISHED]
)
def test_release_publishes_the_tags_of_its_normalized_version(
    script: ModuleType, git_tag: str, version: str, expected: list[str]
) -> None:
    tags = script.image_tags(git_tag, version)

    assert tags == expected
    assert all(DOCKER_TAG.fullmatch(tag) for tag in tags)


@pytest.mark.parametrize(
    ("git_tag", "version", "reason"), REFUSED, ids=[row[0][:20] + "=" + row[1][:20] for row in REFUSED]
)
def test_release_refuses_a_tag_it_cannot_publish(script: ModuleType, git_tag: str, version: str, reason: str) -> None:
    with pytest.raises(script.ReleaseError, match=re.escape(reason)):
        script.image_tags(git_tag, version)


def test_script_prints_one_tag_a_line_for_the_project_version(ghcr_project: Project) -> None:
    completed = run_script(ghcr_project, "v0.1.0")

    assert (completed.returncode, completed.stdout) == (0, "0.1.0\n0.1\nlatest\n")


def test_script_refuses_with_a_github_error_line_and_a_failing_exit(ghcr_project: Project) -> None:
    completed = run_script(ghcr_project, "v99.0.0")

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr == "::error::tag v99.0.0 does not match version 0.1.0 in pyproject.toml\n"


# Versions that the old tag check and semver patterns mishandled (issue 12), as users write them.
ISSUE_VERSIONS = ["1.0", "1.0.0a1", "1.0.0rc1", "1.0.0.post1.dev2", "01.02", "1.0.0-rc.1"]


@pytest.mark.parametrize("version", ISSUE_VERSIONS)
def test_readme_tag_command_makes_a_tag_the_script_publishes(
    ghcr_project: Project, version: str, tmp_path: Path
) -> None:
    """The README's `git tag "v$(poetry version --short)"`, with whatever spelling Poetry prints."""
    project = with_version(ghcr_project, version, tmp_path / "project")
    short = project.run(tool("poetry"), "version", "--short").stdout.strip()

    completed = run_script(project, f"v{short}")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == str(Version(version))


@pytest.mark.parametrize("version", ["0.1.0", "1.0", "2.0.0rc1", "1.0.post2", "1.0.0.post1.dev2"])
def test_the_kustomization_names_the_tag_the_release_of_that_version_publishes(
    bake: Bake, script: ModuleType, version: str
) -> None:
    project = bake(container_registry="ghcr", version=version)
    (image,) = yaml.safe_load(project.read("deploy/kubernetes/kustomization.yaml"))["images"]

    published = script.image_tags(f"v{version}", project.pyproject["project"]["version"])

    assert image["newTag"] == published[0]


def test_script_reads_the_version_of_an_older_tool_poetry_project(script: ModuleType, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.poetry]\nname = "old"\nversion = "2.0.1"\n')

    assert script.project_version(pyproject) == "2.0.1"


# --- The workflow runs it -------------------------------------------------------------------


def test_release_workflow_tags_the_image_with_what_the_script_prints(ghcr_project: Project) -> None:
    check = publish_step(ghcr_project, "Check the tag against the project version")
    meta = publish_step(ghcr_project, "Image tags and labels")

    assert 'pipx run .github/image_tags.py "$GITHUB_REF_NAME"' in check["run"]
    assert meta["uses"].startswith("docker/metadata-action@")
    assert meta["with"]["images"] == "ghcr.io/${{ github.repository }}"
    assert meta["with"]["tags"] == f"${{{{ steps.{check['id']}.outputs.tags }}}}"
    assert meta["with"]["flavor"] == "latest=false"  # no `latest` but the script's


def test_release_check_step_hands_the_metadata_action_raw_tags(
    ghcr_project: Project, pipx_shim: dict[str, str], tmp_path: Path
) -> None:
    output = tmp_path / "github-output"
    check = publish_step(ghcr_project, "Check the tag against the project version")

    ghcr_project.run(
        "bash", "-e", "-c", check["run"], env={**pipx_shim, "GITHUB_REF_NAME": "v0.1.0", "GITHUB_OUTPUT": str(output)}
    )

    assert output.read_text() == "tags<<EOF\ntype=raw,value=0.1.0\ntype=raw,value=0.1\ntype=raw,value=latest\nEOF\n"


def test_release_check_step_fails_on_a_tag_that_does_not_match(
    ghcr_project: Project, pipx_shim: dict[str, str], tmp_path: Path
) -> None:
    output = tmp_path / "github-output"
    check = publish_step(ghcr_project, "Check the tag against the project version")

    refused = subprocess.run(
        ["bash", "-e", "-c", check["run"]],
        cwd=ghcr_project.path,
        env={**os.environ, **pipx_shim, "GITHUB_REF_NAME": "v99.0.0", "GITHUB_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert refused.returncode == 1
    assert "::error::tag v99.0.0 does not match version 0.1.0" in refused.stderr
    assert not output.exists()


def test_readme_release_commands_make_the_tag_the_release_workflow_accepts(
    ghcr_project: Project, pipx_shim: dict[str, str], tmp_path: Path
) -> None:
    """The README's Release block, run up to the push (pushing needs a GitHub remote)."""
    project = ghcr_project.copy_to(tmp_path / "project")
    tag_command, push_command = console_blocks(project.read("README.md"))["Release"]
    assert push_command == 'git push origin "v$(poetry version --short)"'
    environment = {**GIT_IDENTITY, "PATH": path_with_tools()}
    project.run("git", "add", "--all", env=environment)
    project.run("git", "commit", "--quiet", "--message", "Generated", env=environment)

    project.run("bash", "-c", tag_command, env=environment)

    (tag,) = project.run("git", "tag", "--list").stdout.split()
    assert tag == f"v{project.answers['version']}"
    assert any(fnmatch.fnmatchcase(tag, pattern) for pattern in release_workflow(project)[True]["push"]["tags"])
    check = publish_step(project, "Check the tag against the project version")
    output = tmp_path / "github-output"
    project.run(
        "bash", "-e", "-c", check["run"], env={**pipx_shim, "GITHUB_REF_NAME": tag, "GITHUB_OUTPUT": str(output)}
    )
    assert "type=raw,value=latest" in output.read_text()


# --- The script as a file of the generated project ------------------------------------------


@pytest.mark.parametrize("registry", ["none", "ghcr"])
def test_script_exists_only_where_a_release_workflow_runs_it(bake: Bake, registry: str) -> None:
    project = bake(container_registry=registry)

    assert (project.path / SCRIPT).is_file() == (registry == "ghcr")
    assert (project.path / ".github/workflows/release.yml").is_file() == (registry == "ghcr")


def test_script_pins_the_packaging_release_these_tests_run_it_with(ghcr_project: Project) -> None:
    metadata = re.search(r"^# /// script\n(.*?)^# ///$", ghcr_project.read(SCRIPT), re.MULTILINE | re.DOTALL)
    assert metadata is not None
    inline = tomllib.loads("".join(line.removeprefix("#").removeprefix(" ") for line in metadata[1].splitlines(True)))

    assert inline["dependencies"] == [f"packaging=={importlib.metadata.version('packaging')}"]
    assert inline["requires-python"] == ">=3.11"


def test_script_is_lint_clean_under_the_generated_config(ghcr_project: Project) -> None:
    ghcr_project.run(tool("ruff"), "check", "--no-cache", SCRIPT)
    ghcr_project.run(tool("ruff"), "format", "--no-cache", "--check", SCRIPT)


def test_script_passes_mypy_strict_under_the_generated_config(ghcr_project: Project) -> None:
    completed = ghcr_project.run(
        tool("mypy"), "--strict", "--no-incremental", "--config-file", "pyproject.toml", SCRIPT
    )

    assert completed.stdout.startswith("Success")
