# Sportello — the two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# PostgreSQL for tests; override with `make test DATABASE_URL=...`.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sportello
PORT ?= 8000

# Django 6.1 needs Python 3.12+. Take PYTHON= if given, else the first suitable interpreter.
PYTHON ?= $(shell for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test install lint fmt bench worker messages clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Sportello needs Python 3.12 or newer (Django 6.1). Install one (e.g. 'pyenv install 3.12')"; \
		echo "or point to it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12"; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Sportello demo: http://demo.localhost:$(PORT)/  (operator site: http://localhost:$(PORT)/)"
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A helpdesk worker -B --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
