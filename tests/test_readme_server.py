"""The generated README's sentences about `serve` state the limits the server really has."""

from __future__ import annotations

import ast

from tests.conftest import Project


def server_constants(project: Project) -> dict[str, object]:
    module = ast.parse(project.read(f"src/{project.package}/server.py"))
    return {
        target.id: ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    }


def test_readme_states_the_servers_request_timeout_and_thread_limit(default_project: Project) -> None:
    """The generated project's own tests (tests/test_server.py) check that the server keeps them."""
    constants = server_constants(default_project)
    readme = " ".join(default_project.read("README.md").split())

    assert f"has not sent its request within {constants['REQUEST_TIMEOUT']:g} seconds" in readme
    assert f"handles at most {constants['MAX_THREADS']} requests at once" in readme
