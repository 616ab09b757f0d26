# Incognito: two commands. `make run` sets everything up and serves the demo; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install dev-install migrate demo lint check contract-ts format bench requirements schema clean

# Runtime packages (requirements.txt) for `make run`; development tools (requirements-dev.txt) on
# top for tests and linters. Both files are compiled with every transitive package pinned: edit the
# `.in` files and run `make requirements`.
$(BIN)/.python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Incognito needs Python 3.11 or newer"' \
		|| { echo "Python 3.11+ is required (found $$($(PYTHON) --version 2>&1)); set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(BIN)/.installed: requirements.txt | $(BIN)/.python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev-installed: requirements-dev.txt $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

# The coaching PDF's CJK font and HarfBuzz subsetter, fetched from Debian's packages without root.
PDF_ASSETS := var/fonts/NotoSansSC-Regular.otf
$(PDF_ASSETS): | $(BIN)/.installed
	$(BIN)/python -m coaching.pdf.assets

install: $(BIN)/.installed $(PDF_ASSETS)

dev-install: install $(BIN)/.dev-installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo "Incognito demo on http://$(HOST):$(PORT)/  (API docs /api/docs/, admin /admin/; password incognito-demo)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# TEST_WORKERS: parallel test processes (pytest-xdist); `auto` is one per core.
# INCOGNITO_TEST_NOW=2027-06-30T23:30:00Z moves the clock of the whole run to that instant.
TEST_WORKERS ?= auto
test: dev-install
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
		|| echo "NOTE: Chromium not found, so the browser tests (tests/e2e) will not run; install Debian's chromium and chromium-driver to run them."
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: dev-install
	$(BIN)/python bench/submit_visit.py
	$(BIN)/python bench/photo_intake.py
	$(BIN)/python bench/plan_wave.py
	$(BIN)/python bench/report_queries.py
	$(BIN)/python manage.py migrate --noinput >/dev/null && $(BIN)/python manage.py seed_demo >/dev/null
	$(BIN)/python bench/dashboard_pages.py
	$(BIN)/python bench/coaching_pdf.py
	$(BIN)/python bench/render_all_stores.py

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# What CI checks besides the tests: lint, formatting, the import layers (pyproject.toml's
# [tool.importlinter] contracts), statuses spelled as enums, migrations that match the models.
check: dev-install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m tools.status_literals
	$(BIN)/python manage.py makemigrations --check --dry-run
	@# The contract the phones are built against: a change to the API shows as a diff to review.
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file var/openapi.check.yaml
	@diff -u docs/openapi.yaml var/openapi.check.yaml \
		|| { echo "The API schema changed (diff above): check it is additive (README: Changing the API without breaking phones in the field), then run make schema and commit docs/openapi.yaml."; exit 1; }
	@# The TypeScript client's types, generated from that schema, compile with tsc --strict.
	$(MAKE) --no-print-directory contract-ts

# openapi-typescript's types of docs/openapi.yaml and tools/contract-ts/check.ts under tsc --strict
# (Node 20+ and npm; the versions pinned in tools/contract-ts/package-lock.json). `make run` needs no Node.
contract-ts:
	tools/contract-ts/check.sh

# docs/openapi.yaml: the committed OpenAPI schema (the same bytes /api/schema/ serves).
schema: dev-install
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

format: dev-install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

requirements: $(BIN)/.dev-installed
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
