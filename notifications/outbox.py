"""The delivery outbox: rows written with the change, sent after commit, exactly once.

Sending one row (``delivery_send``):
1. claim it with a conditional UPDATE (queued → sending, or a sending row whose lease
   expired); a second task for the same row finds nothing to claim and stops;
2. send through Django's mail API (MAILERS["default"] → anymail);
3. mark it sent, guarded by the claim token.
A worker that dies between 1 and 3 leaves a "sending" row; the sweeper re-queues it
once the lease is over. A worker dying between 2 and 3 is the only window in which a
resend can happen; the row's stable Message-ID lets mail clients drop the copy.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.rls import platform_access
from notifications.emails import message_for
from notifications.models import Delivery
from notifications.suppressions import delivery_withhold_if_suppressed

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("NOTIFICATIONS_MAX_ATTEMPTS", 5)


def lease_seconds() -> int:
    return _setting("NOTIFICATIONS_SEND_LEASE_SECONDS", 300)


# Below Redis's visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS, one hour): a retry
# countdown longer than that would make Redis hand the waiting task out a second time.
MAX_BACKOFF_SECONDS = 45 * 60


def backoff_seconds(attempts: int) -> int:
    base = _setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def enqueue_after_commit(delivery_ids: list[int]) -> None:
    """Hand the rows to Celery once the transaction that wrote them commits. A broker
    outage here loses nothing: the rows stay queued and the sweeper sends them."""
    if not delivery_ids:
        return
    from notifications.tasks import deliveries_send_task, delivery_send_task

    def enqueue():
        if len(delivery_ids) == 1:
            batches = [(delivery_send_task, delivery_ids[0])]
        else:  # one task per batch of the change's rows, sent over one connection
            size = _setting("NOTIFICATIONS_SEND_BATCH", 20)
            batches = [
                (deliveries_send_task, delivery_ids[i : i + size])
                for i in range(0, len(delivery_ids), size)
            ]
        for task, argument in batches:
            try:
                task.delay(argument)
            except Exception:  # noqa: BLE001 - the sweeper will pick the rows up
                logger.warning("Could not enqueue delivery %s; the sweeper will retry", argument)

    transaction.on_commit(enqueue)


def enqueue_retry(delivery_id: int, *, countdown: int) -> None:
    """A failed row of a batch, retried on its own after its back-off (the row is queued
    with next_attempt_at set, so the sweeper sends it should this message be lost)."""
    from notifications.tasks import delivery_send_task

    try:
        delivery_send_task.apply_async((delivery_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - the sweeper will pick the row up
        logger.warning("Could not enqueue the retry of %s; the sweeper will", delivery_id)


@dataclass(frozen=True)
class SendResult:
    state: str  # "sent", "skipped", "retry", "failed"
    retry_in: int = 0


def _claim(pk: int) -> str | None:
    token = secrets.token_hex(16)
    now = timezone.now()
    expired = now - dt.timedelta(seconds=lease_seconds())
    claimable = Q(state=Delivery.State.QUEUED) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=expired
    )
    due = claimable & ~Q(next_attempt_at__gt=now)
    # A row to a suppressed address ends "suppressed" here, never reaching the provider.
    if delivery_withhold_if_suppressed(delivery_id=pk, due=due):
        return None
    # Platform-level task: the row carries its account; the id is all we are given.
    claimed = Delivery.all_accounts.filter(due, pk=pk).update(
        state=Delivery.State.SENDING,
        claim_token=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


def _error_text(exc: Exception) -> str:
    # Type and message only (no traceback, no locals): SMTP credentials never land here.
    return f"{type(exc).__name__}: {str(exc)[:500]}"


def _provider_message_id(message, delivery: Delivery) -> str:
    """The ESP's id for the message (anymail), else the Message-ID we stamped: SMTP and
    the development backend have no id of their own, and ours is what they carry."""
    status = getattr(message, "anymail_status", None)
    esp_id = getattr(status, "message_id", None)
    if esp_id is None or esp_id == "":
        return delivery.message_id[:255]
    # A set when recipients got different ids; ours has one recipient per row.
    if isinstance(esp_id, set):
        esp_id = ",".join(sorted(str(i) for i in esp_id))
    return str(esp_id)[:255]


class _Mailer:
    """The worker process's connection to the mail provider, kept open between sends.

    Opening one per email costs a TCP connect, EHLO and QUIT (SMTP) or a new HTTPS
    session (an ESP's API) every time. It is reopened after any send error, after
    ``NOTIFICATIONS_MAILER_MAX_MESSAGES`` messages (servers cap messages per session) and
    after ``NOTIFICATIONS_MAILER_MAX_IDLE_SECONDS`` without a send (servers drop idle
    sessions; RFC 5321 asks them to wait at least five minutes). Per process (a forked
    worker child never shares its parent's socket) and per MAILERS setting.
    """

    def __init__(self):
        self.connection = None
        self.key = None
        self.sent = 0
        self.last_used = 0.0

    def _fresh(self) -> bool:
        return (
            self.key == (os.getpid(), repr(settings.MAILERS.get("default")))
            and self.sent < _setting("NOTIFICATIONS_MAILER_MAX_MESSAGES", 100)
            and time.monotonic() - self.last_used
            < _setting("NOTIFICATIONS_MAILER_MAX_IDLE_SECONDS", 30)
        )

    def send(self, message) -> None:
        from django.core.mail import mailers

        if self.connection is not None and not self._fresh():
            self.close()
        if self.connection is None:
            connection = mailers.default
            connection.open()
            self.connection, self.sent = connection, 0
            self.key = (os.getpid(), repr(settings.MAILERS.get("default")))
        try:
            self.connection.send_messages([message])
        except Exception:
            self.close()  # a session in an unknown state is never reused
            raise
        self.sent += 1
        self.last_used = time.monotonic()

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None and self.key and self.key[0] == os.getpid():
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - closing a broken session
                logger.debug("Closing the mail connection failed", exc_info=True)


_mailer = _Mailer()


def mail_connection_close() -> None:
    """Close the process's mail connection (worker shutdown; the next send reopens)."""
    _mailer.close()


atexit.register(mail_connection_close)


def delivery_send(*, delivery_id: int) -> SendResult:
    """Send one outbox row if it is still due. Safe to call any number of times."""
    # A platform task given only an id: one role switch for its three statements (claim,
    # read, mark) rather than one each. The message is built from the row alone.
    with platform_access():
        token = _claim(delivery_id)
        if token is None:
            return SendResult("skipped")
        delivery = Delivery.all_accounts.get(pk=delivery_id)
        message = message_for(delivery)
        try:
            _mailer.send(message)
        except Exception as exc:  # noqa: BLE001 - any provider error is recorded and retried
            failed = delivery.attempts >= max_attempts()
            wait = backoff_seconds(delivery.attempts)
            Delivery.all_accounts.filter(pk=delivery_id, claim_token=token).update(
                state=Delivery.State.FAILED if failed else Delivery.State.QUEUED,
                last_error=_error_text(exc),
                next_attempt_at=timezone.now() + dt.timedelta(seconds=wait),
                claim_token="",
            )
            logger.warning(
                "Delivery %s attempt %s failed: %s",
                delivery_id,
                delivery.attempts,
                type(exc).__name__,
            )
            return SendResult("failed") if failed else SendResult("retry", retry_in=wait)
        provider_id = _provider_message_id(message, delivery)
        Delivery.all_accounts.filter(pk=delivery_id, claim_token=token).update(
            state=Delivery.State.SENT,
            sent_at=timezone.now(),
            provider_message_id=provider_id,
            last_error="",
            claim_token="",
        )
    return SendResult("sent")


def deliveries_sweep(*, stale_after: int | None = None) -> list[int]:
    """Re-queue what a lost task or a dead worker left behind; return the ids enqueued.

    - queued rows that are due and older than ``stale_after`` seconds (their task was
      lost: broker down at commit, or the message vanished with a worker);
    - sending rows whose lease expired (the worker died mid-send).
    """
    from notifications.tasks import delivery_send_task

    now = timezone.now()
    stale_after = (
        _setting("NOTIFICATIONS_SWEEP_AFTER_SECONDS", 120) if stale_after is None else stale_after
    )
    lease_over = now - dt.timedelta(seconds=lease_seconds())
    Delivery.all_accounts.filter(state=Delivery.State.SENDING, claimed_at__lt=lease_over).update(
        state=Delivery.State.QUEUED, claim_token=""
    )
    due = list(
        Delivery.all_accounts.filter(
            state=Delivery.State.QUEUED,
            next_attempt_at__lte=now,
            created_at__lte=now - dt.timedelta(seconds=stale_after),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        delivery_send_task.delay(pk)
    return due


RESENDABLE = (Delivery.State.FAILED, Delivery.State.SUPPRESSED)


def delivery_retry(*, delivery: Delivery) -> None:
    """An admin sends a failed or suppressed row again (a fresh set of attempts); a row
    whose address is still suppressed is withheld again."""
    updated = (
        Delivery.objects.for_account(delivery.account)
        .filter(pk=delivery.pk, state__in=RESENDABLE)
        .update(state=Delivery.State.QUEUED, attempts=0, next_attempt_at=timezone.now())
    )
    if updated:
        enqueue_after_commit([delivery.pk])
