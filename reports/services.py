"""Keeping the rollups (reports.models) equal to what reports.metrics says of every
ticket: ``ticket_refresh`` after each change, ``account_rebuild`` from scratch.

A refresh recomputes the whole ticket from its history (a handful of events) and
applies the difference from what the ticket counted before (ReportTicket), under a lock
on the ticket row: two refreshes of one ticket cannot both add, and a refresh run twice
adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import OuterRef

from accounts.dbsession import account_context
from accounts.models import Account
from customfields.models import FieldKind, TicketField
from reports import metrics, rebuild, sla_rollup, upserts
from reports.models import (
    ReportAgentDay,
    ReportAgentMonth,
    ReportAttributeDay,
    ReportAttributeMonth,
    ReportChannelAgentDay,
    ReportChannelAgentMonth,
    ReportDay,
    ReportFieldValueAgentDay,
    ReportFieldValueDay,
    ReportGroupDay,
    ReportOrganizationAgentDay,
    ReportOrganizationDay,
    ReportPriorityAgentDay,
    ReportPriorityAgentMonth,
    ReportSlaDay,
    ReportSlaGroupDay,
    ReportTagAgentDay,
    ReportTagDay,
    ReportTicket,
    ReportTypeAgentDay,
    ReportTypeAgentMonth,
    Rollup,
)
from tickets.models import Comment, Ticket, TicketEvent

# A contribution's key: its day, then metrics.Dims in order.
DIMS = ("day", "group_pk", "agent_pk", "channel", "priority", "type", "organization_pk")
KEYS = DIMS  # ReportDay's
# The coarse tables, each with its key after the account.
COARSE: tuple[tuple[type[Rollup], tuple[str, ...]], ...] = (
    (ReportAgentDay, ("day", "group_pk", "agent_pk")),
    (ReportGroupDay, ("day", "group_pk")),
    (ReportOrganizationAgentDay, ("day", "organization_pk", "group_pk", "agent_pk")),
    (ReportOrganizationDay, ("day", "organization_pk")),
    # A row per tag the ticket carries (the "tag" key: reports.models.ReportTagAgentDay).
    (ReportTagAgentDay, ("day", "tag", "group_pk", "agent_pk")),
    (ReportTagDay, ("day", "tag", "group_pk")),
    # Likewise a row per drop-down value it holds (ReportFieldValueAgentDay).
    (ReportFieldValueAgentDay, ("day", "field_number", "value", "group_pk", "agent_pk")),
    (ReportFieldValueDay, ("day", "field_number", "value", "group_pk")),
    (ReportAttributeDay, ("day", "group_pk", "channel", "priority", "type")),
    # Its "day" is the month's first (reports.models.ReportAttributeMonth).
    (ReportAttributeMonth, ("day", "group_pk", "channel", "priority", "type")),
    # The agent's side of one attribute (reports 0009), per day and per month.
    (ReportChannelAgentDay, ("day", "group_pk", "agent_pk", "channel")),
    (ReportPriorityAgentDay, ("day", "group_pk", "agent_pk", "priority")),
    (ReportTypeAgentDay, ("day", "group_pk", "agent_pk", "type")),
    (ReportChannelAgentMonth, ("day", "group_pk", "agent_pk", "channel")),
    (ReportPriorityAgentMonth, ("day", "group_pk", "agent_pk", "priority")),
    (ReportTypeAgentMonth, ("day", "group_pk", "agent_pk", "type")),
    (ReportAgentMonth, ("day", "group_pk", "agent_pk")),
)
TABLES: tuple[tuple[type[Rollup], tuple[str, ...]], ...] = ((ReportDay, KEYS), *COARSE)
Values = tuple[tuple[int, str], ...]  # (field number, value) of each drop-down set
Row = tuple[str, metrics.Dims, tuple[str, ...], Values]  # (ISO day, dims, tags, values)

_TICKET_FIELDS = (
    "pk",
    "created_at",
    "status",
    "submitter__role",
    "group_id",
    "assignee_id",
    "channel",
    "priority",
    "type",
    "organization_id",
    "tags",
    "custom_fields",
    "satisfaction_rating",
    "satisfaction_at",
    "solved_at",
)
_EVENT_FIELDS = ("ticket_id", "kind", "field", "old_value", "new_value", "created_at")
_COMMENT_FIELDS = ("ticket_id", "created_at", "public", "author__role")
_AGENT_ROLES = ("agent", "admin")


def _facts(row: dict, dropdowns: frozenset[int]) -> metrics.TicketFacts:
    return metrics.TicketFacts(
        created_at=row["created_at"],
        status=row["status"],
        submitter_is_agent=row["submitter__role"] in _AGENT_ROLES,
        dims=(
            row["group_id"] or 0,
            row["assignee_id"] or 0,
            row["channel"] or "",
            row["priority"] or "",
            row["type"] or "",
            row["organization_id"] or 0,
        ),
        rating=row["satisfaction_rating"] or "",
        rated_at=row["satisfaction_at"],
        solved_at=row["solved_at"],
        tags=tags_of(row["tags"]),
        fields=values_of(row["custom_fields"], dropdowns),
    )


def tags_of(tags: str) -> tuple[str, ...]:
    """A ticket's tags as the rollups count them: each once, in code point order (as
    reports.rebuild's SQL orders them, COLLATE "C")."""
    return tuple(sorted(set((tags or "").split())))


