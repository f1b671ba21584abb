# `make run` serves the whole app on embedded defaults; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest Python >= 3.12 on this machine (Django 6 needs it), or a clear stop.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$p" 2>/dev/null || echo "$$p"; break; fi; done)
VENV := .venv
VPY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests always run on PostgreSQL and Redis at 127.0.0.1 (override with the same variables).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/therapy
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help run test test-fast lint bench bench-smoke format clean browser-deps screens

help:
	@echo "make run         - the whole app (web, Celery worker, beat) with demo data on http://$(HOST):$(PORT)/"
	@echo "make test        - ruff and the whole pytest suite (PostgreSQL, Redis, Chromium)"
	@echo "make test-fast   - ruff and pytest without the browser and integration tests"
	@echo "make bench       - benchmarks under bench/ at full size (ONLY=<name> for one)"
	@echo "make bench-smoke - every benchmark at a small size; fails on errors and missed query,"
	@echo "                   duplicate, index and equality goals (timings are not enforced)"
	@echo "make screens     - screenshots of the main pages at 390x844 and 1280x800 into docs/screens/"

$(VPY):
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is required (Django 6 needs it); none was found." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VPY)
	$(VPY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VPY)
	$(VPY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

browser-deps: node_modules/.installed
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(VENV)/.runtime
	$(VPY) manage.py migrate --noinput
	$(VPY) manage.py seed_demo
	@echo ""
	@echo "Starting web, Celery worker and Celery beat. Open http://$(HOST):$(PORT)/  (Ctrl-C stops all three)"
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	  $(VENV)/bin/celery -A therapy worker --loglevel=INFO --concurrency=2 & \
	  $(VENV)/bin/celery -A therapy beat --loglevel=INFO & \
	  $(VENV)/bin/gunicorn therapy.wsgi --bind $(HOST):$(PORT) --worker-class gthread --workers 2 --threads 4 --access-logfile - & \
	  wait

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=sqlite://:memory: $(VENV)/bin/mypy

test: $(VENV)/.dev browser-deps lint
	DATABASE_URL=sqlite://:memory: $(VPY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=True \
	  $(VPY) -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.dev lint
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=True \
	  $(VPY) -m pytest -m "not browser and not integration" $(PYTEST_ARGS)

# The benchmarks make (and drop) their own database, bench_<name>, never the tests' test_<name>.
bench: $(VENV)/.dev
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=True \
	  $(VPY) bench/run.py $(ONLY)

bench-smoke: $(VENV)/.dev
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=True \
	  $(VPY) bench/run.py --smoke $(ONLY)

# The browser test that checks the main pages at both sizes also keeps its screenshots here.
screens: $(VENV)/.dev browser-deps
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=True SCREENS_DIR=docs/screens \
	  $(VPY) -m pytest tests/browser/test_screens.py $(PYTEST_ARGS)

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules .run db.sqlite3* staticfiles
