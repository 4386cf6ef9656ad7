"""Celery tasks: thin, given ids, calling webhooks.delivery."""

from __future__ import annotations

from celery import shared_task

from webhooks import delivery


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def webhook_call_send_task(self, call_id: int) -> str:
    """Send one webhook call. Idempotent: a duplicate or re-delivered task sends nothing
    once the call succeeded (or while another worker holds it)."""
    result = delivery.call_send(call_id=call_id)
    if result.state == "retry":
        # The row is queued again with next_attempt_at set; should this retry be lost,
        # the sweeper sends it when it is due.
        raise self.retry(countdown=result.retry_in)
    return result.state


@shared_task(ignore_result=True)
def webhook_calls_sweep_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): queue again the calls left behind."""
    return len(delivery.calls_sweep())
