"""The delivery outbox: rows written with the change, sent after commit, exactly once.

Sending rows (``deliveries_send``; ``delivery_send`` for one):
1. claim the due ones together (queued → sending, or a sending row whose lease
   expired; rows to a suppressed address → suppressed), locking them with SKIP LOCKED;
   a second task for the same rows finds nothing to claim and stops;
2. send each through Django's mail API (MAILERS["default"] → anymail);
3. mark each sent right after its send, guarded by the claim token.
A worker that dies between 1 and 3 leaves "sending" rows; the sweeper re-queues them
once the lease is over. A worker dying between 2 and 3 of one row is the only window in
which a resend can happen; the row's stable Message-ID lets mail clients drop the copy.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import logging
import os
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.rls import platform_access
from notifications.emails import message_for
from notifications.models import Delivery, Suppression
from notifications.suppressions import deliveries_withhold, suppressed_reason

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
    state: str  # "sent", "skipped", "suppressed", "retry", "failed"
    retry_in: int = 0


def _due(now) -> Q:
    """A row this worker may claim: queued and due, or sending with its lease over."""
    expired = now - dt.timedelta(seconds=lease_seconds())
    claimable = Q(state=Delivery.State.QUEUED) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=expired
    )
    return claimable & ~Q(next_attempt_at__gt=now)


def _claim(pks: list[int], token: str) -> tuple[list[Delivery], list[int]]:
    """Claim the due rows among ``pks`` for ``token``: the rows to send (read whole) and
    the ids withheld as suppressed.

    One statement (``_claim_sql``): it locks the due rows with SELECT … FOR UPDATE SKIP
    LOCKED, reading whether their address is suppressed (a row another worker is
    claiming at this moment is skipped, not waited for; a row claimed since is no longer
    due when re-checked under the lock), claims those that are not with an UPDATE and
    returns them whole. Rows to a suppressed address are left as they were and go
    through ``_claim_locked``, which withholds them ("suppressed", never reaching the
    provider) under its own lock. One round trip where the ORM's transaction took four,
    and no queryset to compile per batch (issue 8).
    """
    if not pks:
        return [], []
    if connection.vendor != "postgresql":  # SQLite (`make run`): the ORM's transaction
        return _claim_locked(pks, token)
    now = timezone.now()
    fields = Delivery._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(),
            {
                "pks": pks,
                "queued": Delivery.State.QUEUED,
                "sending": Delivery.State.SENDING,
                "expired": now - dt.timedelta(seconds=lease_seconds()),
                "now": now,
                "token": token,
            },
        )
        found = cursor.fetchall()
    names = [field.attname for field in fields]
    claimed = sorted(
        (Delivery.from_db(connection.alias, names, row[2:]) for row in found if not row[1]),
        key=lambda row: row.pk,
    )
    suppressed = [row[0] for row in found if row[1]]
    if not suppressed:
        return claimed, []
    more, withheld = _claim_locked(suppressed, token)
    return sorted(claimed + more, key=lambda row: row.pk), withheld


@functools.cache
def _claim_sql() -> str:
    quote = connection.ops.quote_name
    table, suppressions = quote(Delivery._meta.db_table), quote(Suppression._meta.db_table)
    columns = ", ".join(f"d.{quote(f.column)}" for f in Delivery._meta.concrete_fields)
    # The suppression check is suppressions.suppressed_reason(), written out.
    return f"""
        WITH due AS MATERIALIZED (
            SELECT d.id, EXISTS (
                SELECT 1 FROM {suppressions} s
                WHERE s.account_id = d.account_id AND s.email = LOWER(d.to_email)
            ) AS suppressed
            FROM {table} d
            WHERE d.id = ANY(%(pks)s)
              AND (d.state = %(queued)s OR (d.state = %(sending)s AND d.claimed_at < %(expired)s))
              AND NOT (d.next_attempt_at > %(now)s)
            ORDER BY d.id
            FOR UPDATE OF d SKIP LOCKED
        ), claimed AS (
            UPDATE {table} d
            SET state = %(sending)s, claim_token = %(token)s, claimed_at = %(now)s,
                attempts = d.attempts + 1
            FROM due WHERE d.id = due.id AND NOT due.suppressed
            RETURNING {columns}
        )
        SELECT due.id, due.suppressed, claimed.*
        FROM due LEFT JOIN claimed ON claimed.id = due.id
    """  # noqa: S608 - our own tables' names


def _claim_locked(pks: list[int], token: str) -> tuple[list[Delivery], list[int]]:
    """``_claim`` for rows whose address was suppressed: one transaction, a SELECT … FOR
    UPDATE SKIP LOCKED reading each due row's suppression reason, the suppressed ones
    withheld with it, and an UPDATE claiming any whose suppression was lifted meanwhile."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Delivery.all_accounts.select_for_update(skip_locked=True)
            .filter(_due(now), pk__in=pks)
            .annotate(suppressed_as=suppressed_reason())
            .order_by("pk")
        )
        claimed = [row for row in rows if row.suppressed_as is None]
        withheld = [row for row in rows if row.suppressed_as is not None]
        deliveries_withhold(rows=withheld)
        if claimed:
            Delivery.all_accounts.filter(pk__in=[row.pk for row in claimed]).update(
                state=Delivery.State.SENDING,
                claim_token=token,
                claimed_at=now,
                attempts=F("attempts") + 1,
            )
    for row in claimed:  # as the UPDATE left them
        row.state, row.claim_token, row.claimed_at = Delivery.State.SENDING, token, now
        row.attempts += 1
    return claimed, [row.pk for row in withheld]


