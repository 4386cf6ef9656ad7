"""Celery tasks: thin callers of the automations' pass."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def automations_run_task() -> dict[str, int]:
    """Beat, every 10 minutes (CELERY_BEAT_SCHEDULE): every account's automations and
    wake-ups. Safe to run twice at once or again after a worker died (automations.runs)."""
    from automations.runs import automations_sweep

    return {
        subdomain: sum(report.fired.values()) + report.woken
        for subdomain, report in automations_sweep().items()
    }
