"""The webhooks' outbox: a call row written with the change, sent after commit by a
Celery task, exactly once once it has succeeded (the email outbox's protocol,
notifications/outbox.py, for HTTP requests):

1. ``call_send`` claims the row (queued and due, or sending with its lease over) with a
   conditional UPDATE under SELECT … FOR UPDATE SKIP LOCKED, under a fresh claim token;
   a duplicate or re-delivered task finds nothing to claim — a call already sent is
   never sent again;
2. makes the request (webhooks.http) outside any transaction, its timeouts well under
   the lease;
3. records the attempt in the log and the call's new state in one transaction, guarded
   by the claim token: sent; queued again after an exponential back-off; or failed
   after WEBHOOKS_MAX_ATTEMPTS (or a failure retrying will not mend).
Every failed attempt counts against its webhook; WEBHOOKS_DEACTIVATE_AFTER in a row turn
it off and email the account's admins (an outbox row, in the same transaction).
A worker dying between 2 and 3 leaves the row "sending"; the sweeper queues it again
once its lease is over, and the receiver gets it again with the same
X-Zendesk-Webhook-Invocation-Id (the one window for a second request, as for emails).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.dbsession import platform_access
from helpdesk.celery import task_enqueue
from notifications.outbox import MAX_BACKOFF_SECONDS
from webhooks.http import Outcome, request_send
from webhooks.models import Webhook, WebhookAttempt, WebhookCall
from webhooks.notices import webhook_deactivated_notify

logger = logging.getLogger(__name__)

SEND_TASK = "webhooks.tasks.webhook_call_send_task"
SWEEP_LIMIT = 500


def _setting[T](name: str, default: T) -> T:
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("WEBHOOKS_MAX_ATTEMPTS", 5)


def deactivate_after() -> int:
    return _setting("WEBHOOKS_DEACTIVATE_AFTER", 20)


def backoff_seconds(attempts: int) -> int:
    base = _setting("WEBHOOKS_RETRY_BASE_SECONDS", 30)
    return int(min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def lease_seconds() -> float:
    """Longer than a request may take (its timeouts), so a live worker never loses it."""
    timeouts = _setting("WEBHOOKS_CONNECT_TIMEOUT", 5.0) + _setting("WEBHOOKS_READ_TIMEOUT", 10.0)
    return float(timeouts) + 30.0


def enqueue_after_commit(call_ids: list[int]) -> None:
    if call_ids:
        transaction.on_commit(lambda: enqueue(call_ids))


def enqueue(call_ids: list[int]) -> list[int]:
    """Publish each call's task; a broker outage loses nothing (the sweeper sends it)."""
    enqueued = []
    for pk in call_ids:
        try:
            task_enqueue(SEND_TASK, (pk,))
        except Exception:  # noqa: BLE001 - the sweeper will pick the row up
            logger.warning("Could not enqueue webhook call %s; the sweeper will", pk)
        else:
            enqueued.append(pk)
    return enqueued


@dataclass(frozen=True)
class SendResult:
    state: str  # "sent", "skipped", "retry", "failed"
    retry_in: int = 0


def _due(now) -> Q:
    expired = now - dt.timedelta(seconds=lease_seconds())
    claimable = Q(state=WebhookCall.State.QUEUED) | Q(
        state=WebhookCall.State.SENDING, claimed_at__lt=expired
    )
    return claimable & Q(next_attempt_at__lte=now)