def values_of(custom_fields: dict | None, dropdowns: frozenset[int]) -> Values:
    """A ticket's drop-down values as the rollups count them: (field number, value) of
    each drop-down field (``dropdowns``: their numbers) it holds, in that order (as
    reports.rebuild's SQL orders them). A drop-down's stored value is a string."""
    return tuple(
        sorted(
            (int(key), value)
            for key, value in (custom_fields or {}).items()
            if isinstance(value, str) and key.isdigit() and int(key) in dropdowns
        )
    )


def account_dropdowns(account_id: int) -> tuple[Account, frozenset[int]]:
    """The account and the numbers of its drop-down fields (what a ticket's values count
    under), in the account's one read on PostgreSQL: no query more per refresh."""
    dropdowns = TicketField.objects.filter(kind=FieldKind.DROPDOWN)
    if connection.vendor != "postgresql":  # SQLite (the embedded demo): one query more
        account = Account.objects.get(pk=account_id)
        found = dropdowns.filter(account_id=account_id).values_list("number", flat=True)
        return account, frozenset(found)
    numbers = dropdowns.filter(account_id=OuterRef("pk")).values("number")
    account = Account.objects.annotate(dropdowns=ArraySubquery(numbers)).get(pk=account_id)
    return account, frozenset(account.dropdowns)


def _event(row: dict) -> metrics.EventFact:
    return metrics.EventFact(
        kind=row["kind"],
        at=row["created_at"],
        field=row["field"],
        old=row["old_value"],
        new=row["new_value"],
    )


def _comment(row: dict) -> metrics.EventFact:
    return metrics.EventFact(
        kind="comment",
        at=row["created_at"],
        agent_public_comment=row["public"] and row["author__role"] in _AGENT_ROLES,
    )


def _events(account: Account, ticket_ids: Iterable[int]) -> dict[int, list[metrics.EventFact]]:
    """What metrics reads of each ticket's history, in the order it happened: the
    comments (their current visibility: a reply made internal stops counting) and the
    status changes. Comments come from their own table, which every way of writing
    them fills (the bench's bulk load writes no comment events)."""
    ids = list(ticket_ids)
    found: dict[int, list[tuple[dt.datetime, int, metrics.EventFact]]] = {}
    comments = (
        Comment.objects.for_account(account)
        .filter(ticket_id__in=ids)
        .order_by("ticket_id", "created_at", "id")
        .values(*_COMMENT_FIELDS)
    )
    for row in comments:
        found.setdefault(row["ticket_id"], []).append((row["created_at"], 0, _comment(row)))
    changes = (
        TicketEvent.objects.for_account(account)
        .filter(ticket_id__in=ids, kind=TicketEvent.Kind.CHANGE, field="status")
        .order_by("ticket_id", "created_at", "id")
        .values(*_EVENT_FIELDS)
    )
    for row in changes:
        found.setdefault(row["ticket_id"], []).append((row["created_at"], 1, _event(row)))
    # A status change written with a comment (reply and solve) comes after it.
    return {
        pk: [fact for _at, _order, fact in sorted(items, key=lambda i: (i[0], i[1]))]
        for pk, items in found.items()
    }


def counted(facts: metrics.TicketFacts, events: list[metrics.EventFact], tz: ZoneInfo) -> dict:
    """The ticket's contributions in ReportTicket.counted's shape."""
    days = metrics.contributions(facts, events, tz)
    return {
        "dims": list(facts.dims),
        "tags": list(facts.tags),
        "fields": [list(pair) for pair in facts.fields],
        "days": {day.isoformat(): dict(counts) for day, counts in sorted(days.items())},
    }


def _rows(counted_: dict, sign: int) -> dict[Row, Counter[str]]:
    if not counted_:
        return {}
    # Counted before the organization was a dimension (reports 0004 adds it): none.
    dims = tuple(counted_["dims"]) + (0,) * (len(DIMS) - 1 - len(counted_["dims"]))
    tags = tuple(counted_.get("tags", ()))
    values = tuple((number, value) for number, value in counted_.get("fields", ()))
    return {
        (day, dims, tags, values): Counter({m: sign * n for m, n in counts.items()})
        for day, counts in counted_["days"].items()
    }


