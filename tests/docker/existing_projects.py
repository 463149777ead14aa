"""Poetry projects as people already have them, written from scratch (not from the template).

Each differs from the generated project in the ways that break naive Dockerfiles: flat or src
layout, PEP 621 `[project]` or the older `[tool.poetry]` metadata (with `dev-dependencies`),
README and license files in other places, a lock from Poetry 1.x or 2.x or none, or no package
at all (`package-mode = false`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExistingProject:
    name: str
    files: dict[str, str]
    lock_with: str | None  # "poetry1", "poetry2" or None: which Poetry writes poetry.lock
    command: tuple[str, ...]  # what `docker run IMAGE` should be given; () starts the app
    expected_output: str

    def write(self, root: Path) -> Path:
        project = root / self.name
        for relative, text in self.files.items():
            path = project / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return project


MIT = "MIT License\n\nCopyright (c) 2026 Someone\n\nPermission is hereby granted, free of charge...\n"

CLI = """import click


@click.command()
def main() -> None:
    click.echo("{greeting}")
"""

EXISTING_PROJECTS = [
    ExistingProject(
        name="flat-pep621",
        lock_with="poetry2",
        command=(),
        expected_output="flat pep621 ok\n",
        files={
            "pyproject.toml": """\
[project]
name = "flat-pep621"
version = "1.2.3"
description = "Flat layout, PEP 621 metadata, license file in a subfolder"
readme = "README.md"
license = "MIT"
license-files = ["LICENSES/MIT.txt"]
requires-python = ">=3.11"
dependencies = ["click>=8.1,<9"]

[project.scripts]
flat-pep621 = "flat_app.cli:main"

[tool.poetry]
packages = [{ include = "flat_app" }]

[tool.poetry.group.dev.dependencies]
pytest = ">=8"

[build-system]
requires = ["poetry-core>=2,<3"]
build-backend = "poetry.core.masonry.api"
""",
            "README.md": "# flat-pep621\n",
            "LICENSES/MIT.txt": MIT,
            "flat_app/__init__.py": "",
            "flat_app/cli.py": CLI.format(greeting="flat pep621 ok"),
        },
    ),
    ExistingProject(
        name="src-legacy",
        lock_with="poetry1",
        command=(),
        expected_output="src legacy ok\n",
        files={
            "pyproject.toml": """\
[tool.poetry]
name = "src-legacy"
version = "0.9.0"
description = "src layout, [tool.poetry] metadata, README under docs/"
authors = ["Someone <someone@example.com>"]
readme = "docs/README.md"
license = "MIT"
packages = [{ include = "legacy_app", from = "src" }]

[tool.poetry.dependencies]
python = "^3.11"
click = "^8.1"

[tool.poetry.dev-dependencies]
pytest = "^8.0"

[tool.poetry.scripts]
src-legacy = "legacy_app.cli:main"

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
""",
            "docs/README.md": "# src-legacy\n",
            "src/legacy_app/__init__.py": "",
            "src/legacy_app/cli.py": CLI.format(greeting="src legacy ok"),
        },
    ),
    ExistingProject(
        name="src-pep621-unlocked",
        lock_with=None,
        command=(),
        expected_output="src pep621 unlocked ok\n",
        files={
            "pyproject.toml": """\
[project]
name = "src-pep621-unlocked"
version = "2.0.0"
description = "src layout, PEP 621 metadata, no lock file, two console scripts"
readme = "README.md"
license = "Apache-2.0"
license-files = ["LICENSE"]
requires-python = ">=3.11"
dependencies = ["click>=8.1,<9"]

[project.scripts]
src-pep621-unlocked = "unlocked_app.cli:main"
unlocked-admin = "unlocked_app.cli:admin"

[tool.poetry]
packages = [{ include = "unlocked_app", from = "src" }]

[build-system]
requires = ["poetry-core>=2,<3"]
build-backend = "poetry.core.masonry.api"
""",
            "README.md": "# src-pep621-unlocked\n",
            "LICENSE": "Apache License 2.0 (text elided)\n",
            "src/unlocked_app/__init__.py": "",
            "src/unlocked_app/cli.py": CLI.format(greeting="src pep621 unlocked ok")
            + '\n\n@click.command()\ndef admin() -> None:\n    click.echo("admin")\n',
        },
    ),
    ExistingProject(
        name="flat-legacy-unlocked",
        lock_with=None,
        command=(),
        expected_output="flat legacy unlocked ok\n",
        files={
            "pyproject.toml": """\
[tool.poetry]
name = "flat-legacy-unlocked"
version = "0.1.0"
description = "Flat layout, [tool.poetry] metadata, no lock file"
authors = ["Someone <someone@example.com>"]

[tool.poetry.dependencies]
python = ">=3.11"
click = ">=8.1"

[tool.poetry.dev-dependencies]
pytest = "*"

[tool.poetry.scripts]
flat-legacy-unlocked = "flat_legacy_unlocked:main"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
""",
            "flat_legacy_unlocked.py": CLI.format(greeting="flat legacy unlocked ok"),
        },
    ),
    ExistingProject(
        name="scripts-only",
        lock_with="poetry2",
        command=("python", "main.py"),
        expected_output="scripts only ok\n",
        files={
            "pyproject.toml": """\
[project]
name = "scripts-only"
version = "0.0.0"
requires-python = ">=3.11"
dependencies = ["click>=8.1,<9"]

[tool.poetry]
package-mode = false
""",
            "main.py": CLI.format(greeting="scripts only ok") + '\n\nif __name__ == "__main__":\n    main()\n',
        },
    ),
    # Scripts declared, but Poetry 2 installs none in package mode false: the launcher must not
    # name one, so its app is python, to which it hands `main.py`, a word that names no program.
    ExistingProject(
        name="scripts-only-with-scripts",
        lock_with="poetry2",
        command=("main.py",),
        expected_output="scripts only with scripts ok\n",
        files={
            "pyproject.toml": """\
[project]
name = "scripts-only-with-scripts"
version = "0.0.0"
requires-python = ">=3.11"
dependencies = ["click>=8.1,<9"]

[tool.poetry]
package-mode = false

[tool.poetry.scripts]
scripts-only-tool = "main:main"
""",
            "main.py": CLI.format(greeting="scripts only with scripts ok")
            + '\n\nif __name__ == "__main__":\n    main()\n',
        },
    ),
]
