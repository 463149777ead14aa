# Baseline for benchmarks/run.py, not part of the template: the "Poetry export" recipe of
# many guides since Poetry 1.2. A builder stage exports poetry.lock as requirements with hashes,
# pip installs them into a venv and then the project itself; the runtime stage takes the venv.
# Only changes for the benchmark: the pinned versions, and the mirror plugin so that Poetry can
# use an index that serves only the simple API (empty PYPI_MIRROR_URL: plain PyPI).
ARG PYTHON_IMAGE=python:3.13-slim
FROM ${PYTHON_IMAGE} AS builder
ARG PYPI_MIRROR_URL=""
ENV POETRY_PYPI_MIRROR_URL=${PYPI_MIRROR_URL}
RUN pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1 poetry-plugin-pypi-mirror==0.6.5
WORKDIR /app
COPY pyproject.toml poetry.lock ./
RUN poetry export --only main --output requirements.txt \
 && python -m venv .venv \
 && if [ -n "$PYPI_MIRROR_URL" ]; then export PIP_INDEX_URL="$PYPI_MIRROR_URL"; fi \
 && .venv/bin/pip install --no-cache-dir --no-deps --require-hashes --requirement requirements.txt
COPY . .
RUN if [ -n "$PYPI_MIRROR_URL" ]; then export PIP_INDEX_URL="$PYPI_MIRROR_URL"; fi \
 && .venv/bin/pip install --no-cache-dir --no-deps .

FROM ${PYTHON_IMAGE}
COPY --from=builder /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:$PATH"
WORKDIR /app
CMD ["my-project"]
