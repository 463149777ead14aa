"""The generated .dockerignore, read as Docker reads it, without building: what it keeps out.

tests/docker/test_security.py proves the same on a real engine, layer by layer; this runs in
the quick loop.
"""

from __future__ import annotations

import pytest

from tests.conftest import Project
from tests.docker.build_context import KEPT_OUT, SECRETS_AT_ANY_DEPTH, is_ignored

# A monorepo's project folder (PROJECT_DIR), where its own venv, caches and .env sit.
NESTED = "apps/web/"
KEPT_OUT_IN_A_NESTED_PROJECT = [".venv/lib/leak-check.txt", ".env", "__pycache__/leak.pyc", ".mypy_cache/leak-check"]
# What the build reads: the project, its lock, the helper program, the documented example.
NEEDED = [
    "pyproject.toml",
    "poetry.lock",
    "README.md",
    "LICENSE",
    "src/my_project/__init__.py",
    "src/my_project/py.typed",
    "docker/project_build.py",
    ".env.example",
    f"{NESTED}pyproject.toml",
    f"{NESTED}src/web/app.py",
]


@pytest.fixture(scope="module")
def dockerignore(default_project: Project) -> str:
    return default_project.read(".dockerignore")


@pytest.mark.parametrize(
    "path",
    [
        *KEPT_OUT,
        *SECRETS_AT_ANY_DEPTH,
        *(f"src/my_project/{secret}" for secret in SECRETS_AT_ANY_DEPTH),
        *(f"{NESTED}{path}" for path in KEPT_OUT_IN_A_NESTED_PROJECT),
    ],
)
def test_dockerignore_keeps_out_caches_secrets_and_git_at_any_depth(dockerignore: str, path: str) -> None:
    assert is_ignored(dockerignore, path)


@pytest.mark.parametrize("path", NEEDED)
def test_dockerignore_lets_through_what_the_build_reads(dockerignore: str, path: str) -> None:
    assert not is_ignored(dockerignore, path)


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        ("**/.venv", ".venv/bin/python", True),
        ("**/.venv", "apps/web/.venv/bin/python", True),
        (".venv", "apps/web/.venv/bin/python", False),
        ("*.pem", "src/key.pem", False),
        ("**/*.pem", "src/key.pem", True),
        ("**/.env.*\n!.env.example", ".env.example", False),
        ("!.env.example\n**/.env.*", ".env.example", True),
        ("build", "build/lib/x.py", True),
        ("build", "src/build.py", False),
    ],
)
def test_the_matcher_reads_patterns_as_docker_does(patterns: str, path: str, ignored: bool) -> None:
    assert is_ignored(patterns, path) is ignored
