"""Celery tasks of the tickets domain: thin callers of its services."""

from __future__ import annotations

from celery import shared_task


@shared_task
def retention_sweep_task() -> dict[str, dict[str, int | bool]]:
    """Beat, daily (CELERY_BEAT_SCHEDULE): each account's retention, a dry run first."""
    from tickets.services.retention import retention_sweep

    return {
        subdomain: {"tickets": r.tickets, "attachments": r.attachments, "dry_run": r.dry_run}
        for subdomain, r in retention_sweep().items()
    }
