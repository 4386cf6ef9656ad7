"""Claiming outbox rows for one worker: a lease (``claimed_at`` + the lease length)
under a claim token, renewed while the worker still sends, given back when it stops.
The protocol as a whole is told in notifications/outbox.py."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import Delivery, Suppression
from notifications.suppressions import deliveries_withhold, suppressed_reason

logger = logging.getLogger(__name__)


def lease_seconds() -> float:
    """How long a claim holds without renewal. Short, because a live worker renews it
    while it sends (LeaseKeeper): a killed worker's rows are free one lease after its
    last renewal, and the sweeper (every 30 s, CELERY_BEAT_SCHEDULE) re-queues them, so
    they leave within about a minute (issue 15: a 300 s lease made that six)."""
    return getattr(settings, "NOTIFICATIONS_SEND_LEASE_SECONDS", 30)


def due(now) -> Q:
    """A row this worker may claim: queued and due, or sending with its lease over."""
    expired = now - dt.timedelta(seconds=lease_seconds())
    claimable = Q(state=Delivery.State.QUEUED) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=expired
    )
    return claimable & ~Q(next_attempt_at__gt=now)


def claim(pks: list[int], token: str) -> tuple[list[Delivery], list[int]]:
    """Claim the due rows among ``pks`` for ``token``: the rows to send (read whole) and
    the ids withheld as suppressed.

    One statement (``_claim_sql``): it locks the due rows with SELECT … FOR UPDATE SKIP
    LOCKED, reading whether their address is suppressed (a row another worker is
    claiming at this moment is skipped, not waited for; a row claimed since is no longer
    due when re-checked under the lock), claims those that are not with an UPDATE and
    returns them whole. Rows to a suppressed address are left as they were and go
    through ``claim_locked``, which withholds them ("suppressed", never reaching the
    provider) under its own lock. One round trip where the ORM's transaction took four,
    and no queryset to compile per batch (issue 8).
    """
    if not pks:
        return [], []
    if connection.vendor != "postgresql":  # SQLite (`make run`): the ORM's transaction
        return claim_locked(pks, token)
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
    more, withheld = claim_locked(suppressed, token)
    return sorted(claimed + more, key=lambda row: row.pk), withheld


@functools.cache
def _claim_sql() -> str:
    quote = connection.ops.quote_name
    table, suppressions = quote(Delivery._meta.db_table), quote(Suppression._meta.db_table)
    columns = ", ".join(f"d.{quote(f.column)}" for f in Delivery._meta.concrete_fields)  # type: ignore[arg-type]  # a concrete field has a column
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


def claim_locked(pks: list[int], token: str) -> tuple[list[Delivery], list[int]]:
    """``claim`` for rows whose address was suppressed: one transaction, a SELECT … FOR
    UPDATE SKIP LOCKED reading each due row's suppression reason, the suppressed ones
    withheld with it, and an UPDATE claiming any whose suppression was lifted meanwhile."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Delivery.all_accounts.select_for_update(skip_locked=True)
            .filter(due(now), pk__in=pks)
            .annotate(suppressed_as=suppressed_reason())
            .order_by("pk")
        )
        claimed = [row for row in rows if row.suppressed_as is None]
        withheld = [row for row in rows if row.suppressed_as is not None]
        deliveries_withhold(rows=withheld)  # type: ignore[arg-type]  # annotated rows are Deliveries
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
    return claimed, [row.pk for row in withheld]  # type: ignore[return-value]  # annotated rows are Deliveries


def renew(rows: list[Delivery], token: str) -> list[Delivery]:
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


def release(pks: list[int], token: str) -> None:
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


def leases_take_back(now) -> list[int]:
    """Sending rows whose lease is over, their worker dead (a live one renews it): queued
    again, and their ids returned for the sweeper to enqueue. Rows a claim is locking at
    this moment are skipped, not waited for."""
    expired = now - dt.timedelta(seconds=lease_seconds())
    with transaction.atomic():
        pks = list(
            Delivery.all_accounts.select_for_update(skip_locked=True)
            .filter(state=Delivery.State.SENDING, claimed_at__lt=expired)
            .values_list("pk", flat=True)
        )
        if pks:
            Delivery.all_accounts.filter(pk__in=pks).update(
                state=Delivery.State.QUEUED, claim_token=""
            )
    return pks


class LeaseKeeper:
    """Renews, from one thread per worker process, the lease of every batch the process
    is sending, each a third of the lease after its last renewal, for as long as it is
    held: a send slower than the lease (a provider taking its time, an ESP's 30 s API
    timeout) never lets the sweeper hand a row to a second worker, so the lease can be
    short. A killed worker renews nothing, and its rows are free one lease later.

    One thread for the process, started with its first batch, rather than one per batch:
    a thread's start and join cost about 0.3 ms, a fifth of an email's CPU (issue 8).
    It renews through its own database connection, closed after each round, with an
    UPDATE by primary keys guarded by the claim token: a row already marked sent, or
    taken back, is left alone. No sending thread holds a row lock while this one runs."""

    TICK = 1.0  # seconds between looks at what is held (cheap: a dict under a lock)

    def __init__(self):
        self._lock = threading.Lock()
        self._held: dict[str, tuple[list[int], float]] = {}  # token → (pks, renewed at)
        self._pid: int | None = None

    @contextmanager
    def holding(self, pks: list[int], token: str) -> Iterator[None]:
        if not pks:
            yield
            return
        with self._lock:
            self._held[token] = (list(pks), time.monotonic())
            if self._pid != os.getpid():  # a forked worker child inherits no thread
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="outbox-lease", daemon=True).start()
        try:
            yield
        finally:
            with self._lock:
                self._held.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(min(self.TICK, lease_seconds() / 3))
            due = self._due()
            if due:
                try:
                    self._renew(due)
                finally:
                    connections.close_all()  # this thread's connections only

    def _due(self) -> dict[str, list[int]]:
        now, every = time.monotonic(), lease_seconds() / 3
        with self._lock:
            due = {token: pks for token, (pks, at) in self._held.items() if now - at >= every}
            for token, pks in due.items():
                self._held[token] = (pks, now)
        return due

    def _renew(self, due: dict[str, list[int]]) -> None:
        for token, pks in due.items():
            try:
                Delivery.all_accounts.filter(
                    pk__in=pks, claim_token=token, state=Delivery.State.SENDING
                ).update(claimed_at=timezone.now())
            except Exception:  # noqa: BLE001 - the in-loop renew() is the safety net
                logger.warning("Could not renew the lease of deliveries %s", pks)


lease_keeper = LeaseKeeper()
