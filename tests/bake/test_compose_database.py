"""compose.yaml with a database: Postgres beside the dev service, migrated before the app starts.

Only the bake and a YAML parser: tests/devloop/test_compose_database.py runs the same file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import Project

Bake = Callable[..., Project]

# The official image at a full release (major.minor, then the Debian suite), never a floating tag.
PINNED_POSTGRES = re.compile(r"postgres:\d+\.\d+-[a-z]+")
# Every place a bake names the official image: compose, CI, the docs.
POSTGRES_REFERENCE = re.compile(r"(?<![\w./])(?<!\w-)postgres:[\w.-]+")


@pytest.fixture(scope="module")
def project(bake: Bake) -> Project:
    return bake(app_kind="web", database="postgres")


@pytest.fixture(scope="module")
def compose(project: Project) -> dict[str, Any]:
    return dict(yaml.safe_load(project.read("compose.yaml")))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return dict(compose["services"])


def default_image(service: dict[str, Any]) -> str:
    """The image when POSTGRES_IMAGE is unset: the default of `${POSTGRES_IMAGE:-...}`."""
    found = re.fullmatch(r"\$\{POSTGRES_IMAGE:-(?P<default>[^}]+)\}", service["image"])
    assert found, f"the image is not `${{POSTGRES_IMAGE:-...}}`: {service['image']}"
    return found["default"]


def test_the_services_are_the_database_its_migration_and_the_app(services: dict[str, Any]) -> None:
    assert sorted(services) == ["db", "dev", "migrate"]


def test_the_database_is_the_official_image_at_a_pinned_release_that_tests_can_replace(
    services: dict[str, Any],
) -> None:
    assert PINNED_POSTGRES.fullmatch(default_image(services["db"]))


def test_every_file_of_the_bake_names_the_same_postgres_release(project: Project, services: dict[str, Any]) -> None:
    named = {
        f"{path.relative_to(project.path)}: {reference}"
        for path in project.files()
        for reference in POSTGRES_REFERENCE.findall(path.read_text(encoding="utf-8", errors="replace"))
    }

    assert {entry.split(": ", 1)[1] for entry in named} == {default_image(services["db"])}, sorted(named)


def test_the_database_is_made_for_the_package_with_a_password(services: dict[str, Any], project: Project) -> None:
    environment = services["db"]["environment"]

    assert environment["POSTGRES_USER"] == project.package
    assert environment["POSTGRES_DB"] == project.package
    assert environment["POSTGRES_PASSWORD"]


def test_a_comment_says_the_committed_password_is_for_development_only(project: Project) -> None:
    lines = project.read("compose.yaml").splitlines()
    (index,) = [number for number, line in enumerate(lines) if "POSTGRES_PASSWORD:" in line]
    comment = []
    for line in reversed(lines[:index]):
        if not line.lstrip().startswith("#"):
            break
        comment.insert(0, line.strip("# "))

    assert re.search(r"development only", " ".join(comment), re.IGNORECASE), comment


def test_the_data_lives_in_a_named_volume(compose: dict[str, Any], services: dict[str, Any]) -> None:
    mounts = dict(volume.split(":", 1) for volume in services["db"]["volumes"])

    assert mounts["db-data"] == "/var/lib/postgresql/data"
    assert "db-data" in compose["volumes"]


def test_the_database_port_is_published_on_loopback_only(services: dict[str, Any]) -> None:
    assert services["db"]["ports"] == ["127.0.0.1:${DB_PORT:-5432}:5432"]


def test_the_database_is_healthy_once_pg_isready_reaches_the_apps_database(services: dict[str, Any]) -> None:
    check = services["db"]["healthcheck"]

    # `$$` in the file: Compose leaves `$POSTGRES_USER` for the container's shell. Over TCP: the
    # official image's first start runs a temporary server on the local socket only.
    assert check["test"] == ["CMD-SHELL", 'pg_isready -h 127.0.0.1 -U "$$POSTGRES_USER" -d "$$POSTGRES_DB"']
    assert check["interval"] == "2s"


def test_migrate_runs_the_apps_migrate_command_once_from_the_dev_image(
    services: dict[str, Any], project: Project
) -> None:
    migrate = services["migrate"]

    assert migrate["build"] == services["dev"]["build"]
    assert migrate["command"] == [project.slug, "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_the_app_waits_for_a_healthy_database_and_a_finished_migration(services: dict[str, Any]) -> None:
    assert services["dev"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


@pytest.mark.parametrize("service", ["dev", "migrate"])
def test_the_database_url_names_the_db_service_as_it_is_made(
    services: dict[str, Any], project: Project, service: str
) -> None:
    url = urlsplit(services[service]["environment"][f"{project.package.upper()}_DATABASE_URL"])
    database = services["db"]["environment"]

    assert url.scheme == "postgresql+psycopg"
    assert (url.hostname, url.port) == ("db", 5432)
    assert (url.username, url.password) == (database["POSTGRES_USER"], database["POSTGRES_PASSWORD"])
    assert url.path == f"/{database['POSTGRES_DB']}"


def test_without_a_database_compose_has_the_dev_service_alone(bake: Bake) -> None:
    compose = yaml.safe_load(bake(app_kind="web", database="none").read("compose.yaml"))

    assert list(compose) == ["services"]
    assert list(compose["services"]) == ["dev"]
    assert "depends_on" not in compose["services"]["dev"]
    assert not any("DATABASE" in name for name in compose["services"]["dev"]["environment"])
