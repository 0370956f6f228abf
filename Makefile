# The executable documentation: every routine task is one target here.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench migrate demo clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.runtime  ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate  ## Load reference and demo data (idempotent)
	$(PY) manage.py load_reference_data
	$(PY) manage.py ingest sources/demo/feeds/*  # the sample feeds, read from disk: no internet needed
	$(PY) manage.py load_demo_data

run: demo  ## Set up, load the demo case and serve on http://127.0.0.1:8000/admin/
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev  ## Run the whole test suite
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev  ## ruff, Django checks, migrations in step with models
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=lint-only-$$(printf '%060d' 0) ALLOWED_HOSTS=tracker.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

format: $(VENV)/.dev  ## Rewrite the code in the house style
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.dev  ## Run the benchmarks (needs PostgreSQL; see docs/benchmarks.md)
	$(PY) -m bench

clean:  ## Remove the virtualenv and local data
	rm -rf $(VENV) var staticfiles
