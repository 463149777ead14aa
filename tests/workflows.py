"""Reading the generated GitHub Actions workflows."""

from __future__ import annotations

from typing import Any


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` mapping. YAML 1.1, which PyYAML reads, takes a bare `on` for the boolean true."""
    on = workflow[True]
    assert isinstance(on, dict)
    return on
