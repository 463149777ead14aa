"""What the docs and READMEs say about the Dockerfile is what the Dockerfile has.

Every build argument and target a command names exists; the argument table of docs/docker.md
lists exactly the Dockerfile's arguments, with their defaults.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from tests.conftest import Project
from tests.readme_commands import console_blocks
from tests.template import DROP_IN_FILES, TEMPLATE_DIR

DOCUMENTS = ("docs/docker.md", "README.md")
# The template repository's own README and docs pages, which name build arguments too.
TEMPLATE_DOCUMENTS = (TEMPLATE_DIR / "README.md", *sorted((TEMPLATE_DIR / "docs").glob("*.md")))
BUILD_ARG = re.compile(r"--build-arg[ =]([A-Z][A-Z0-9_]*)")
TARGET = re.compile(r"--target[ =]([a-z][a-z0-9-]*)")


def dockerfile_args(project: Project) -> dict[str, str]:
    """Every ARG of the Dockerfile with its default (empty when it has none)."""
    parser = DockerfileParser(fileobj=io.BytesIO((project.path / "Dockerfile").read_bytes()))
    args = {}
    for instruction in parser.structure:
        if instruction["instruction"] == "ARG":
            name, _, default = instruction["value"].partition("=")
            args[name] = default.strip('"')
    return args


def dockerfile_stages(project: Project) -> list[str]:
    text = (project.path / "Dockerfile").read_text(encoding="utf-8")
    return re.findall(r"^FROM \S+ AS (\S+)$", text, re.MULTILINE)


def documented_texts(project: Project) -> dict[str, str]:
    texts = {name: project.read(name) for name in DOCUMENTS}
    for page in TEMPLATE_DOCUMENTS:
        texts[f"template {page.relative_to(TEMPLATE_DIR)}"] = page.read_text(encoding="utf-8")
    return texts


def argument_table(project: Project) -> dict[str, str]:
    """docs/docker.md's table of build arguments: each name with its Default cell."""
    docs = project.read("docs/docker.md")
    table = docs.split("| Argument | Default | Purpose |\n|---|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for row in table.splitlines():
        names_cell, default_cell, _ = row.strip("|").split(" | ", 2)
        for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", names_cell):
            rows[name] = default_cell
    return rows


def test_every_build_argument_a_command_names_is_declared_in_the_dockerfile(default_project: Project) -> None:
    declared = set(dockerfile_args(default_project))

    for name, text in documented_texts(default_project).items():
        # `--build-arg NAME=value` is how the docs introduce the syntax itself.
        assert set(BUILD_ARG.findall(text)) - {"NAME"} <= declared, name


def test_every_target_a_command_names_is_a_stage_of_the_dockerfile(default_project: Project) -> None:
    stages = set(dockerfile_stages(default_project))

    for name, text in documented_texts(default_project).items():
        assert set(TARGET.findall(text)) <= stages, name


def test_docs_argument_table_lists_exactly_the_dockerfiles_arguments(default_project: Project) -> None:
    assert set(argument_table(default_project)) == set(dockerfile_args(default_project))


def test_docs_argument_table_shows_each_written_default(default_project: Project) -> None:
    table = argument_table(default_project)

    for name, default in dockerfile_args(default_project).items():
        if default:
            assert f"`{default}`" in table[name], name
        else:
            assert table[name].startswith("empty"), name


@pytest.mark.parametrize("stage", ["os-base", "poetry-base", "app-base", "main"])
def test_docs_walk_through_every_stage(default_project: Project, stage: str) -> None:
    assert stage in dockerfile_stages(default_project)
    assert re.search(rf"^### {stage}: ", default_project.read("docs/docker.md"), re.MULTILINE), stage


def test_drop_in_commands_copy_exactly_the_drop_in_files(default_project: Project, tmp_path: Path) -> None:
    """The copy commands of docs/docker.md, run as written, copy what the drop-in tests copy."""
    commands = console_blocks(default_project.read("docs/docker.md"))["Use this Dockerfile in your existing project"]
    copying = [line.removeprefix("$ ") for line in commands if line.startswith(("$ mkdir ", "$ cp "))]
    (tmp_path / "path/to").mkdir(parents=True)
    (tmp_path / "path/to" / default_project.slug).symlink_to(default_project.path)
    existing = tmp_path / "path/to/my-app"
    existing.mkdir()

    subprocess.run(["bash", "-euc", "\n".join(copying)], cwd=tmp_path, check=True)

    copied = sorted(path.relative_to(existing).as_posix() for path in existing.rglob("*") if path.is_file())
    assert copied == sorted(DROP_IN_FILES)
    for relative in DROP_IN_FILES:
        assert (existing / relative).read_bytes() == (default_project.path / relative).read_bytes()
