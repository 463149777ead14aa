"""The mutation table (scripts/mutation/mutants.toml) stays in step with the template it mutates."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from scripts.mutation import ROOT, Mutant, load_mutants
from scripts.mutation.__main__ import reports_failures

MUTANTS = load_mutants()
PROJECT = "{{cookiecutter.project_slug}}/"

# Every kind of file a bake writes, and the template's own parts: each has at least one mutant.
# A file type the template gains belongs here, with a mutant.
FILE_TYPES = {
    "Dockerfile": lambda path: path.endswith("/Dockerfile"),
    ".dockerignore": lambda path: path.endswith("/.dockerignore"),
    "compose files": lambda path: (
        path.endswith("compose.yaml{% endif %}") or path.endswith(".devcontainer/compose.yaml")
    ),
    "devcontainer.json": lambda path: path.endswith("devcontainer.json"),
    "workflows": lambda path: "/.github/workflows/" in path,
    "the release's tag script": lambda path: "image_tags.py" in path,
    "dependabot.yml": lambda path: path.endswith("dependabot.yml"),
    "Kubernetes manifests": lambda path: "/deploy/kubernetes/" in path or "kustomization" in path,
    "pyproject.toml": lambda path: path == PROJECT + "pyproject.toml",
    "poetry.toml": lambda path: path.endswith("poetry.toml"),
    "Makefile": lambda path: "Makefile" in path,
    ".gitignore": lambda path: path.endswith(".gitignore"),
    ".trivyignore": lambda path: path.endswith(".trivyignore"),
    ".pre-commit-config.yaml": lambda path: path.endswith(".pre-commit-config.yaml"),
    "README and docs": lambda path: path.endswith(".md"),
    "the web app's code": lambda path: "/src/" in path and "'web'" in path,
    "the command line's code": lambda path: "/src/" in path and "'cli'" in path,
    "docker/project_build.py and its launcher": lambda path: path.endswith("docker/project_build.py"),
    "hooks": lambda path: path.startswith("hooks/"),
    "cookiecutter.json": lambda path: path == "cookiecutter.json",
}


def test_there_are_at_least_sixty_mutants() -> None:
    assert len(MUTANTS) >= 60


def test_mutant_ids_are_unique() -> None:
    assert [name for name, count in Counter(mutant.id for mutant in MUTANTS).items() if count > 1] == []


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.id)
def test_mutant_changes_exactly_one_place_of_the_current_tree(mutant: Mutant) -> None:
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    assert mutant.original != mutant.replacement
    assert mutant.apply(text) != text  # ValueError unless the original is there exactly once


@pytest.mark.parametrize("file_type", FILE_TYPES)
def test_every_file_type_has_a_mutant(file_type: str) -> None:
    assert any(FILE_TYPES[file_type](mutant.file) for mutant in MUTANTS)


def test_every_mutant_says_what_it_stands_for_and_which_tests_catch_it() -> None:
    assert [mutant.id for mutant in MUTANTS if not (mutant.stands_for and mutant.tests)] == []


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.id)
def test_each_selected_test_path_exists(mutant: Mutant) -> None:
    paths = [argument.split("::")[0] for argument in mutant.tests if argument.startswith("tests/")]
    assert paths, "the selection names no test file or folder"
    assert [path for path in paths if not Path(ROOT, path).exists()] == []


def test_the_reports_kept_survivors_are_mutants_of_the_table_with_a_reason() -> None:
    """docs/mutation.md, the last full run's report, names its survivors; each must still be in the
    table, with the `survives` reason that lets it through."""
    report = (ROOT / "docs" / "mutation.md").read_text(encoding="utf-8")
    survivors_section = report.split("## Survivors, and why they are kept")[1].split("\n## ")[0]
    named = re.findall(r"^- `([^`]+)`", survivors_section, re.MULTILINE)
    reasons = {mutant.id: mutant.survives for mutant in MUTANTS}

    assert [name for name in named if not reasons.get(name)] == []


@pytest.mark.parametrize(
    ("last_line", "caught"),
    [
        ("1 failed, 38 passed in 14.16s", True),
        ("Interrupted: 1 error during collection", True),
        ("2 errors in 0.51s", True),
        ("39 passed in 14.16s", False),
        ("<class 'OSError'>: [Errno 39] Directory not empty: '/tmp/pytest-of-root/garbage-1'", False),
    ],
)
def test_only_failed_tests_count_as_a_catch_not_a_crash_of_pytest(last_line: str, caught: bool) -> None:
    assert reports_failures(last_line) is caught


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.id)
def test_a_selection_of_tests_that_may_need_docker_names_its_markers(mutant: Mutant) -> None:
    """Docker mutants run one at a time and `--no-docker` leaves them out, which the harness knows
    from `-m docker`: a selection from folders with Docker tests must say `-m docker` or
    `-m "not slow and not docker"`, or it would run in parallel with the others, or be skipped
    where no engine runs."""
    if any(test.startswith(("tests/docker/", "tests/devloop/", "tests/deployment/")) for test in mutant.tests):
        assert "-m" in mutant.tests
