# The front door: `make run` and `make test` work on a fresh clone with only Python 3.11+.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run serve test lint fmt typecheck pytest migrate openapi bench clean messages witness

help: ## Show the available targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed ($(PYTHON) is $$($(PYTHON) -V))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run ## Install, migrate, load the demo on first run, serve on http://127.0.0.1:8000
	$(BIN)/registry migrate
	$(BIN)/registry demo load --if-empty
	$(BIN)/registry serve --host $(HOST) --port $(PORT)

WITNESS_NAME ?= witness.localhost/w1
WITNESS_PORT ?= 8300

witness: $(VENV)/.installed-run ## Run a witness of the local log on 127.0.0.1:8300 (README: Witnesses)
	mkdir -p var
	$(BIN)/registry ledger key > var/witness-logs.txt
	@echo "witness key: $$($(BIN)/registry witness key --key var/witness.key --name $(WITNESS_NAME))"
	$(BIN)/registry witness serve --key var/witness.key --name $(WITNESS_NAME) --logs var/witness-logs.txt --port $(WITNESS_PORT)

migrate: $(VENV)/.installed-run ## Apply the migrations to REGISTRY_DATABASE_URL
	$(BIN)/registry migrate

test: lint typecheck pytest ## Lint, type-check and run the whole suite on SQLite and PostgreSQL

lint: $(VENV)/.installed-test ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed-test ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.installed-test ## mypy --strict on registry/
	$(BIN)/mypy

CHROMIUM ?= /usr/bin/chromium

# The slowest tests are listed at the end of every run, so that CI's time can be watched. One
# test process per core (pytest-xdist), each taking whole files, so that a file's module-wide
# set-up (a live server, a browser) is made once; `PYTEST_ARGS="-n 0 …"` runs in one process.
# The processes are the CPUs this process may use (nproc), not xdist's "auto", which counts the
# host's physical cores whatever a container or CPU affinity allows.
TEST_PROCESSES ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_ARGS ?= --durations=30 -n $(TEST_PROCESSES) --dist loadfile

pytest: $(VENV)/.installed-test $(CHROMIUM) ## The test suite only
	$(BIN)/pytest $(PYTEST_ARGS)

# The browser tests drive Debian's chromium (Playwright's own browser download is not used).
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install Chromium at $(CHROMIUM) (or set CHROMIUM=…)"; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
	  || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core; }

openapi: $(VENV)/.installed-run ## Regenerate openapi/openapi.json from the app
	$(BIN)/python -m registry.openapi > openapi/openapi.json

LOCALES := uz_Latn uz_Cyrl ru kk en
CATALOGS := registry/web/locale

messages: $(VENV)/.installed-run ## Extract the portal's texts and update every language's catalog
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -o $(CATALOGS)/messages.pot .
	for locale in $(LOCALES); do \
	  if [ -f $(CATALOGS)/$$locale/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(CATALOGS)/messages.pot -d $(CATALOGS) -l $$locale; \
	  else \
	    $(BIN)/pybabel init -i $(CATALOGS)/messages.pot -d $(CATALOGS) -l $$locale; \
	  fi; \
	done
	$(BIN)/python -m registry.web.catalogs

bench: $(VENV)/.installed-run ## The ledger benchmarks on the local PostgreSQL (slow: builds 1M leaves)
	$(BIN)/registry bench ledger

clean: ## Remove the virtualenv and the local database and key
	rm -rf $(VENV) var
