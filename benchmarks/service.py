"""The realistic service that `make bench` builds beside the sample: written here, not baked.

A FastAPI application with the dependency set a production service typically starts with
(uvicorn with its standard extras, SQLAlchemy and alembic, psycopg with its binary, settings,
an HTTP client, structured logging, fast JSON): about 35 distributions once resolved. Its code
is small on purpose (a /health endpoint, settings, a database engine that is made but never
connected), so that the figures measure the build and the start, not the app.
"""

from __future__ import annotations

from pathlib import Path

from tests.template import copy_drop_in

NAME = "bench-service"
PACKAGE = "bench_service"
# The console script: what `docker run IMAGE` is given, in every recipe.
COMMAND = (NAME,)
# settings.py reads these, so that a benchmark can move the server to a free port on loopback.
ENV_PREFIX = "BENCH_SERVICE_"
HOST_VARIABLE = f"{ENV_PREFIX}HOST"
PORT_VARIABLE = f"{ENV_PREFIX}PORT"
# The file a "source edit" rebuild changes.
SOURCE_FILE = f"src/{PACKAGE}/app.py"

DEPENDENCIES = (
    "fastapi>=0.115,<1",
    "uvicorn[standard]>=0.30,<1",
    "sqlalchemy>=2,<3",
    "alembic>=1.13,<2",
    "psycopg[binary]>=3.2,<4",
    "pydantic-settings>=2.4,<3",
    "httpx>=0.27,<1",
    "structlog>=24.1",
    "orjson>=3.10,<4",
)


def pyproject(python_version: str) -> str:
    """PEP 621 metadata that Poetry and uv both read; Poetry builds it (poetry-core)."""
    dependencies = "".join(f'    "{dependency}",\n' for dependency in DEPENDENCIES)
    return f"""\
[project]
name = "{NAME}"
version = "0.1.0"
description = "A FastAPI service with a typical production dependency set (a benchmark subject)"
requires-python = ">={python_version}"
dependencies = [
{dependencies}]

[project.scripts]
{NAME} = "{PACKAGE}.main:main"

[build-system]
requires = ["poetry-core>=2,<3"]
build-backend = "poetry.core.masonry.api"

[tool.poetry]
packages = [{{ include = "{PACKAGE}", from = "src" }}]
"""


SETTINGS = f'''\
"""Settings from the environment ({ENV_PREFIX}*)."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="{ENV_PREFIX}")

    host: str = "0.0.0.0"
    port: int = 8000
    database_url: str = "postgresql+psycopg://app@db/app"
'''

APP = f'''\
"""The application: a health endpoint; logs as JSON lines, written by structlog through orjson."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import orjson
import structlog
from fastapi import FastAPI
from sqlalchemy import create_engine

from {PACKAGE}.settings import Settings

structlog.configure(
    processors=[
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.processors.JSONRenderer(serializer=orjson.dumps),
    ],
    logger_factory=structlog.BytesLoggerFactory(),
)
settings = Settings()
# Made at import, as most services do; SQLAlchemy connects only when a query runs.
engine = create_engine(settings.database_url, pool_pre_ping=True)
log = structlog.get_logger()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    log.info("started", database=engine.url.render_as_string(hide_password=True))
    yield
    engine.dispose()


app = FastAPI(title="{NAME}", lifespan=lifespan)


@app.get("/health")
def health() -> dict[str, str]:
    return {{"status": "ok", "http_client": httpx.__version__}}
'''

MAIN = f'''\
"""The console script: serve the app with uvicorn (uvloop and httptools, from its standard extras)."""

import uvicorn

from {PACKAGE}.settings import Settings


def main() -> None:
    settings = Settings()
    uvicorn.run("{PACKAGE}.app:app", host=settings.host, port=settings.port)
'''


def files(python_version: str) -> dict[str, str]:
    """Every file of the service's project, by path relative to its root."""
    return {
        "pyproject.toml": pyproject(python_version),
        f"src/{PACKAGE}/__init__.py": "",
        f"src/{PACKAGE}/settings.py": SETTINGS,
        f"src/{PACKAGE}/app.py": APP,
        f"src/{PACKAGE}/main.py": MAIN,
    }


def write(root: Path, python_version: str, *, generated: Path) -> Path:
    """The service's project under `root`, with the drop-in files of the `generated` project."""
    project = root / NAME
    for relative, text in files(python_version).items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    copy_drop_in(generated, project)
    return project
