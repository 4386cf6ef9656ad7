"""Celery tasks: thin callers of mailchannels.fetch."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def mailboxes_fetch_task() -> dict[str, int]:
    """Beat, every minute (CELERY_BEAT_SCHEDULE): every active mailbox channel. Safe to
    run twice at once or again after a worker died (mailchannels.fetch)."""
    from mailchannels.fetch import fetch_sweep

    return fetch_sweep()
