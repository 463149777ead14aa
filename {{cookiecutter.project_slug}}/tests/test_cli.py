"""The command line, run in-process through click's test runner."""

import subprocess
import sys
from collections.abc import Callable
from http.server import ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from {{ cookiecutter.package_name }} import __version__, cli
from {{ cookiecutter.package_name }}.cli import main


def test_without_a_command_greets_the_world() -> None:
    result = CliRunner().invoke(main, [])

    assert result.exit_code == 0
    assert result.output == "Hello, World!\n"


def test_hello_greets_the_given_name() -> None:
    result = CliRunner().invoke(main, ["hello", "--name", "Ada"])

    assert result.exit_code == 0
    assert result.output == "Hello, Ada!\n"


def test_version_option_prints_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])

    assert result.exit_code == 0
    assert __version__ in result.output


def test_serve_announces_its_address_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[ThreadingHTTPServer] = []

    def serve_once(server: ThreadingHTTPServer, on_ready: Callable[[], None]) -> None:
        served.append(server)
        on_ready()

    monkeypatch.setattr(cli, "serve_until_stopped", serve_once)

    result = CliRunner().invoke(main, ["serve", "--port", "0"])

    assert result.exit_code == 0
    port = served[0].server_address[1]
    assert result.stderr == f"Serving on http://127.0.0.1:{port}/health\nStopped.\n"
    served[0].server_close()


def test_runs_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", "hello", "--name", "module"],
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout == "Hello, module!\n"
