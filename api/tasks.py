"""Celery tasks of the API: thin, given ids, calling api.jobs."""

from __future__ import annotations

from celery import shared_task

from api import jobs


@shared_task(ignore_result=True)
def tickets_update_many_task(
    job_id: str,
    account_id: int,
    actor_id: int,
    numbers: list[int],
    data: dict,
    changes: list[dict] | None = None,
) -> str:
    """PUT /api/v2/tickets/update_many.json, in the background (runs for the account
    stamped on the message by helpdesk.celery). ``changes``, one per number, is the
    list form; a message queued without it (before the list form) still runs."""
    return jobs.job_update_many_run(
        job_id=job_id,
        account_id=account_id,
        actor_id=actor_id,
        numbers=numbers,
        data=data,
        changes=changes,
    )["status"]
