"""Running a command for a test: output captured, and a failure that shows it.

One place for what every test that runs a tool needs: `run_checked` fails the test with the
command's exit status and the end of its output; `failure_report` is that text, for callers that
raise their own error instead (tests/docker/engine.py, which the benchmarks use outside pytest).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypedDict, Unpack

import pytest

# Enough to show the error, little enough to keep a failure readable.
STDOUT_TAIL = 4000
STDERR_TAIL = 8000


class RunOptions(TypedDict, total=False):
    """What a test may set for the command: where it runs, its environment, input and time limit."""

    cwd: Path | None
    env: Mapping[str, str] | None
    input: str | None
    timeout: float | None


def run_command(command: Sequence[str | Path], **options: Unpack[RunOptions]) -> subprocess.CompletedProcess[str]:
    """Run `command` with its output captured as text; never raises on a non-zero exit."""
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False, **options)


def failure_report(command: Sequence[str | Path], completed: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{' '.join(map(str, command))} exited {completed.returncode}\n"
        f"--- stdout\n{completed.stdout[-STDOUT_TAIL:]}\n--- stderr\n{completed.stderr[-STDERR_TAIL:]}"
    )


def run_checked(command: Sequence[str | Path], **options: Unpack[RunOptions]) -> subprocess.CompletedProcess[str]:
    """Run `command`; if it fails, fail the test with its output."""
    completed = run_command(command, **options)
    if completed.returncode != 0:
        pytest.fail(failure_report(command, completed))
    return completed
