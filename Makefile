# Accord — every developer action. `make help` lists them.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export ACCORD_DATA_DIR ?= $(CURDIR)/var
# Production is anything not explicitly development: `make run` and `make test` are development.
export ACCORD_DEBUG ?= true
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help run test test-e2e lint bench messages schema clean

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

# ACCORD_E2E=no leaves out the browser journeys (CI runs them once, in its SQLite pass).
test: $(VENV)/.installed-dev ## set up and run the whole test suite (ACCORD_DATABASE_URL=postgres://… for PostgreSQL)
	$(BIN)/pytest $(if $(filter no,$(ACCORD_E2E)),-m "not e2e")

lint: $(VENV)/.installed-dev ## ruff, formatting, mypy --strict on the numeric core
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed-dev ## run the benchmarks in bench/ (each prints its figures and the machine)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

messages: $(VENV)/.installed-dev ## extract strings into the Korean catalogue and compile it
	cd src/accord && ../../$(BIN)/accord makemessages -l ko --no-obsolete --add-location file -i "core/*"
	cd src/accord && ../../$(BIN)/accord compilemessages -l ko

schema: $(VENV)/.installed ## write the OpenAPI schema to doc/api/openapi.json
	$(BIN)/accord export_openapi_schema --api accord.api.urls.api --indent 2 --sorted --output doc/api/openapi.json

clean: ## remove the virtualenv and the local data folder
	rm -rf $(VENV) var