def _difference(old: dict, new: dict) -> dict[Row, Counter[str]]:
    delta = _rows(new, 1)
    for key, counts in _rows(old, -1).items():
        merged = delta.setdefault(key, Counter())
        for measure, n in counts.items():
            merged[measure] += n
    return {
        key: Counter({m: n for m, n in counts.items() if n})
        for key, counts in delta.items()
        if any(counts.values())
    }


def _coarse(
    delta: dict[Row, Counter[str]], keys: tuple[str, ...], *, monthly: bool = False
) -> dict[tuple, Counter[str]]:
    """The contributions summed per a table's key (``keys``, of DIMS, "tag" or
    "field_number" and "value"): (day, group, agent) for ReportAgentDay, (day,
    organization) for ReportOrganizationDay, …; with "tag", a row's counts go to each of
    its tags, with "value" to each of its drop-down values (none: nowhere); ``monthly``:
    on the first day of their month."""
    at = [DIMS.index(key) if key in DIMS else -1 for key in keys]
    summed: dict[tuple, Counter[str]] = {}
    for (day, dims, tags, values), counts in delta.items():
        full = (day[:8] + "01" if monthly else day, *dims)
        spread: Iterable[tuple] = (
            [(tag,) for tag in tags] if "tag" in keys else values if "value" in keys else [()]
        )
        for extra in spread:
            rest = iter(extra)
            key = tuple(full[i] if i >= 0 else next(rest) for i in at)
            merged = summed.setdefault(key, Counter())
            for measure, n in counts.items():
                merged[measure] += n
    return {key: counts for key, counts in summed.items() if any(counts.values())}


def _upserts(account_id: int, delta: dict[Row, Counter[str]]) -> list[upserts.Upsert]:
    """The statements adding ``delta`` to the fine rollup rows and to the coarse ones."""
    found = []
    for model, keys in TABLES:
        items = list(_coarse(delta, keys, monthly=model.monthly).items())
        found += upserts.upserts(model, keys, account_id, items, metrics.MEASURES)
    return found


def _apply(account_id: int, delta: dict[Row, Counter[str]]) -> None:
    """Add ``delta`` to the fine rollup rows and to the coarse ones, in the caller's
    transaction: all move together or not at all, in one statement on PostgreSQL
    (reports.upserts)."""
    upserts.run(_upserts(account_id, delta))


def ticket_refresh(*, account_id: int, ticket_id: int) -> None:
    """Bring the ticket's contribution to the rollups up to date (after its change
    committed). A ticket deleted meanwhile keeps what it counted."""
    with account_context(account_id), transaction.atomic():
        account, dropdowns = account_dropdowns(account_id)
        row = (
            Ticket.objects.for_account(account)
            .select_for_update(of=("self",))
            .filter(pk=ticket_id)
            .values(*_TICKET_FIELDS)
            .first()
        )
        if row is None:
            return
        events = _events(account, [ticket_id]).get(ticket_id, [])
        new = counted(_facts(row, dropdowns), events, ZoneInfo(account.time_zone))
        # Locked: the SLA rollup's writers (reports.sla_rollup) read its dims under it.
        stored = (
            ReportTicket.objects.for_account(account)
            .select_for_update()
            .filter(ticket_id=ticket_id)
            .first()
        )
        old = stored.counted if stored else {}
        if old == new:
            return
        moves = {ticket_id: (old if stored is not None else None, new)}
        sla_delta = sla_rollup.moved(account, moves)
        # The rollups' and the SLA rollup's rows in one statement (reports.upserts).
        upserts.run(
            [
                *_upserts(account_id, _difference(old, new)),
                *sla_rollup.statements(account_id, sla_delta),
            ]
        )
        if stored is None:
            ReportTicket.objects.create(account=account, ticket_id=ticket_id, counted=new)
        else:
            stored.counted = new
            stored.save(update_fields=["counted"])


_REFRESH_CHUNK = 1000


def tickets_refresh(*, account_id: int, ticket_ids: Iterable[int]) -> None:
    """``ticket_refresh`` for many tickets changed by one bulk UPDATE (an organization
    deleted): the same recount and difference, a thousand tickets per transaction."""
    ids = sorted(set(ticket_ids))
    for start in range(0, len(ids), _REFRESH_CHUNK):
        _refresh_chunk(account_id, ids[start : start + _REFRESH_CHUNK])


