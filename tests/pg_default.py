"""Loaded with ``-p`` before Django starts: tests run against PostgreSQL, as production does.

``DATABASE_URL`` overrides the default (the Makefile passes it on).
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sportello")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Tests never talk to a broker unless a test starts one itself.
os.environ["CELERY_BROKER_URL"] = os.environ.get("TEST_CELERY_BROKER_URL", "")
os.environ.setdefault("BASE_DOMAIN", "localhost")
# Each test is one transaction on one connection: a second connection (the platform's
# own login) would not see its rows. The suite's platform road is a SET ROLE stand-in
# (tests/security/conftest.py); test_database_roles.py runs the real one in a process.
os.environ["DATABASE_PLATFORM_URL"] = ""  # empty, not absent: .env must not set it either
# No replica unless a test starts one (tests/replica/): .env must not set one either.
os.environ["DATABASE_REPLICA_URL"] = ""
# `make test-pgbouncer`: the whole run through PgBouncer in transaction mode (the
# ``_through_pgbouncer`` fixture in tests/conftest.py), with the settings production uses
# behind it.
if os.environ.get("TEST_THROUGH_PGBOUNCER") == "1":
    os.environ["DATABASE_TRANSACTION_POOLING"] = "true"
