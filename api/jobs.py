"""Zendesk's background jobs (``job_statuses``): the bulk ticket update runs in a Celery
task, and clients poll its status (queued → working → completed / failed, with a result
per ticket). Statuses live in the shared cache for an hour, keyed by account.

The bulk update comes in Zendesk's two forms: ``?ids=1,2`` with one change for every
ticket, or ``{"tickets": [{"id": 1, ...}, {"id": 2, ...}]}`` with a change per ticket
(zenpy's ``tickets.update([t1, t2])``). Either way each ticket takes its change through
the same service as ``PUT /tickets/{id}`` (api.services.api_ticket_update).

While the cache is down a job cannot be followed, so none is queued: the call answers 503
and changes nothing. A job already queued still does its work, its status unsaved (logged).
If its task cannot be handed to the broker, its status says so."""

from __future__ import annotations

import json
import logging
import re
import uuid

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.dateparse import parse_datetime
from kombu.exceptions import OperationalError as BrokerUnavailable

from accounts.models import Account, User
from api.errors import ServiceUnavailable
from api.payloads import check_references
from api.services import api_ticket_update
from helpdesk.celery import task_enqueue
from helpdesk.shared_cache import CACHE_UNAVAILABLE
from tickets.selectors import tickets_visible_to
from tickets.services.conflicts import TicketConflict

logger = logging.getLogger(__name__)

JOB_STATUS_TTL = 3600


def _key(account_id: int, job_id: str) -> str:
    return f"api-job:{account_id}:{job_id}"


def _save(account_id: int, job: dict) -> dict:
    cache.set(_key(account_id, job["id"]), job, JOB_STATUS_TTL)
    return job


def _save_or_log(account_id: int, job: dict) -> dict:
    """In the task: the work matters more than its status."""
    try:
        return _save(account_id, job)
    except CACHE_UNAVAILABLE as exc:
        logger.warning("Job %s: status %s not stored (%s)", job["id"], job["status"], exc)
        return job


def job_status(*, account: Account, job_id: str) -> dict | None:
    if not re.fullmatch(r"[0-9a-f]{32}", job_id):
        return None
    try:
        return cache.get(_key(account.pk, job_id))
    except CACHE_UNAVAILABLE as exc:
        logger.warning("Job statuses cannot be read: the cache is unavailable (%s)", exc)
        raise ServiceUnavailable(
            "Job statuses cannot be read for now. Try again in a minute."
        ) from exc


def _as_json(data: dict) -> dict:
    # The payload travels as JSON (dates as ISO strings, turned back in the task).
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def job_update_many_queue(
    *,
    account: Account,
    actor: User,
    numbers: list[int],
    data: dict | None = None,
    changes: list[dict] | None = None,
) -> dict:
    """Record a queued job and hand it to Celery once the caller's transaction commits
    (the task runs for the account current now: helpdesk.celery stamps it). ``data``
    is every ticket's change, or ``changes`` one per number, in order."""
    job = {
        "id": uuid.uuid4().hex,
        "job_type": "bulk_update",
        "status": "queued",
        "total": len(numbers),
        "progress": 0,
        "message": None,
        "results": None,
    }
    try:
        _save(account.pk, job)
    except CACHE_UNAVAILABLE as exc:
        logger.warning("Bulk update refused: its status cannot be stored (%s)", exc)
        raise ServiceUnavailable(
            "Background jobs cannot be tracked for now, so nothing was changed. "
            "Try again in a minute."
        ) from exc
    payload = _as_json(data or {})
    per_ticket = None if changes is None else [_as_json(c) for c in changes]
    transaction.on_commit(lambda: _enqueue(job, account.pk, actor.pk, numbers, payload, per_ticket))
    return job


def _enqueue(
    job: dict,
    account_id: int,
    actor_id: int,
    numbers: list[int],
    data: dict,
    changes: list[dict] | None,
) -> None:
    # By name: the task imports this module, never the reverse.
    try:
        task_enqueue(
            "api.tasks.tickets_update_many_task",
            (job["id"], account_id, actor_id, numbers, data, changes),
        )
    except (BrokerUnavailable, *CACHE_UNAVAILABLE) as exc:  # type: ignore[misc]  # a tuple of exception classes
        logger.warning("Job %s could not be queued: %s", job["id"], exc)
        job.update(status="failed", message="The job could not be queued. Try again.")
        _save_or_log(account_id, job)


