"""The repository URL answer: the project's links, its README badge and its image's source label."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.conftest import Project, tool
from tests.template import DEFAULTS

REPOSITORY_URL = "https://git.example.org/acme/tools/my-project"


@pytest.fixture(scope="module")
def project(bake: Callable[..., Project]) -> Project:
    return bake(repository_url=REPOSITORY_URL, container_registry="none")


def test_pyproject_links_the_repository_and_its_issues(project: Project) -> None:
    assert project.pyproject["project"]["urls"] == {
        "Repository": REPOSITORY_URL,
        "Issues": f"{REPOSITORY_URL}/issues",
    }


def test_pyproject_with_a_repository_url_passes_poetry_check(project: Project) -> None:
    assert "All set!" in project.run(tool("poetry"), "check").stdout


def test_readme_shows_the_ci_badge_of_the_repository_under_the_description(project: Project) -> None:
    workflow = f"{REPOSITORY_URL}/actions/workflows/ci.yml"
    badge = f"[![CI]({workflow}/badge.svg)]({workflow})"

    assert project.read("README.md").splitlines()[:5] == ["# My Project", "", DEFAULTS["description"], "", badge]


def test_make_image_labels_the_source_with_the_repository_url(project: Project) -> None:
    """The Makefile's own label script, run by this Python (3.11+, as the project's is), not Poetry.

    tests/docker/test_makefile_image.py runs it through `make image` and reads the built image.
    """
    labels = subprocess.run(
        [
            "make",
            "--eval",
            'labels: ; @"$(TEST_PYTHON)" -c "$$OCI_LABELS_SCRIPT"',
            "labels",
            f"TEST_PYTHON={sys.executable}",
        ],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()

    assert f"export OCI_SOURCE={REPOSITORY_URL}" in labels


def test_default_repository_url_is_the_authors_github_repository_of_the_slug(default_project: Project) -> None:
    assert default_project.pyproject["project"]["urls"]["Repository"] == "https://github.com/jane-doe/my-project"
