# MotCua — two commands set everything up: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Find a Python >= 3.12. PYTHON overrides. On machines where python3.12 is a pyenv shim that
# only answers with PYENV_VERSION set, fall back to the pyenv interpreter itself.
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; \
	done; \
	for p in $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3; do \
	  [ -x $$p ] && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; \
	done)

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The national catalog extract shipped beside the project (2,642 real procedures).
PROCEDURES ?= ../shared/data/tthc/procedures.jsonl
# How many generated dossiers the work-queue benchmark runs on.
BENCH_DOSSIERS ?= 1000000

.PHONY: help install run test test-fast lint format lock messages db-stop clean setup-demo browser-deps system-deps bench oidc-provider axe

help:
	@echo "make run        install, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test       install and run the whole test suite (unit, integration, browser)"
	@echo "make lint       ruff format check and lint"
	@echo "make bench      benchmarks (numbers recorded in docs/benchmarks.md)"
	@echo "make format     ruff format and autofix"
	@echo "make lock       re-pin the dependency lock files from pyproject.toml"
	@echo "make messages   update the gettext catalogs (needs GNU gettext)"
	@echo "make db-stop    stop the embedded PostgreSQL (var/postgres)"

$(PY):
	@test -n "$(PYTHON)" || { echo "Cần Python >= 3.12 (Python >= 3.12 is required); set PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

setup-demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) import_admin_units
	$(MANAGE) seed_demo
	$(MANAGE) init_demo_pki
	$(MANAGE) import_procedures $(PROCEDURES) --quiet-report
	$(MANAGE) link_procedures

# The demo server runs with DEBUG on (development server, demo accounts printed).
run: export DJANGO_DEBUG = 1
run: export MOTCUA_DEMO = 1
# The demo's text messages land in the admin's "SMS thử nghiệm" table (no gateway, no cost).
run: export MOTCUA_SMS_BACKEND ?= motcua.notifications.sms.SandboxSmsChannel
run: setup-demo system-deps oidc-provider
	@$(MANAGE) demo_accounts
	@HOST=$(HOST) PORT=$(PORT) bash scripts/with-oidc-provider.sh $(MANAGE) runserver $(HOST):$(PORT)

# The local OpenID provider (npm oidc-provider, pinned by its lock file) that stands in for the
# national identity in the demo and the tests.
OIDC_PROVIDER_DIR := tools/oidc-provider
$(OIDC_PROVIDER_DIR)/node_modules/.package-lock.json: $(OIDC_PROVIDER_DIR)/package-lock.json
	cd $(OIDC_PROVIDER_DIR) && npm ci --no-audit --no-fund --loglevel=error

oidc-provider: $(OIDC_PROVIDER_DIR)/node_modules/.package-lock.json

# axe-core (npm, pinned by its lock file): the accessibility rules the browser tests inject
# into the public pages (e2e/test_accessibility.py).
AXE_DIR := tools/axe
$(AXE_DIR)/node_modules/.package-lock.json: $(AXE_DIR)/package-lock.json
	cd $(AXE_DIR) && npm ci --no-audit --no-fund --loglevel=error

axe: $(AXE_DIR)/node_modules/.package-lock.json

system-deps:
	@bash scripts/ensure-system-packages.sh run

browser-deps:
	@bash scripts/ensure-system-packages.sh test

test: install browser-deps oidc-provider axe
	$(BIN)/pytest

test-fast: install browser-deps oidc-provider
	$(BIN)/pytest -m "not browser"

bench: install
	@bash scripts/ensure-system-packages.sh bench
	$(PY) bench/bench_worktime.py
	$(PY) bench/bench_catalog.py $(PROCEDURES)
	$(PY) bench/bench_dossiers.py $(BENCH_DOSSIERS)
	$(PY) bench/bench_submission.py
	$(PY) bench/bench_lookup.py $(BENCH_DOSSIERS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: install
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock --python-version 3.12 -q
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.12 -q

messages: install
	cd src/motcua && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete \
		&& ../../$(PY) ../../manage.py compilemessages -l en

db-stop: install
	$(MANAGE) embedded_db stop

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts $(OIDC_PROVIDER_DIR)/node_modules \
		$(AXE_DIR)/node_modules