def _result(number: int, error: str = "", details: str = "") -> dict:
    if not error:
        return {"id": number, "action": "update", "success": True, "status": "Updated"}
    return {
        "id": number,
        "action": "update",
        "success": False,
        "status": "Failed",
        "error": error,
        "errors": error,
        "details": details,
    }


def job_update_many_run(
    *,
    job_id: str,
    account_id: int,
    actor_id: int,
    numbers: list[int],
    data: dict,
    changes: list[dict] | None = None,
) -> dict:
    """The task's work: each ticket the actor may see takes its change on its own (one
    refused ticket fails alone, as in Zendesk); the status records every outcome."""
    try:
        job = cache.get(_key(account_id, job_id))
    except CACHE_UNAVAILABLE:
        job = None
    job = job or {"id": job_id, "job_type": "bulk_update"}
    job.update(status="working", total=len(numbers), progress=0)
    _save_or_log(account_id, job)
    try:
        account = Account.objects.get(pk=account_id)
        actor = User.objects.for_account(account).get(pk=actor_id, is_active=True)
        visible = {t.number: t for t in tickets_visible_to(viewer=actor).filter(number__in=numbers)}
        results = []
        for index, number in enumerate(numbers):
            ticket = visible.get(number)
            if ticket is None:
                results.append(_result(number, "RecordNotFound", "Not found"))
            else:
                change = dict(data if changes is None else changes[index])
                results.append(_update_one(actor, ticket, change))
            job["progress"] = len(results)
        failed = sum(not r["success"] for r in results)
        job.update(
            status="completed",
            results=results,
            message=f"Completed at {len(numbers) - failed} of {len(numbers)}",
        )
    except Exception as exc:  # noqa: BLE001 - a job ends as failed, never silently
        logger.warning("Bulk update job %s failed: %s", job_id, type(exc).__name__)
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else "Internal error"
        job.update(status="failed", message=reason[:500])
    return _save_or_log(account_id, job)


def _update_one(actor: User, ticket, change: dict) -> dict:
    if change.get("due_at"):
        change["due_at"] = parse_datetime(change["due_at"])
    try:
        # Its own savepoint: a refused ticket leaves the others' changes standing.
        with transaction.atomic():
            api_ticket_update(ticket=ticket, actor=actor, data=change)
    except ValidationError as exc:
        return _result(ticket.number, "TicketUpdateFailed", "; ".join(exc.messages)[:500])
    except TicketConflict:
        return _result(
            ticket.number, "UpdateConflict", "The ticket was updated since updated_stamp."
        )
    return _result(ticket.number)


@transaction.atomic
def api_tickets_update_many(
    *, account: Account, actor: User, numbers: list[int], data: dict
) -> dict:
    """Zendesk's bulk update, ``?ids=`` form: one change for every ticket. The work is a
    queued job (api.jobs) whose status the client polls."""
    check_references(account, data)
    return job_update_many_queue(account=account, actor=actor, numbers=numbers, data=data)


@transaction.atomic
def api_tickets_update_each(*, account: Account, actor: User, changes: list[dict]) -> dict:
    """Zendesk's bulk update, list form: ``[{"id": 1, ...}, {"id": 2, ...}]``, each
    ticket its own change, in one queued job."""
    for change in changes:
        check_references(account, change)
    numbers = [change["id"] for change in changes]
    rest = [{k: v for k, v in change.items() if k != "id"} for change in changes]
    return job_update_many_queue(account=account, actor=actor, numbers=numbers, changes=rest)


def api_job_status(*, account: Account, job_id: str) -> dict | None:
    return job_status(account=account, job_id=job_id)


def job_record_done(*, account: Account, job_type: str, results: list[dict]) -> dict:
    """A job done within its request (a ticket merge), answered and kept as Zendesk's
    background jobs are, so a client polling its status finds it completed. While the
    cache is down the status is only answered, not kept (logged)."""
    failed = sum(not r.get("success", True) for r in results)
    job = {
        "id": uuid.uuid4().hex,
        "job_type": job_type,
        "status": "completed",
        "total": len(results),
        "progress": len(results),
        "message": f"Completed at {len(results) - failed} of {len(results)}",
        "results": results,
    }
    return _save_or_log(account.pk, job)