def _renew(rows: list[Delivery], token: str) -> list[Delivery]:
    """Extend the claim of rows not sent yet (a slow batch); drop any the sweeper took
    back meanwhile (its token is gone), so that no row is sent on an expired claim."""
    with transaction.atomic():
        kept = set(
            Delivery.all_accounts.select_for_update()
            .filter(pk__in=[row.pk for row in rows], claim_token=token)
            .values_list("pk", flat=True)
        )
        Delivery.all_accounts.filter(pk__in=kept).update(claimed_at=timezone.now())
    return [row for row in rows if row.pk in kept]


def _release(pks: list[int], token: str) -> None:
    """Give back rows claimed but never tried (the batch stopped on an error): queued
    again for the sweeper, their unused attempt returned."""
    if not pks:
        return
    try:
        Delivery.all_accounts.filter(pk__in=pks, claim_token=token).update(
            state=Delivery.State.QUEUED, claim_token="", attempts=F("attempts") - 1
        )
    except Exception:  # noqa: BLE001 - left "sending", the sweeper takes them back
        logger.warning("Could not release deliveries %s; the sweeper will", pks)


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
        pending, withheld = _claim(pks, token)
        results.update(dict.fromkeys(withheld, SendResult("suppressed")))
        claimed_at = time.monotonic()
        try:
            while pending:
                if time.monotonic() - claimed_at > lease_seconds() / 2:
                    pending, claimed_at = _renew(pending, token), time.monotonic()
                    if not pending:
                        break
                delivery, pending = pending[0], pending[1:]
                results[delivery.pk] = _send_claimed(delivery, token)
        finally:
            _release([row.pk for row in pending], token)
    return results


def _send_claimed(delivery: Delivery, token: str) -> SendResult:
    try:
        message = message_for(delivery)
        _mailer.send(message)
    except Exception as exc:  # noqa: BLE001 - any provider error is recorded and retried
        failed = delivery.attempts >= max_attempts()
        wait = backoff_seconds(delivery.attempts)
        Delivery.all_accounts.filter(pk=delivery.pk, claim_token=token).update(
            state=Delivery.State.FAILED if failed else Delivery.State.QUEUED,
            last_error=_error_text(exc),
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
    _mark_sent(delivery, token, _provider_message_id(message, delivery))
    return SendResult("sent")


def _mark_sent(delivery: Delivery, token: str, provider_message_id: str) -> None:
    """The row's own UPDATE right after its send, guarded by the claim token. Written
    out rather than built by the ORM: it runs once per email, and compiling the
    queryset cost three times the statement's own client CPU (0.45 against 0.14 ms,
    issue 8). Called inside ``deliveries_send``'s platform access."""
    values = {"state": Delivery.State.SENT, "sent_at": timezone.now()}
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