def _claim(call_id: int, token: str) -> WebhookCall | None:
    now = timezone.now()
    with transaction.atomic():
        call = (
            WebhookCall.all_accounts.select_for_update(skip_locked=True)
            .filter(_due(now), pk=call_id)
            .first()
        )
        if call is None:
            return None
        WebhookCall.all_accounts.filter(pk=call.pk).update(
            state=WebhookCall.State.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    call.state, call.claim_token, call.claimed_at = WebhookCall.State.SENDING, token, now
    call.attempts += 1
    return call


def call_send(*, call_id: int) -> SendResult:
    """Send one call if it is still due. Safe to call any number of times."""
    token = secrets.token_hex(16)
    with platform_access():  # a task given only an id: the row carries its account
        call = _claim(call_id, token)
        if call is None:
            return SendResult("skipped")
        webhook = Webhook.all_accounts.get(pk=call.webhook_id)
        if not webhook.is_active and not call.is_test:
            WebhookCall.all_accounts.filter(pk=call.pk, claim_token=token).update(
                state=WebhookCall.State.FAILED,
                last_error="The webhook is inactive.",
                claim_token="",
                attempts=F("attempts") - 1,
            )
            return SendResult("failed")
        outcome = request_send(webhook, call)
        return _record(call, webhook, token, outcome)


@transaction.atomic
def _record(call: WebhookCall, webhook: Webhook, token: str, outcome: Outcome) -> SendResult:
    now = timezone.now()
    WebhookAttempt.all_accounts.create(
        account_id=call.account_id,
        call=call,
        webhook=webhook,
        attempt=call.attempts,
        succeeded=outcome.succeeded,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        response_excerpt=outcome.excerpt,
        error=outcome.error,
    )
    mine = WebhookCall.all_accounts.filter(pk=call.pk, claim_token=token)
    if outcome.succeeded:
        mine.update(state=WebhookCall.State.SENT, sent_at=now, last_error="", claim_token="")
        if not call.is_test:
            Webhook.all_accounts.filter(pk=webhook.pk, consecutive_failures__gt=0).update(
                consecutive_failures=0
            )
        return SendResult("sent")
    failed = outcome.permanent or call.attempts >= max_attempts()
    wait = backoff_seconds(call.attempts)
    mine.update(
        state=WebhookCall.State.FAILED if failed else WebhookCall.State.QUEUED,
        last_error=outcome.error[:500],
        next_attempt_at=now + dt.timedelta(seconds=wait),
        claim_token="",
    )
    logger.warning(
        "Webhook %s call %s attempt %s failed: %s",
        webhook.pk,
        call.pk,
        call.attempts,
        outcome.error[:100],
    )
    if not call.is_test:
        _count_failure(webhook)
    return SendResult("failed") if failed else SendResult("retry", retry_in=wait)


def _count_failure(webhook: Webhook) -> None:
    rows = Webhook.all_accounts.filter(pk=webhook.pk)
    rows.update(consecutive_failures=F("consecutive_failures") + 1)
    turned_off = rows.filter(
        status=Webhook.Status.ACTIVE, consecutive_failures__gte=deactivate_after()
    ).update(
        status=Webhook.Status.INACTIVE,
        deactivated_reason=f"{deactivate_after()} failed requests in a row",
        updated_at=timezone.now(),
    )
    if turned_off:
        webhook.refresh_from_db()
        webhook_deactivated_notify(webhook=webhook)


def calls_sweep(*, stale_after: int | None = None) -> list[int]:
    """Periodic: queue again the calls a dead worker left "sending" (lease over) and the
    due calls whose task was lost (queued and due for ``stale_after`` seconds)."""
    now = timezone.now()
    if stale_after is None:
        stale_after = _setting("WEBHOOKS_SWEEP_AFTER_SECONDS", 120)
    with platform_access():
        with transaction.atomic():
            expired = now - dt.timedelta(seconds=lease_seconds())
            taken = list(
                WebhookCall.all_accounts.select_for_update(skip_locked=True)
                .filter(state=WebhookCall.State.SENDING, claimed_at__lt=expired)
                .values_list("pk", flat=True)[:SWEEP_LIMIT]
            )
            WebhookCall.all_accounts.filter(pk__in=taken).update(
                state=WebhookCall.State.QUEUED, claim_token=""
            )
        stuck = list(
            WebhookCall.all_accounts.filter(
                state=WebhookCall.State.QUEUED,
                next_attempt_at__lte=now - dt.timedelta(seconds=stale_after),
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
    return enqueue(list(dict.fromkeys([*taken, *stuck])))
