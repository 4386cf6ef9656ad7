"""Deployment check of the shared cache the API counts in (README, "Scaling")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

# Caches that live inside one process: every gunicorn worker would keep its own.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def check_shared_cache(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """The rate limit and the job statuses of bulk updates must be seen by every web
    process: with a per-process cache each gunicorn worker gives an account a budget of
    its own, and a job's status asked of another worker than the one that stored it is
    not found."""
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The cache is per process (REDIS_URL is not set): each web process counts "
            "the API's rate limit apart, and a bulk update's job status is found only by "
            "the process that stored it.",
            hint="Set REDIS_URL; every web process and worker uses the same Redis.",
            id="api.W001",
        )
    ]
