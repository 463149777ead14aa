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


README_CODE_FENCE = "```"


def console_blocks(readme: str) -> dict[str, list[list[str]]]:
    """The commands of each ```console block in the README, under the heading above it ("" for the
    blocks before the first `##` section), in the file's order. Plain line matching: the hook runs
    where cookiecutter runs, with no Markdown parser."""
    blocks: dict[str, list[list[str]]] = {}
    heading, block = "", None
    for line in readme.splitlines():
        if block is None and line.startswith("## "):
            heading = line[3:].strip()
        elif block is None and line.strip() == README_CODE_FENCE + "console":
            block = []
            blocks.setdefault(heading, []).append(block)
        elif block is not None and line.strip() == README_CODE_FENCE:
            block = None
        elif block is not None and line.strip():
            block.append(line)
    return blocks


# The README's first commands, which the banner repeats so that the two never disagree: the first
# block before any section (the app with Poetry), then the first of the Docker section.
NEXT_STEPS_SECTIONS = ("", "Docker")


def next_steps(project_dir: Path) -> str:
    """What to do first, as the generated README.md says it."""
    blocks = console_blocks((project_dir / "README.md").read_text(encoding="utf-8"))
    commands = [f"cd {project_dir.name}"]
    for section in NEXT_STEPS_SECTIONS:
        commands += blocks[section][0]
    return "\n".join(
        [
            f"Created {project_dir}",
            "",
            "Next steps:",
            *(f"  {command}" for command in commands),
            "",
            "README.md explains each of them, and docs/docker.md the Dockerfile.",
        ]
    )


def remove_empty_folders(project_dir: Path) -> list[Path]:
    """Remove the folders left empty because every file in them has a name that rendered empty
    (a file for another choice: `{% if cookiecutter.database == 'postgres' %}env.py{% endif %}`).

    Cookiecutter skips such files but still creates their folder. Deepest first, so that a folder
    holding only empty folders goes too. Returns what was removed.
    """
    removed = []
    for folder in sorted((path for path in project_dir.rglob("*") if path.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
            removed.append(folder)
    return removed


def main() -> int:
    answers = json.loads(ANSWERS_JSON)
    project_dir = Path.cwd()
    remove_empty_folders(project_dir)
    if is_cruft_comparison_bake(answers, parent_command_line()):
        return 0
    if answers["init_git_repository"]:
        warning = init_git_repository(project_dir)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    print(next_steps(project_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
