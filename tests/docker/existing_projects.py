"""Poetry projects as people already have them, written from scratch (not from the template).

Each differs from the generated project in the ways that break naive Dockerfiles: flat or src
layout, PEP 621 `[project]` or the older `[tool.poetry]` metadata (with `dev-dependencies`),
README and license files in other places, a lock from Poetry 1.x or 2.x or none, or no package
at all (`package-mode = false`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

# Each project's files, as its owner would have them: tests/data/projects/<name>/.
PROJECTS_DIR = Path(__file__).resolve().parents[1] / "data" / "projects"


@dataclass(frozen=True)
class ExistingProject:
    name: str
    lock_with: str | None  # "poetry1", "poetry2" or None: which Poetry writes poetry.lock
    command: tuple[str, ...]  # what `docker run IMAGE` should be given; () starts the app
    expected_output: str

    def write(self, root: Path) -> Path:
        """A copy of the project's files under `root`, to lock and build without touching them."""
        return Path(shutil.copytree(PROJECTS_DIR / self.name, root / self.name))


EXISTING_PROJECTS = [
    # Flat layout, PEP 621 metadata, the license file in a subfolder.
    ExistingProject(name="flat-pep621", lock_with="poetry2", command=(), expected_output="flat pep621 ok\n"),
    # src layout, [tool.poetry] metadata with dev-dependencies, the README under docs/.
    ExistingProject(name="src-legacy", lock_with="poetry1", command=(), expected_output="src legacy ok\n"),
    # src layout, PEP 621 metadata, no lock file, two console scripts.
    ExistingProject(name="src-pep621-unlocked", lock_with=None, command=(), expected_output="src pep621 unlocked ok\n"),
    # Flat layout, [tool.poetry] metadata, no lock file, a module rather than a package.
    ExistingProject(
        name="flat-legacy-unlocked", lock_with=None, command=(), expected_output="flat legacy unlocked ok\n"
    ),
    # No package at all (package-mode = false): the image runs a script.
    ExistingProject(
        name="scripts-only", lock_with="poetry2", command=("python", "main.py"), expected_output="scripts only ok\n"
    ),
    # Scripts declared, but Poetry 2 installs none in package mode false: the launcher must not
    # name one, so its app is python, to which it hands `main.py`, a word that names no program.
    ExistingProject(
        name="scripts-only-with-scripts",
        lock_with="poetry2",
        command=("main.py",),
        expected_output="scripts only with scripts ok\n",
    ),
]
