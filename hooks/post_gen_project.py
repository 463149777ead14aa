"""Finish the new project: optionally start a git repository, then say what to do next.

No network access: everything that downloads (Poetry's install, the Docker build) is left to
the user's first commands, which the README lists.

`cruft diff` and `cruft update` bake the template again into a temporary folder, only to compare
it with the project, and run this hook there too: those bakes get neither `git init` nor the
"Next steps" banner.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Rendered by cookiecutter when this file runs as the hook; read as data, never as code.
ANSWERS_JSON = r"""{{ cookiecutter | tojson }}"""

# cruft's commands that bake the template only to compare the bake with an existing project.
CRUFT_COMPARISON_COMMANDS = frozenset({"diff", "update"})


def cruft_command(command_line: list[str]) -> str | None:
    """The cruft subcommand in a command line (`cruft update -y`, `python -m cruft diff`), if any."""
    for index, part in enumerate(command_line):
        if Path(part).name in {"cruft", "cruft.exe"}:
            return next((word for word in command_line[index + 1 :] if not word.startswith("-")), None)
    return None


def is_cruft_comparison_bake(answers: dict[str, object], parent_command_line: list[str]) -> bool:
    """True when cruft runs this hook for `cruft diff` or `cruft update`.

    Two signs must agree: cruft puts `_commit` into the answers (cookiecutter never does), and the
    process that runs the hook (cruft itself: hooks run as its child) names one of those commands.
    """
    return "_commit" in answers and cruft_command(parent_command_line) in CRUFT_COMPARISON_COMMANDS


def parent_command_line() -> list[str]:
    """The command line of the process running this hook, where the system shows it; else empty."""
    try:
        raw = Path(f"/proc/{os.getppid()}/cmdline").read_bytes()
    except OSError:
        ps = shutil.which("ps")  # macOS and the BSDs have no /proc
        if ps is None:
            return []
        shown = subprocess.run(
            [ps, "-o", "args=", "-p", str(os.getppid())], capture_output=True, text=True, check=False
        )
        return shown.stdout.split()
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


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


# How each app kind's image is run: a service needs its port published to be reached from the host.
DOCKER_RUN_OPTIONS = {"cli": "--rm", "web": "--rm -p 8000:8000"}


def next_steps(project_dir: Path, answers: dict[str, object]) -> str:
    slug = answers["project_slug"]
    run_options = DOCKER_RUN_OPTIONS[str(answers.get("app_kind", "cli"))]
    return "\n".join(
        [
            f"Created {project_dir}",
            "",
            "Next steps:",
            f"  cd {project_dir.name}",
            "  poetry install                 # creates .venv here (poetry.toml) and poetry.lock; commit poetry.lock",
            f"  poetry run {slug}",
            f"  docker build -t {slug} . && docker run {run_options} {slug}",
            "",
            "docs/docker.md explains the Dockerfile, stage by stage.",
        ]
    )


def main() -> int:
    answers = json.loads(ANSWERS_JSON)
    project_dir = Path.cwd()
    if is_cruft_comparison_bake(answers, parent_command_line()):
        return 0
    if answers["init_git_repository"]:
        warning = init_git_repository(project_dir)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    print(next_steps(project_dir, answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
