"""Celery tasks: thin callers of the SLA warnings' pass."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def sla_warnings_task() -> dict[str, int]:
    """Beat, every 5 minutes (CELERY_BEAT_SCHEDULE): the agents' SLA warnings
    (servicelevels.warnings); idempotent, so two beats at once write nothing twice."""
    from servicelevels.warnings import sla_warnings_sweep

    return sla_warnings_sweep()