def _refresh_chunk(account_id: int, ids: list[int]) -> None:
    with account_context(account_id), transaction.atomic():
        account, dropdowns = account_dropdowns(account_id)
        rows = list(
            Ticket.objects.for_account(account)
            .select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .values(*_TICKET_FIELDS)
        )
        events = _events(account, [row["pk"] for row in rows])
        stored = {
            kept.ticket_id: kept
            for kept in ReportTicket.objects.for_account(account)
            .select_for_update()
            .filter(ticket_id__in=ids)
            .order_by("ticket_id")
        }
        tz = ZoneInfo(account.time_zone)
        delta: dict[Row, Counter[str]] = {}
        created, changed = [], []
        moves: dict[int, tuple[dict | None, dict]] = {}
        for row in rows:
            new = counted(_facts(row, dropdowns), events.get(row["pk"], []), tz)
            kept = stored.get(row["pk"])
            old = kept.counted if kept else {}
            if old == new:
                continue
            moves[row["pk"]] = (old if kept is not None else None, new)
            for key, counts in _difference(old, new).items():
                delta.setdefault(key, Counter()).update(counts)
            if kept is None:
                created.append(ReportTicket(account=account, ticket_id=row["pk"], counted=new))
            else:
                kept.counted = new
                changed.append(kept)
        delta = {key: counts for key, counts in delta.items() if any(counts.values())}
        sla_delta = sla_rollup.moved(account, moves)
        upserts.run([*_upserts(account_id, delta), *sla_rollup.statements(account_id, sla_delta)])
        ReportTicket.objects.bulk_create(created)
        ReportTicket.objects.for_account(account).bulk_update(changed, ["counted"], batch_size=500)


def account_rebuild(*, account: Account, later: bool = True) -> int:
    """Throw the account's rollups away and count every ticket again from its history
    (in SQL: reports.rebuild; on SQLite, the embedded demo database, ticket by ticket).
    Returns the number of tickets counted. ``later=False``: only the rollups reports
    0005 knew (it runs before 0006 to 0010 create theirs)."""
    if connection.vendor != "postgresql":
        return _rebuild_in_python(account, later=later)
    return rebuild.account_rebuild(account=account, later=later)


# Created by reports 0006, 0007, 0008 and 0010: reports 0005's rebuild leaves them alone
# (reports.rebuild._FIRST; tests/reports/test_rebuild_tables.py holds the two together).
# ReportSlaDay and ReportSlaGroupDay (reports 0009) are not Rollups and not among TABLES:
# their rows are the SLA targets' (reports.sla_rollup).
LATER: tuple[type[Rollup], ...] = (
    ReportTagAgentDay,
    ReportTagDay,
    ReportAttributeDay,
    ReportAttributeMonth,
    ReportFieldValueAgentDay,
    ReportFieldValueDay,
    ReportChannelAgentDay,
    ReportPriorityAgentDay,
    ReportTypeAgentDay,
    ReportChannelAgentMonth,
    ReportPriorityAgentMonth,
    ReportTypeAgentMonth,
    ReportAgentMonth,
)


def _rebuild_in_python(account: Account, *, later: bool = True) -> int:
    """The rebuild ticket by ticket through ``counted`` (the incremental refresh's own
    definition), for SQLite (``make run``), where reports.rebuild's SQL does not run."""
    tz = ZoneInfo(account.time_zone)
    totals: dict[Row, Counter[str]] = {}
    done = 0
    tables = [(model, keys) for model, keys in TABLES if later or model not in LATER]
    with account_context(account), transaction.atomic():
        _account, dropdowns = account_dropdowns(account.pk)
        for model, _keys in tables:
            model.objects.for_account(account).delete()
        if later:
            ReportSlaDay.objects.for_account(account).delete()
            ReportSlaGroupDay.objects.for_account(account).delete()
        dims: dict[int, tuple[int, int]] = {}
        ReportTicket.objects.for_account(account).delete()
        last = 0
        while True:
            chunk = list(
                Ticket.objects.for_account(account)
                .filter(pk__gt=last)
                .order_by("pk")
                .values(*_TICKET_FIELDS)[:2000]
            )
            if not chunk:
                break
            last = chunk[-1]["pk"]
            events = _events(account, [row["pk"] for row in chunk])
            stored = []
            for row in chunk:
                new = counted(_facts(row, dropdowns), events.get(row["pk"], []), tz)
                stored.append(ReportTicket(account=account, ticket_id=row["pk"], counted=new))
                dims[row["pk"]] = sla_rollup.dims_of(new)
                for key, counts in _rows(new, 1).items():
                    totals.setdefault(key, Counter()).update(counts)
            ReportTicket.objects.bulk_create(stored)
            done += len(chunk)
        for model, keys in tables:
            rows: list[Any] = [
                model(
                    account=account,
                    day=dt.date.fromisoformat(key[0]),
                    **dict(zip(keys[1:], key[1:], strict=True)),
                    **{m: counts.get(m, 0) for m in metrics.MEASURES},
                )
                for key, counts in _coarse(totals, keys, monthly=model.monthly).items()
            ]
            model.objects.bulk_create(rows, batch_size=1000)
        if later:
            sla_rollup.rebuild_in_python(account, dims)
    return done
