"""The delivery outbox: rows written with the change, sent after commit, exactly once.

Sending rows (``deliveries_send``; ``delivery_send`` for one):
1. claim the due ones together (queued → sending, or a sending row whose lease
   expired; rows to a suppressed address → suppressed), locking them with SKIP LOCKED;
   a second task for the same rows finds nothing to claim and stops;
2. send each through Django's mail API (MAILERS["default"] → anymail);
3. mark each sent right after its send, guarded by the claim token.
While it sends, the worker renews its claim's lease from a thread (claims.LeaseKeeper),
so the lease is short (30 s) whatever a send takes. A worker that dies between 1 and 3
leaves "sending" rows; the sweeper (every 30 s) re-queues them once the lease is over,
about a minute after the death. The sweeper also sends queued rows whose task never
reached the broker, and those whose message was lost, but never rows that are only
waiting behind a long queue (``deliveries_sweep``). A worker dying between 2 and 3 of
one row is the only window in which a resend can happen; the row's stable Message-ID
lets mail clients drop the copy.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import ChannelError

from accounts.dbsession import platform_access
from helpdesk.celery import app, task_enqueue, task_queue
from notifications.claims import (
    claim,
    lease_keeper,
    lease_seconds,
    leases_take_back,
    release,
    renew,
)
from notifications.emails import message_for
from notifications.mailer import error_text, is_permanent, process_mailer, provider_message_id
from notifications.models import Delivery

logger = logging.getLogger(__name__)

# The tasks of notifications.tasks, queued by name: the tasks call this module, and
# this module never imports them (no cycle, hidden or not).
SEND_ONE = "notifications.tasks.delivery_send_task"
SEND_BATCH = "notifications.tasks.deliveries_send_task"


def _setting[T](name: str, default: T) -> T:
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("NOTIFICATIONS_MAX_ATTEMPTS", 5)


# Below Redis's visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS, one hour): a retry
# countdown longer than that would make Redis hand the waiting task out a second time.
MAX_BACKOFF_SECONDS = 45 * 60


def backoff_seconds(attempts: int) -> int:
    base = _setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)  # type: ignore[no-any-return]  # int ** int is Any to typeshed


def enqueue_after_commit(delivery_ids: list[int]) -> None:
    """Hand the rows to Celery once the transaction that wrote them commits. A broker
    outage here loses nothing: the rows stay queued, marked, and the sweeper sends them."""
    if delivery_ids:
        transaction.on_commit(lambda: enqueue(delivery_ids))


def enqueue(delivery_ids: list[int]) -> list[int]:
    """Publish the rows' tasks now: one task for one row, else one per batch of
    NOTIFICATIONS_SEND_BATCH rows (sent over one connection). Returns the ids whose task
    reached the broker; the others are marked ``enqueue_failed`` for the sweeper."""
    batches: list[tuple[str, int | list[int], list[int]]]
    if len(delivery_ids) == 1:
        batches = [(SEND_ONE, delivery_ids[0], delivery_ids)]
    else:
        size = _setting("NOTIFICATIONS_SEND_BATCH", 20)
        batches = [
            (SEND_BATCH, delivery_ids[i : i + size], delivery_ids[i : i + size])
            for i in range(0, len(delivery_ids), size)
        ]
    enqueued, lost = [], []
    for task, argument, ids in batches:
        try:
            task_enqueue(task, (argument,))
        except Exception:  # noqa: BLE001 - the sweeper will pick the rows up
            logger.warning("Could not enqueue deliveries %s; the sweeper will", ids)
            lost += ids
        else:
            enqueued += ids
    _mark_lost(lost)
    return enqueued


def _mark_lost(delivery_ids: list[int]) -> None:
    """No message will come for these rows: the sweeper sends them even while the
    queue is busy (it waits out a busy queue for the rest, see deliveries_sweep)."""
    if not delivery_ids:
        return
    try:
        Delivery.all_accounts.filter(pk__in=delivery_ids, state=Delivery.State.QUEUED).update(
            enqueue_failed=True
        )
    except Exception:  # noqa: BLE001 - unmarked, they wait for an idle queue instead
        logger.warning("Could not mark deliveries %s as never enqueued", delivery_ids)


def enqueue_retry(delivery_id: int, *, countdown: int) -> None:
    """A failed row of a batch, retried on its own after its back-off (the row is queued
    with next_attempt_at set, so the sweeper sends it should this message be lost)."""
    try:
        task_enqueue(SEND_ONE, (delivery_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - the sweeper will pick the row up
        logger.warning("Could not enqueue the retry of %s; the sweeper will", delivery_id)
        _mark_lost([delivery_id])


@dataclass(frozen=True)
class SendResult:
    state: str  # "sent", "skipped", "suppressed", "retry", "failed"
    retry_in: int = 0


def delivery_send(*, delivery_id: int) -> SendResult:
    """Send one outbox row if it is still due. Safe to call any number of times."""
    return deliveries_send(delivery_ids=[delivery_id])[delivery_id]


def deliveries_send(*, delivery_ids: list[int]) -> dict[int, SendResult]:
    """Send the rows among ``delivery_ids`` that are still due, each exactly once; safe
    to call any number of times. Returns each id's outcome.

    The rows are claimed together (one role switch, one claim for the batch), then each
    is sent and marked on its own straight after its send: a worker killed mid-batch can
    have sent at most the row it was sending without recording it, as with one row per
    task. A failure records that row alone (back-off, or failed after the last attempt).
    """
    pks = list(dict.fromkeys(delivery_ids))
    results = dict.fromkeys(pks, SendResult("skipped"))
    token = secrets.token_hex(16)
    # A platform task given only ids: the rows carry their accounts.
    with platform_access():
        pending, withheld = claim(pks, token)
        results.update(dict.fromkeys(withheld, SendResult("suppressed")))
        claimed_at = time.monotonic()
        try:
            with lease_keeper.holding([row.pk for row in pending], token):
                while pending:
                    # The keeper renews the lease; this drops rows the sweeper took back
                    # should it have failed to (a row is never sent on an expired claim).
                    if time.monotonic() - claimed_at > lease_seconds() / 2:
                        pending, claimed_at = renew(pending, token), time.monotonic()
                        if not pending:
                            break
                    delivery, pending = pending[0], pending[1:]
                    results[delivery.pk] = _send_claimed(delivery, token)
        finally:
            release([row.pk for row in pending], token)
    return results


def _send_claimed(delivery: Delivery, token: str) -> SendResult:
    try:
        message = message_for(delivery)
        process_mailer.send(message)
    except Exception as exc:  # noqa: BLE001 - any provider error is recorded and retried
        failed = is_permanent(exc) or delivery.attempts >= max_attempts()
        wait = backoff_seconds(delivery.attempts)
        Delivery.all_accounts.filter(pk=delivery.pk, claim_token=token).update(
            state=Delivery.State.FAILED if failed else Delivery.State.QUEUED,
            last_error=error_text(exc),
            next_attempt_at=timezone.now() + dt.timedelta(seconds=wait),
            claim_token="",
        )
        logger.warning(
            "Delivery %s attempt %s failed: %s",
            delivery.pk,
            delivery.attempts,
            type(exc).__name__,
        )
        return SendResult("failed") if failed else SendResult("retry", retry_in=wait)
    _mark_sent(delivery, token, provider_message_id(message, delivery))
    return SendResult("sent")


def _mark_sent(delivery: Delivery, token: str, provider_message_id: str) -> None:
    """The row's own UPDATE right after its send, guarded by the claim token. Written
    out rather than built by the ORM: it runs once per email, and compiling the
    queryset cost three times the statement's own client CPU (0.45 against 0.14 ms,
    issue 8). Called inside ``deliveries_send``'s platform access."""
    values: dict[str, Any] = {"state": Delivery.State.SENT, "sent_at": timezone.now()}
    if connection.vendor != "postgresql":  # SQLite (`make run`) stores datetimes its own way
        Delivery.all_accounts.filter(pk=delivery.pk, claim_token=token).update(
            **values, provider_message_id=provider_message_id, last_error="", claim_token=""
        )
        return
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, sent_at = %s, provider_message_id = %s, "  # noqa: S608 - our table's name
            "last_error = '', claim_token = '' WHERE id = %s AND claim_token = %s",
            [values["state"], values["sent_at"], provider_message_id, delivery.pk, token],
        )


