"""Celery tasks: thin, given ids, calling the outbox services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from notifications import outbox
from notifications.models import WebhookToken


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def delivery_send_task(self, delivery_id: int) -> str:
    """Send one outbox row. Idempotent: a duplicate or re-delivered task sends nothing."""
    result = outbox.delivery_send(delivery_id=delivery_id)
    if result.state == "retry":
        # The row is back in "queued" with next_attempt_at set; should this retry be
        # lost, the sweeper sends it when it is due.
        raise self.retry(countdown=result.retry_in)
    return result.state


@shared_task(acks_late=True, ignore_result=True)
def deliveries_send_task(delivery_ids: list[int]) -> int:
    """Send the rows one change wrote, claimed together (issue 8: a task and a claim
    per email cost more than the send). A duplicate or re-delivered batch finds nothing
    to claim; a row that failed goes back to the single-row task with its back-off."""
    results = outbox.deliveries_send(delivery_ids=delivery_ids)
    for pk, result in results.items():
        if result.state == "retry":
            outbox.enqueue_retry(pk, countdown=result.retry_in)
    return sum(result.state == "sent" for result in results.values())


@shared_task(ignore_result=True)
def deliveries_sweep_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): re-queue rows left behind."""
    WebhookToken.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=2)).delete()
    return len(outbox.deliveries_sweep())
