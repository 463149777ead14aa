"""Finish the new project: optionally start a git repository, then say what to do next.

No network access: everything that downloads (Poetry's install, the Docker build) is left to
the user's first commands, which the README lists.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

# Rendered by cookiecutter when this file runs as the hook; read as data, never as code.
ANSWERS_JSON = r"""{{ cookiecutter | tojson }}"""


def init_git_repository(project_dir: Path) -> str | None:
    """Run `git init` (no commit: the user's identity is theirs to set); return a warning on failure."""
    git = shutil.which("git")
    if git is None:
        return "git is not installed: no repository was created."
    completed = subprocess.run(
        [git, "init", "--quiet", "--initial-branch=main", str(project_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return f"git init failed: {completed.stderr.strip()}"
    return None


def next_steps(project_dir: Path, answers: dict[str, object]) -> str:
    slug = answers["project_slug"]
    return "\n".join(
        [
            f"Created {project_dir}",
            "",
            "Next steps:",
            f"  cd {project_dir.name}",
            "  poetry install                 # creates .venv and poetry.lock; commit poetry.lock",
            f"  poetry run {slug}",
            f"  docker build -t {slug} . && docker run --rm {slug}",
            "",
            "docs/docker.md explains the Dockerfile, stage by stage.",
        ]
    )


def main() -> int:
    answers = json.loads(ANSWERS_JSON)
    project_dir = Path.cwd()
    if answers["init_git_repository"]:
        warning = init_git_repository(project_dir)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    print(next_steps(project_dir, answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