def deliveries_sweep(*, stale_after: int | None = None) -> list[int]:
    """Re-queue what is really stuck; return the ids enqueued (in batches, as a change's
    rows are).

    - sending rows whose lease is over: their worker died (a live one renews its lease
      while it sends);
    - queued rows, due and older than ``stale_after`` seconds, whose task never reached
      the broker (``enqueue_failed``: Redis down at commit);
    - other queued rows as old, only while the broker's queue is empty: nothing waits
      there to send them, so their message was lost (a broker restart, a worker's
      prefetch). While tasks wait in the queue such a row is most likely waiting behind
      them, and a second task for it would find it claimed and skip (issue 15: one sweep
      re-queued 70 rows, 68 of whose tasks then skipped; up to 1,000 useless tasks a
      minute under a backlog). One lost during a long backlog leaves when the queue
      drains, or when Redis hands its message out again (visibility timeout).
    """
    now = timezone.now()
    if stale_after is None:
        stale_after = _setting("NOTIFICATIONS_SWEEP_AFTER_SECONDS", 120)
    with platform_access():
        taken_back = leases_take_back(now)
        stuck = Delivery.all_accounts.filter(
            state=Delivery.State.QUEUED,
            next_attempt_at__lte=now,
            created_at__lte=now - dt.timedelta(seconds=stale_after),
        )
        if broker_queue_length() != 0:
            stuck = stuck.filter(enqueue_failed=True)
        found = stuck.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_LIMIT]
        enqueued = enqueue(list(dict.fromkeys([*taken_back, *found])))
        if enqueued:
            Delivery.all_accounts.filter(pk__in=enqueued, enqueue_failed=True).update(
                enqueue_failed=False
            )
    return enqueued


SWEEP_LIMIT = 1000


def broker_queue_length() -> int | None:
    """Messages waiting in the broker's queue of the send tasks (``mail``): 0 when tasks
    run eagerly (tests, `make run`), None when the broker cannot be asked (then it is no
    use enqueueing anything but the rows known lost, and those will fail to enqueue and
    stay marked). Other queues' backlogs (bulk jobs in ``default``) say nothing of it."""
    if app.conf.task_always_eager:
        return 0
    try:
        with app.connection_for_read() as broker:
            declared = broker.default_channel.queue_declare(
                queue=task_queue(SEND_BATCH), passive=True
            )
    except ChannelError:  # Redis keeps no empty list: a queue not found is an empty one
        return 0
    except Exception:  # noqa: BLE001 - broker down
        logger.warning("Could not read the broker's queue length")
        return None
    return declared.message_count  # type: ignore[no-any-return]  # kombu has no types


def delivery_retry(*, delivery: Delivery) -> None:
    """An admin sends a failed or suppressed row again (a fresh set of attempts); a row
    whose address is still suppressed is withheld again."""
    updated = (
        Delivery.objects.for_account(delivery.account)
        .filter(pk=delivery.pk, state__in=Delivery.RESENDABLE)
        .update(state=Delivery.State.QUEUED, attempts=0, next_attempt_at=timezone.now())
    )
    if updated:
        enqueue_after_commit([delivery.pk])
