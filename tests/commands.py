"""Running a command for a test: output captured, and a failure that shows it.

One place for what every test that runs a tool needs: `run_checked` fails the test with the
command's exit status and the end of its output; `failure_report` is that text, for callers that
raise their own error instead (tests/docker/engine.py, which the benchmarks use outside pytest).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

# Enough to show the error, little enough to keep a failure readable.
STDOUT_TAIL = 4000
STDERR_TAIL = 8000


def run_command(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `command` with its output captured as text; never raises on a non-zero exit."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def failure_report(command: Sequence[str | Path], completed: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{' '.join(map(str, command))} exited {completed.returncode}\n"
        f"--- stdout\n{completed.stdout[-STDOUT_TAIL:]}\n--- stderr\n{completed.stderr[-STDERR_TAIL:]}"
    )


def run_checked(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `command`; if it fails, fail the test with its output."""
    completed = run_command(command, cwd=cwd, env=env, input=input, timeout=timeout)
    if completed.returncode != 0:
        pytest.fail(failure_report(command, completed))
    return completed
