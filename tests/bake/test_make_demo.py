"""The template README's `make demo`, on a machine whose only Python is the system's.

As the README puts it: `env -i`, so that nothing of the caller's shell helps, and a PATH with only
the system's directories, whose `python3` (Debian 12's 3.11 here) is the only interpreter. Adapted
to this machine and this test: the certificate bundle with this machine's interception CA (so that
Poetry can reach the package index), an output folder outside the repository (DEMO_DIR), and the
repository's existing .venv kept as it is rather than rebuilt with the system's Python.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.template import CHOICES, TEMPLATE_DIR

SYSTEM_PATH = "/usr/bin:/bin"
OFFERED = sorted(CHOICES["python_version"], key=lambda version: tuple(map(int, version.split("."))))
NEEDS = f"make demo needs Python {OFFERED[0]} to {OFFERED[-1]}"
INSTALLED_MARKER = TEMPLATE_DIR / ".venv" / "bin" / ".installed"


def make_demo(*variables: str, path: str = SYSTEM_PATH) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": path, "HOME": os.environ["HOME"]}
    for bundle in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        if bundle in os.environ:
            environment[bundle] = os.environ[bundle]
    return subprocess.run(
        ["make", "--no-print-directory", f"--old-file={INSTALLED_MARKER}", "demo", *variables],
        cwd=TEMPLATE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def system_python_version() -> str:
    found = subprocess.run(
        ["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        env={"PATH": SYSTEM_PATH},
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if found not in CHOICES["python_version"]:
        pytest.skip(f"this machine's system python3 is {found or 'missing'}, not a version the template offers")
    return found


@pytest.mark.slow
def test_make_demo_bakes_for_the_system_python_and_greets(tmp_path: Path) -> None:
    version = system_python_version()
    demo = tmp_path / "demo"

    completed = make_demo(f"DEMO_DIR={demo}")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.splitlines()[-1] == "Hello, World!"
    assert f'requires-python = ">={version}"' in (demo / "my-project" / "pyproject.toml").read_text()


@pytest.fixture
def python_3_10(tmp_path: Path) -> Path:
    """A `python3` that reports itself as 3.10, a version the template does not offer."""
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    python.write_text("#!/bin/sh\necho 3.10\n")
    python.chmod(0o755)
    return python


def test_make_demo_with_an_unsupported_python_stops_with_one_line_saying_what_it_needs(
    python_3_10: Path, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"

    completed = make_demo(f"DEMO_DIR={demo}", path=f"{python_3_10.parent}:{SYSTEM_PATH}")

    assert completed.returncode != 0
    (line,) = completed.stderr.splitlines()
    message = f"{NEEDS} as python3, which is 3.10: name one with PYTHON=python3.13, for example."
    assert re.fullmatch(rf"Makefile:\d+: \*\*\* {re.escape(message)}  Stop\.", line)
    assert not demo.exists()


def test_make_demo_without_python_says_it_found_none(tmp_path: Path) -> None:
    completed = make_demo(f"DEMO_DIR={tmp_path / 'demo'}", "PYTHON=no-such-python")

    assert completed.returncode != 0
    assert f"{NEEDS} as no-such-python, which is not found" in completed.stderr
