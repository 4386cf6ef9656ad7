"""Loaded with ``-p`` before Django starts: tests run against PostgreSQL, as production does.

``DATABASE_URL`` overrides the default (the Makefile passes it on).
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sportello")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Tests never talk to a broker unless a test starts one itself.
os.environ["CELERY_BROKER_URL"] = os.environ.get("TEST_CELERY_BROKER_URL", "")
os.environ.setdefault("BASE_DOMAIN", "localhost")
