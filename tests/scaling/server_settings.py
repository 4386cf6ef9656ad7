"""Settings of the gunicorn processes of test_many_processes.py: the project's settings,
with Redis at SCALING_TEST_REDIS_URL (cache and broker), a cache key prefix of the run's
own and an API rate limit small enough to reach in a few requests."""

import os

from helpdesk.settings import *  # noqa: F403

CACHES["default"]["KEY_PREFIX"] = os.environ["SCALING_TEST_CACHE_PREFIX"]  # noqa: F405
API_RATE_LIMIT = "3/hour"
# The users' hashes are written by the test process, which hashes with MD5 for speed
# (tests/conftest.py); the servers must read them.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
