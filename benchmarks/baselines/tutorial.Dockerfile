# Baseline for benchmarks/run.py, not part of the template: a single-stage Poetry build as
# most tutorials write it (pip-installed Poetry, no virtualenv, `poetry install --only main`).
# Only changes for the benchmark: the pinned versions, and the mirror plugin so that Poetry can
# use an index that serves only the simple API (empty PYPI_MIRROR_URL: plain PyPI).
ARG PYTHON_IMAGE=python:3.13-slim
FROM ${PYTHON_IMAGE}
ARG PYPI_MIRROR_URL=""
ENV POETRY_PYPI_MIRROR_URL=${PYPI_MIRROR_URL}
RUN pip install --no-cache-dir poetry==2.5.1 poetry-plugin-pypi-mirror==0.6.5
WORKDIR /app
COPY pyproject.toml poetry.lock ./
RUN poetry config virtualenvs.create false && poetry install --only main --no-root --no-interaction
COPY . .
RUN poetry install --only main --no-interaction
CMD ["my-project"]
