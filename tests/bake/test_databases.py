"""Databases: how `database` reaches the generated files, by the same two mechanisms as `app_kind`.

- a file that exists only with a database has a conditional name:
  `{% if cookiecutter.database == 'postgres' %}database.py{% endif %}` (a folder whose files all
  render empty names is removed by the post-generation hook);
- a file that both share includes the part that differs from the database's folder of fragments:
  `{% include "databases/" ~ cookiecutter.database ~ "/app-ready.py" %}` (empty for `none` where
  it adds nothing).

The choices are cookiecutter.json's private `_databases` (`database` is a text answer whose
default follows the kind); a new one here makes these tests ask for its folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.template import DATABASES, TEMPLATE_DIR

Bake = Callable[..., Project]

PROJECT_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
FRAGMENTS = TEMPLATE_DIR / "templates"
DATABASE_FRAGMENT_DIR = FRAGMENTS / "databases"

DATABASE_INCLUDE = re.compile(
    r'\{%-?\s*include\s+"databases/"\s*~\s*cookiecutter\.database\s*~\s*"/(?P<name>[^"]+)"\s*-?%\}'
)
DATABASE_FILE_NAME = re.compile(
    r"\{% if cookiecutter\.database == '(?P<database>[^']+)' %\}(?P<name>[^{}]+)\{% endif %\}"
)
# What only a project with a database has.
DATABASE_FILES = (
    "alembic.ini",
    "src/{package}/database.py",
    "src/{package}/items.py",
    "src/{package}/migrate.py",
    "src/{package}/migrations/env.py",
    "src/{package}/migrations/script.py.mako",
    "src/{package}/migrations/versions/create_items_0001.py",
    "tests/conftest.py",
    "tests/test_database.py",
    "tests/test_items.py",
)


def readers() -> list[Path]:
    """The project's files and the app kinds' fragments: everything that may include a database's."""
    project = [path for path in PROJECT_DIR.rglob("*") if path.is_file()]
    kinds = [path for path in (FRAGMENTS / "app_kinds").rglob("*") if path.is_file()]
    return sorted(project + kinds)


def included_fragments() -> set[str]:
    return {
        include["name"] for path in readers() for include in DATABASE_INCLUDE.finditer(path.read_text(encoding="utf-8"))
    }


def fragments(database: str) -> set[str]:
    folder = DATABASE_FRAGMENT_DIR / database
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_templates_include_fragments_of_the_database() -> None:
    assert included_fragments()


def test_every_database_has_a_fragment_folder_and_nothing_else_has_one() -> None:
    assert sorted(path.name for path in DATABASE_FRAGMENT_DIR.iterdir()) == sorted(DATABASES)


@pytest.mark.parametrize("database", DATABASES)
def test_database_provides_exactly_the_fragments_the_templates_include(database: str) -> None:
    assert sorted(fragments(database) ^ included_fragments()) == []


def test_templates_read_database_only_in_fragment_includes_and_conditional_file_names() -> None:
    found = []
    for path in readers():
        relative = path.relative_to(TEMPLATE_DIR).as_posix()
        if "cookiecutter.database" in DATABASE_FILE_NAME.sub("", relative):
            found.append(f"{relative} (its name)")
        if "cookiecutter.database" in DATABASE_INCLUDE.sub("", path.read_text(encoding="utf-8")):
            found.append(relative)

    assert found == []


def test_conditional_file_names_name_a_database() -> None:
    named = {
        match["database"] for path in PROJECT_DIR.rglob("*") for match in DATABASE_FILE_NAME.finditer(path.as_posix())
    }

    assert sorted(named - set(DATABASES)) == []


def test_fragments_do_not_read_the_database_or_the_kind() -> None:
    found = [
        path.relative_to(DATABASE_FRAGMENT_DIR).as_posix()
        for path in sorted(DATABASE_FRAGMENT_DIR.rglob("*"))
        if path.is_file() and re.search(r"cookiecutter\.(database|app_kind)", path.read_text(encoding="utf-8"))
    ]

    assert found == []


def database_files(project: Project) -> list[str]:
    return [name.format(package=project.package) for name in DATABASE_FILES]


def test_a_web_service_has_postgres_by_default(bake: Bake) -> None:
    assert bake(app_kind="web").answers["database"] == "postgres"


def test_web_with_postgres_has_the_database_files(bake: Bake) -> None:
    project = bake(app_kind="web", database="postgres")

    assert [name for name in database_files(project) if not (project.path / name).is_file()] == []


@pytest.mark.parametrize("answers", [{"app_kind": "cli"}, {"app_kind": "web", "database": "none"}], ids=str)
def test_without_a_database_no_database_file_or_empty_folder_is_made(bake: Bake, answers: dict[str, str]) -> None:
    project = bake(**answers)

    assert [name for name in database_files(project) if (project.path / name).exists()] == []
    assert not (project.path / "src" / project.package / "migrations").exists()


@pytest.mark.parametrize(("database", "present"), [("postgres", True), ("none", False)], ids=["postgres", "none"])
def test_the_dependencies_follow_the_database(bake: Bake, database: str, present: bool) -> None:
    dependencies = bake(app_kind="web", database=database).pyproject["project"]["dependencies"]

    names = {re.split(r"[\[<>=]", dependency)[0] for dependency in dependencies}
    assert ({"alembic", "psycopg", "sqlalchemy"} <= names) is present


def test_the_migration_folder_is_inside_the_package_so_the_image_ships_it(bake: Bake) -> None:
    project = bake(app_kind="web", database="postgres")

    assert f"src/{project.package}/migrations" in project.read("alembic.ini")
