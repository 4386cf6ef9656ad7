"""Settings of the gunicorn processes of test_many_processes.py: the project's settings,
with Redis at REDIS_URL (cache and broker), every key under the run's own
prefix (SCALING_TEST_PREFIX: parallel runs share the Redis database) and an API rate
limit small enough to reach in a few requests."""

import os

from helpdesk.settings import *  # noqa: F403

_PREFIX = os.environ["SCALING_TEST_PREFIX"]
CACHES["default"]["KEY_PREFIX"] = _PREFIX  # noqa: F405
CELERY_BROKER_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS | {  # noqa: F405
    "global_keyprefix": f"{_PREFIX}:"
}
API_RATE_LIMIT = "3/hour"
# The users' hashes are written by the test process, which hashes with MD5 for speed
# (tests/conftest.py); the servers must read them.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
