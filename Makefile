# Sportello — the two commands of the README: `make run` and `make test` (`make lint` too).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# PostgreSQL for tests; override with `make test DATABASE_URL=...`.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sportello
# Two workers (this machine's cores). worksteal: a worker that runs out takes queued tests
# from the other, so a long test near the end (the restore drill, a crawl) does not leave
# one core idle for minutes behind it, as `load`'s fixed queues did (the last CI run: ten
# minutes). The fuzz test's generated cases share one node id, which xdist's scope and
# group schedulers would merge into one; load and worksteal hand out items, not ids.
# TEST_WORKERS= runs in one process.
TEST_WORKERS ?= -n 2 --dist worksteal
PORT ?= 8000

# Django 6.1 needs Python 3.12+. Take PYTHON= if given, else the first suitable interpreter.
PYTHON ?= $(shell for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test test-pgbouncer install lint fmt bench bench-imap worker messages clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Sportello needs Python 3.12 or newer (Django 6.1). Install one (e.g. 'pyenv install 3.12')"; \
		echo "or point to it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12"; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Links in the demo's emails point at this server's port.
run: export SITE_PORT ?= $(PORT)
run: install
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Sportello demo: http://demo.localhost:$(PORT)/  (operator site: http://localhost:$(PORT)/)"
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

test: install
	$(PY) manage.py compile_catalogues
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest $(TEST_WORKERS) $(PYTEST_ARGS)

# The security tests again, every connection through PgBouncer in transaction mode
# (Debian's pgbouncer, started by the suite: tests/pgbouncer.py; one per xdist worker,
# in front of that worker's test database). Two workers, as `make test`: the crawls are
# most of it, and one process left a core idle for all of them.
test-pgbouncer: install
	$(PY) manage.py compile_catalogues
	TEST_THROUGH_PGBOUNCER=1 DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
		$(PY) -m pytest tests/security $(TEST_WORKERS) -p no:randomly $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	env -u DATABASE_URL $(VENV)/bin/mypy

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh locale/it and locale/es from the source (needs GNU gettext), then translate.
messages: install
	$(PY) manage.py update_catalogues

# Issue 8: gunicorn (2 workers) on the bench database, each scenario driven by wrk; seeds
# BENCH_TICKETS tickets first when the database holds none (1000000 for the budgets' size).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sportello_bench
BENCH_TICKETS ?= 200000
BENCH_DURATION ?= 10
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install wrk)"; exit 1; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.run --tickets $(BENCH_TICKETS) \
		--duration $(BENCH_DURATION) $(if $(ONLY),--only $(ONLY))

# Issue 24: import throughput of one worker from a local Dovecot (needs dovecot-imapd);
# writes tickets into a throwaway account of IMAP_BENCH_DATABASE_URL (a scratch database).
IMAP_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sportello_imap_bench
IMAP_BENCH_MESSAGES ?= 1000
bench-imap: install
	DATABASE_URL=$(IMAP_BENCH_DATABASE_URL) $(PY) manage.py migrate --verbosity 0
	DATABASE_URL=$(IMAP_BENCH_DATABASE_URL) $(PY) -m bench.imap_import --messages $(IMAP_BENCH_MESSAGES)

worker: install
	$(VENV)/bin/celery -A helpdesk worker -B -Q mail,default,imports --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
