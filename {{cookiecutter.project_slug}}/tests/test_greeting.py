"""The greeting itself."""

import pytest

from {{ cookiecutter.package_name }}.greeting import greet


def test_greets_by_name() -> None:
    assert greet("Ada") == "Hello, Ada!"


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_name_greets_the_world(blank: str) -> None:
    assert greet(blank) == "Hello, World!"
