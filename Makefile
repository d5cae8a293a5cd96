# crampcare tasks. `make run` starts the app; `make test` runs every test and the linters.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.DEFAULT_GOAL := check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

.PHONY: install run test lint format check browser gettext messages benchmark clean

install: $(STAMP)

## Install into .venv, apply migrations and serve on http://127.0.0.1:8000 (SQLite in your data dir).
run: $(STAMP)
	$(BIN)/crampcare serve

## Install dev dependencies (and chromium and gettext when we can) and run the whole test suite.
test: $(DEV_STAMP) browser gettext
	CRAMPCARE_DATA_DIR=$(CURDIR)/var/test-data $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## Debian's chromium drives the browser tests (never `playwright install`).
browser:
	@bash scripts/ensure-chromium

## Debian's gettext: the translation catalogues are checked against the sources (docs/translation.md).
gettext:
	@bash scripts/ensure-gettext

## Update every translation catalogue from the sources and compile it (docs/translation.md).
messages: $(DEV_STAMP) gettext
	bash scripts/messages

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CRAMPCARE_DATA_DIR=$(CURDIR)/var/test-data $(BIN)/mypy src/crampcare
	$(BIN)/lint-imports

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: test lint

benchmark: $(DEV_STAMP)
	bash benchmarks/run

clean:
	rm -rf $(VENV) var screenshots
