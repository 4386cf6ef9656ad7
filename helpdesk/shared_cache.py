"""The shared cache (Redis in production) is a convenience, never something a request
depends on: the code that uses it catches these, logs a warning and carries on in a
degraded way (the API's rate limit lets requests through; a job status that cannot be
stored or read is a clear 503). Sign-in counts its failures in the database instead."""

from __future__ import annotations

from redis.exceptions import RedisError

# What Django's Redis cache raises while Redis is down or slow: redis-py wraps refused
# connections and timeouts (CACHES sets short ones) in RedisError subclasses.
CACHE_UNAVAILABLE: tuple[type[Exception], ...] = (RedisError,)
