"""The generated README's Layout block: its descriptions line up, whatever the package's name."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt

from tests.conftest import Project

# A path, at least two spaces, a description.
ROW = re.compile(r"(?P<path>\S+) {2,}(?P<description>\S.*)")
# Package names from one character to the longest the answer rules accept.
PACKAGE_NAME_LENGTHS = [1, 9, 10, 11, 19, 20, 21, 40, 64]


def layout_rows(project: Project) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(project.read("README.md"))
    headings = [index for index, token in enumerate(tokens) if token.type == "heading_open"]
    (start,) = [index for index in headings if tokens[index + 1].content == "Layout"]
    block = next(token for token in tokens[start:] if token.type == "fence")
    return block.content.splitlines()


@pytest.mark.parametrize("length", PACKAGE_NAME_LENGTHS)
def test_layout_descriptions_start_in_one_column_for_any_package_name_length(
    bake: Callable[..., Project], length: int
) -> None:
    package = ("p" + "ackage_name" * 6)[:length]
    project = bake(package_name=package)

    rows = [ROW.fullmatch(line) for line in layout_rows(project)]

    assert all(rows), layout_rows(project)
    assert rows[0] is not None
    assert rows[0]["path"] == f"src/{package}/"
    assert len({row.start("description") for row in rows if row is not None}) == 1
