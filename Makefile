# Accord — every developer action. `make help` lists them.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export ACCORD_DATA_DIR ?= $(CURDIR)/var
# Production is anything not explicitly development: `make run` and `make test` are development.
export ACCORD_DEBUG ?= true
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help run test test-e2e lint bench messages schema lock lock-check wheel clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Accord needs Python 3.11 ($(PYTHON) not found). Set PYTHON=/path/to/python3.11."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed ## set up and serve the demo at http://127.0.0.1:8000 (SQLite in ./var)
	$(BIN)/accord migrate --no-input -v 0
	$(BIN)/accord seed-demo
	@echo "Serving Accord at http://$(HOST)/  (Ctrl-C to stop)"
	$(BIN)/accord runserver $(HOST)

# The suite runs on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process), then the
# browser journeys in one process: each drives Chromium against a live server, and two at once on a
# small machine only wait for each other. ACCORD_E2E=no leaves them out (CI runs them once, in its
# SQLite pass).
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev ## set up and run the whole test suite (ACCORD_DATABASE_URL=postgres://… for PostgreSQL)
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not e2e"
	$(if $(filter no,$(ACCORD_E2E)),,$(BIN)/pytest -m e2e)

lint: $(VENV)/.installed-dev ## ruff, formatting, mypy --strict on the numeric core
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed-dev ## run the benchmarks in bench/ (each prints its figures and the machine)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

messages: $(VENV)/.installed-dev ## extract strings into the Korean catalogue and compile it
	cd src/accord && ../../$(BIN)/accord makemessages -l ko --no-obsolete --add-location file -i "core/*"
	cd src/accord && ../../$(BIN)/accord compilemessages -l ko

schema: $(VENV)/.installed ## write the OpenAPI schema to doc/api/openapi.json
	$(BIN)/accord export_openapi_schema --api accord.api.main.api --indent 2 --sorted --output doc/api/openapi.json

# The lock: requirements.txt (runtime) and requirements-dev.txt (runtime + the dev extra, constrained
# to the same runtime pins) generated from pyproject.toml by uv; existing pins are kept unless the
# ranges in pyproject.toml exclude them (`make lock UPGRADE=--upgrade` moves everything forward).
UV = $(abspath $(BIN))/uv
LOCK = $(UV) pip compile pyproject.toml --quiet --python-version 3.11 --custom-compile-command "make lock" $(UPGRADE)

lock: $(VENV)/.installed-dev ## regenerate requirements*.txt from pyproject.toml (uv pip compile)
	$(LOCK) -o requirements.txt
	$(LOCK) --extra dev -c requirements.txt -o requirements-dev.txt

lock-check: $(VENV)/.installed-dev ## fail when requirements*.txt are not what `make lock` makes of pyproject.toml
	@tmp=$$(mktemp -d) && cp pyproject.toml README.md requirements.txt requirements-dev.txt $$tmp/ && \
	  ( cd $$tmp && $(LOCK) -o requirements.txt && $(LOCK) --extra dev -c requirements.txt -o requirements-dev.txt ) && \
	  diff -u requirements.txt $$tmp/requirements.txt && diff -u requirements-dev.txt $$tmp/requirements-dev.txt && \
	  rm -rf $$tmp && echo "lock matches pyproject.toml" || \
	  { echo "requirements*.txt do not match pyproject.toml: run \`make lock\` and commit"; rm -rf $$tmp; exit 1; }

wheel: $(VENV)/.installed-dev ## build the wheel, install it in a clean venv, run accord check and a smoke test there
	rm -rf dist && $(BIN)/python -m build --outdir dist . >/dev/null
	rm -rf build/wheel-venv && $(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/pip install --quiet --disable-pip-version-check -c requirements.txt dist/accord-*.whl
	cd /tmp && $(CURDIR)/build/wheel-venv/bin/python $(CURDIR)/.ci/smoke_wheel.py

clean: ## remove the virtualenv, the local data folder and build outputs
	rm -rf $(VENV) var build dist
