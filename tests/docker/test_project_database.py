"""The web kind's default project, with Postgres, against a real database server.

Its own tests pass there, the database's among them (none skipped), and Alembic notices a table
changed in the code without a migration. The server is the session's (postgres_server: the
stand-in of the official image, or TEST_POSTGRES_IMAGE), with a fresh database for each test,
named in <PREFIX>_DATABASE_URL as the project's README and CI name theirs. Without one the
project's tests stop at once, loudly (its tests/conftest.py), rather than skip what needs it.
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.commands import run_checked, run_command
from tests.conftest import Project, user_environment
from tests.http import free_port
from tests.readme_commands import console_blocks

pytestmark = pytest.mark.slow

# The project's test modules that need the database (its tests/conftest.py migrates it first).
DATABASE_TEST_MODULES = ("test_database", "test_items")


@pytest.fixture(scope="module")
def project(installed: Callable[..., Project]) -> Project:
    """The web kind's default bake, which has Postgres, after `poetry install`."""
    project = installed(app_kind="web")
    assert project.answers["database"] == "postgres"
    return project


def with_database(project: Project, url: str) -> dict[str, str]:
    """A user's shell whose settings name the database, as the README's settings table says."""
    return {**user_environment(), f"{project.package.upper()}_DATABASE_URL": url}


def defined_tests(project: Project, module: str) -> set[str]:
    """The test functions a module of the project's tests defines."""
    tree = ast.parse(project.read(f"tests/{module}.py"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def outcomes(report: Path) -> dict[tuple[str, str], str]:
    """Each test case of a JUnit XML report, (module, test without its parameters): its outcome."""
    cases: dict[tuple[str, str], str] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        verdicts = [child.tag for child in case if child.tag in ("skipped", "failure", "error")]
        key = (case.attrib["classname"].rsplit(".", 1)[-1], case.attrib["name"].split("[", 1)[0])
        if cases.get(key, "passed") == "passed":
            cases[key] = verdicts[0] if verdicts else "passed"
    return cases


@pytest.mark.docker
def test_readme_develop_commands_pass_against_a_real_database_and_run_every_database_test(
    project: Project, postgres_server: Callable[[str], str], tmp_path: Path
) -> None:
    """As the README says, plus a JUnit report (through PYTEST_ADDOPTS) to see which tests ran."""
    commands = console_blocks(project.read("README.md"))["Develop"]
    report = tmp_path / "report.xml"
    environment = {**with_database(project, postgres_server("develop")), "PYTEST_ADDOPTS": f"--junitxml={report}"}

    assert commands == ["make install", "make lint", "make typecheck", "make test"]
    for command in commands:
        run_checked(["bash", "-c", command], cwd=project.path, env=environment)

    ran = outcomes(report)
    print(f"the project's tests: {len(ran)} ran, {sum(o == 'passed' for o in ran.values())} passed")
    assert set(ran.values()) == {"passed"}, ran
    for module in DATABASE_TEST_MODULES:
        assert {test for (ran_module, test) in ran if ran_module == module} == defined_tests(project, module)


def test_without_a_database_the_projects_tests_stop_at_once_saying_how_to_start_one(project: Project) -> None:
    nobody_listens = f"postgresql://{project.package}@127.0.0.1:{free_port()}/{project.package}"

    completed = run_command(
        ["poetry", "run", "pytest", "--no-cov"], cwd=project.path, env=with_database(project, nobody_listens)
    )

    assert completed.returncode == 1, completed.stdout
    assert "The tests need a database" in completed.stdout
    assert "docker compose up -d --wait db" in completed.stdout
    # The URL compose's database takes (with its password) is the README's to give.
    assert f'export {project.package.upper()}_DATABASE_URL as README.md\'s "The database"' in completed.stdout
    assert "\n## The database\n" in project.read("README.md")
    assert " passed" not in completed.stdout


@pytest.fixture
def migrated_database(project: Project, postgres_server: Callable[[str], str]) -> dict[str, str]:
    """A user's shell naming a fresh database that the project's `migrate` command brought to the
    newest revision, as `alembic check` wants it."""
    environment = with_database(project, postgres_server("alembic"))
    run_checked(["poetry", "run", project.slug, "migrate"], cwd=project.path, env=environment)
    return environment


def alembic_check(project: Project, environment: dict[str, str]) -> tuple[int, str]:
    completed = run_command(["poetry", "run", "alembic", "check"], cwd=project.path, env=environment)
    return completed.returncode, completed.stdout + completed.stderr


@pytest.mark.docker
def test_alembic_check_passes_for_the_tables_as_baked(project: Project, migrated_database: dict[str, str]) -> None:
    returncode, output = alembic_check(project, migrated_database)

    assert returncode == 0, output
    assert "No new upgrade operations detected" in output


@pytest.mark.docker
def test_alembic_check_fails_on_a_new_column_without_a_migration_and_names_it(
    project: Project, migrated_database: dict[str, str]
) -> None:
    items = project.path / "src" / project.package / "items.py"
    original = items.read_text()
    name_column = "    name: Mapped[str] = mapped_column(String(NAME_LENGTH))\n"
    assert name_column in original
    items.write_text(original.replace(name_column, f"{name_column}    note: Mapped[str] = mapped_column(String(50))\n"))
    try:
        returncode, output = alembic_check(project, migrated_database)
    finally:
        items.write_text(original)

    assert returncode != 0
    assert "New upgrade operations detected" in output
    assert "add_column" in output
    assert "'items'" in output
    assert "'note'" in output or "Column('note'" in output
