"""What the incremental exports read (Zendesk's /api/v2/incremental/…): an account's rows
changed since a moment, in a stable order, one page at a time.

Two ways to walk, as at Zendesk:

- **Cursor-based** (tickets, users): keyset pagination on ``(updated_at, id)``. The
  cursor is the key of the last row exported; the next page is every row whose key is
  greater. A row changed while a client walks gets a newer ``updated_at`` and so a new,
  larger key: it is never skipped (it lies ahead of the cursor now, whether or not it was
  exported before) and no unchanged row is exported twice. A row exported before its
  change is exported again after it, with its new values: Zendesk's semantics (a sync
  tool upserts by id). Served by the index ``ticket_acct_updated`` (account, updated_at,
  id), read in one direction; tests/api/test_incremental_plans.py proves it.
- **Time-based** (tickets, organizations, ticket events): ``start_time`` in whole
  seconds, ``end_time`` the second the page stops at, ``next_page`` starting there. A
  page never ends inside a second when more rows follow (the rows of its last second
  move to the next page), so a second with more rows than ``per_page`` cannot make a
  client loop: that page is simply longer, as Zendesk says its pages may be.

Only rows changed at least ``API_INCREMENTAL_HORIZON_SECONDS`` (default 60) ago are
exported: a write whose transaction commits a moment after its ``updated_at`` was taken
would otherwise land behind a cursor that had already passed it, and be skipped.
Zendesk likewise leaves out the last minute.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import Account, DeletedUser, Organization, User
from tickets.models import DeletedTicket, Ticket, TicketEvent

MAX_PER_PAGE = 1000
DEFAULT_HORIZON_SECONDS = 60


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Key:
    """A row's place in an export: its timestamp (to the microsecond) and its id."""

    at: dt.datetime
    pk: int

    def encode(self) -> str:
        raw = f"{self.at.timestamp():.6f}|{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Key:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            seconds, _, pk = raw.partition("|")
            at = dt.datetime.fromtimestamp(float(seconds), tz=dt.UTC)
            return cls(at, int(pk))
        except (ValueError, UnicodeDecodeError, OverflowError, OSError) as exc:
            raise BadCursor(cursor) from exc

    @classmethod
    def start(cls, start_time: int) -> Key:
        """Just before every row changed at or after ``start_time``."""
        return cls(dt.datetime.fromtimestamp(start_time, tz=dt.UTC), 0)


def horizon() -> dt.datetime:
    seconds = getattr(settings, "API_INCREMENTAL_HORIZON_SECONDS", DEFAULT_HORIZON_SECONDS)
    return timezone.now() - dt.timedelta(seconds=seconds)


def _after(qs: QuerySet, key: Key, field: str) -> QuerySet:
    """Rows whose (field, id) is after ``key``: one row comparison, so PostgreSQL walks
    the (account, field, id) index from the key on."""
    table = qs.model._meta.db_table
    # Names from the model, values bound as parameters.
    where = RawSQL(  # noqa: S611
        f'("{table}"."{field}", "{table}"."id") > (%s, %s)',
        (key.at, key.pk),
        output_field=BooleanField(),
    )
    return qs.filter(where)


@dataclass
class CursorPage:
    rows: list
    after: Key | None
    end_of_stream: bool


def cursor_page(qs: QuerySet, *, key: Key, per_page: int, field: str = "updated_at") -> CursorPage:
    qs = _after(qs, key, field).filter(**{f"{field}__lt": horizon()})
    rows = list(qs.order_by(field, "id")[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    last = Key(getattr(rows[-1], field), rows[-1].pk) if rows else key
    return CursorPage(rows, last, not more)


@dataclass
class TimePage:
    rows: list
    end_time: int
    end_of_stream: bool


def time_page(qs: QuerySet, *, start_time: int, per_page: int, field: str) -> TimePage:
    start = dt.datetime.fromtimestamp(start_time, tz=dt.UTC)
    qs = qs.filter(**{f"{field}__gte": start, f"{field}__lt": horizon()}).order_by(field, "id")
    rows = list(qs[: per_page + 1])
    if len(rows) <= per_page:
        end = int(getattr(rows[-1], field).timestamp()) if rows else start_time
        return TimePage(rows, max(end, start_time), True)
    rows = rows[:per_page]
    last_second = int(getattr(rows[-1], field).timestamp())
    boundary = dt.datetime.fromtimestamp(last_second, tz=dt.UTC)
    kept = [r for r in rows if getattr(r, field) < boundary]
    if kept:  # the rows of the last second start the next page
        return TimePage(kept, last_second, False)
    # One second holds more rows than a page: all of them, so the walk moves on.
    upto = boundary + dt.timedelta(seconds=1)
    rows = list(qs.filter(**{f"{field}__lt": upto}))
    more = qs.filter(**{f"{field}__gte": upto}).exists()
    return TimePage(rows, last_second + 1, not more)


def time_pages_merged(first: TimePage, second: TimePage, *, field: str) -> TimePage:
    """Two streams' pages from one start_time as one page (live tickets and deletions):
    each page holds all of its stream's rows before its end_time, so the merged page
    ends at the earlier end of a stream that has more, and keeps the rows before it from
    both; the rest come in the next page. Both at their end: everything."""
    open_ends = [p.end_time for p in (first, second) if not p.end_of_stream]
    rows = [*first.rows, *second.rows]
    if not open_ends:
        end = max(first.end_time, second.end_time)
    else:
        end = min(open_ends)
        rows = [r for r in rows if getattr(r, field).timestamp() < end]
    rows.sort(key=lambda r: (getattr(r, field), r.pk))
    return TimePage(rows, end, not open_ends)


def tickets_changed(*, account: Account) -> QuerySet[Ticket]:
    return Ticket.objects.for_account(account)


def tickets_deleted(*, account: Account) -> QuerySet[DeletedTicket]:
    return DeletedTicket.objects.for_account(account)


def users_deleted(*, account: Account) -> QuerySet[DeletedUser]:
    return DeletedUser.objects.for_account(account)


def users_changed(*, account: Account) -> QuerySet[User]:
    return User.objects.for_account(account).select_related("organization")


def organizations_changed(*, account: Account) -> QuerySet[Organization]:
    return Organization.objects.for_account(account).prefetch_related("domains")


def ticket_events_changed(*, account: Account) -> QuerySet[TicketEvent]:
    return TicketEvent.objects.for_account(account).select_related("ticket", "actor", "comment")
