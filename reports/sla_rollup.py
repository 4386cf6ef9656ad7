"""The SLA achievement rollups (reports 0009): what reports.sla counts, summed per local
day × group × agent × metric (reports.models.ReportSlaDay), so an agent's page sums a few
thousand rows instead of joining the ~110,000 tickets of their scope to their targets,
and per day × group × metric (ReportSlaGroupDay, the same summed over the agents, written
by the same upserts and rebuild) for an admin's.

What a target contributes (``settled``): nothing without a target (``target_minutes``
empty); one "achieved" on the local day (the account's time zone) of ``fulfilled_at``
when fulfilled in time (no breach time, or fulfilled by it); else one "breached" on the
local day of ``breach_at`` when it has one (fulfilled late or not at all); else nothing
(still running with its clock paused). A breach time still ahead is counted on its
future day already: the rollup is a function of the rows alone, never of the clock, so
no task has to move a count when a breach time passes. The reading (reports.sla) takes
the days before today from the rollup, where every breach time counted has passed, and
today from the SLA rows themselves up to now (servicelevels 0004's indexes: a day's
targets), so the numbers are exactly those of the rows at any moment.

Under which group and agent: the ones the ticket counts under in the other rollups
(``ReportTicket.counted["dims"]``); a ticket without a ReportTicket row (the moment
between its creation's commit and its first refresh) counts nowhere yet. So each writer
keeps one invariant, *the rollup holds every ReportTicket's targets' contributions under
its dims*, in the transaction that changes either side:

- SLA rows written (servicelevels.tracking._store: ``sla_targets_stored``, with the rows
  before and after): the difference, under the ReportTicket's dims (locked);
- targets dropped (``sla_targets_untracking``: a policy deactivated or deleted, a ticket
  no policy applies to) and tickets deleted (``tickets_deleting``): their contributions
  taken away before the rows change or go;
- dims changed or the ReportTicket created (reports.services' refresh of a ticket, and
  of many after a user merge, an erasure, a role change or an organization deleted):
  the ticket's contributions moved from the old dims to the new (``moved``), under the
  ReportTicket row's lock, which every writer here takes first;
- an account deleted: its rows go with it (the account's foreign key);
- ``rebuild_reports`` (reports.rebuild, ``SQL_REBUILD``) and reports 0009's backfill: from
  the SLA rows joined to ReportTicket, set-based.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from accounts.models import Account
from reports import upserts
from reports.models import ReportSlaDay, ReportSlaGroupDay, ReportTicket
from servicelevels.events import TargetState
from servicelevels.models import SlaTarget

SIDES = ("achieved", "breached")
# (ISO day, group, agent, metric) -> {"achieved": n, "breached": n}
Delta = dict[tuple[str, int, int, str], Counter[str]]


def settled(
    target_minutes: int | None, fulfilled_at: dt.datetime | None, breach_at: dt.datetime | None
) -> tuple[str, dt.datetime] | None:
    """The side and moment a target counts at (the module's docstring), or None."""
    if target_minutes is None:
        return None
    if fulfilled_at is not None and (breach_at is None or fulfilled_at <= breach_at):
        return "achieved", fulfilled_at
    if breach_at is not None:
        return "breached", breach_at
    return None


def _contributions(targets: Iterable[TargetState], tz: ZoneInfo) -> Counter[tuple[str, str, str]]:
    found: Counter[tuple[str, str, str]] = Counter()
    for target in targets:
        counted = settled(target.target_minutes, target.fulfilled_at, target.breach_at)
        if counted is not None:
            side, at = counted
            found[(at.astimezone(tz).date().isoformat(), target.metric, side)] += 1
    return found


def _add(delta: Delta, found: Counter, dims: tuple[int, int], sign: int) -> None:
    for (day, metric, side), n in found.items():
        delta.setdefault((day, dims[0], dims[1], metric), Counter())[side] += sign * n


def apply(account_id: int, delta: Delta) -> None:
    """Add ``delta`` to ReportSlaDay and, summed over the agents, to ReportSlaGroupDay,
    in the caller's transaction (one statement on PostgreSQL: reports.upserts)."""
    upserts.run(statements(account_id, delta))


def statements(account_id: int, delta: Delta) -> list[upserts.Upsert]:
    """``apply``'s upserts, for a caller that runs them with its own (a refresh: the
    other rollups' and these in one statement). No change, none."""
    by_group: dict[tuple, Counter[str]] = {}
    for (day, group, _agent, metric), counts in delta.items():
        by_group.setdefault((day, group, metric), Counter()).update(counts)
    return [
        *_upserts(ReportSlaDay, ("day", "group_pk", "agent_pk", "metric"), account_id, delta),
        *_upserts(ReportSlaGroupDay, ("day", "group_pk", "metric"), account_id, by_group),
    ]


def _upserts(
    model: Any, keys: tuple[str, ...], account_id: int, delta: dict
) -> list[upserts.Upsert]:
    # In key order, as ever (the rows' locks taken in one order by every writer).
    items = [
        (key, counts) for key, counts in sorted(delta.items()) if any(counts.get(s) for s in SIDES)
    ]
    return upserts.upserts(model, keys, account_id, items, SIDES)


def _locked_dims(account_id: int, ticket_ids: Any) -> dict[int, tuple[int, int]]:
    """The ReportTicket rows' dims of the tickets, locked (in ticket order) until the
    caller's transaction ends: a refresh moving the ticket waits, or has moved it."""
    rows = (
        ReportTicket.all_accounts.select_for_update()
        .filter(account_id=account_id, ticket_id__in=ticket_ids)
        .order_by("ticket_id")
        .values_list("ticket_id", "counted__dims")
    )
    return {ticket_id: dims_of({"dims": dims}) for ticket_id, dims in rows}


def on_targets_stored(
    sender: Any,
    *,
    account: Account,
    ticket_id: int,
    before: list[TargetState],
    after: list[TargetState],
    **kwargs: Any,
) -> None:
    """One ticket's SLA rows written: the difference, when there is one (none: no query)."""
    tz = ZoneInfo(account.time_zone)
    old, new = _contributions(before, tz), _contributions(after, tz)
    if old == new:
        return
    dims = _locked_dims(account.pk, [ticket_id]).get(ticket_id)
    if dims is None:
        return  # counted by the ticket's first refresh
    delta: Delta = {}
    _add(delta, new, dims, 1)
    _add(delta, old, dims, -1)
    apply(account.pk, delta)


def _targets(account_id: int, ticket_ids: Any) -> dict[int, list[TargetState]]:
    found: dict[int, list[TargetState]] = {}
    rows = SlaTarget.all_accounts.filter(
        account_id=account_id, ticket_id__in=ticket_ids, target_minutes__isnull=False
    ).values_list("ticket_id", "metric", "target_minutes", "fulfilled_at", "breach_at")
    for ticket_id, metric, minutes, fulfilled_at, breach_at in rows:
        found.setdefault(ticket_id, []).append(
            TargetState(metric, minutes, fulfilled_at, breach_at)
        )
    return found


def _time_zone(account_id: int) -> ZoneInfo:
    return ZoneInfo(Account.objects.values_list("time_zone", flat=True).get(pk=account_id))


def forget(*, account_id: int, ticket_ids: Any) -> None:
    """Take the tickets' contributions away, before their targets are dropped or the
    tickets deleted (in that transaction)."""
    dims = _locked_dims(account_id, ticket_ids)
    if not dims:
        return
    targets = _targets(account_id, sorted(dims))
    if not targets:
        return
    tz = _time_zone(account_id)
    delta: Delta = {}
    for ticket_id, states in targets.items():
        _add(delta, _contributions(states, tz), dims[ticket_id], -1)
    apply(account_id, delta)


def on_targets_untracking(sender: Any, *, account_id: int, ticket_ids: Any, **kwargs: Any) -> None:
    forget(account_id=account_id, ticket_ids=ticket_ids)


def on_tickets_deleting(
    sender: Any, *, account_id: int, ticket_ids: list[int], **kwargs: Any
) -> None:
    forget(account_id=account_id, ticket_ids=ticket_ids)


def moved(account: Account, moves: dict[int, tuple[dict | None, dict]]) -> Delta:
    """The difference of tickets whose dims changed (``moves``: ticket → what its
    ReportTicket counted before, None when it had no row, and what it counts now), for
    the caller (a refresh holding those rows' locks) to apply. One query, none when no
    ticket's group or agent moved."""
    dims = {
        pk: (None if old is None else dims_of(old), dims_of(new))
        for pk, (old, new) in moves.items()
    }
    dims = {pk: (old, new) for pk, (old, new) in dims.items() if old != new}
    if not dims:
        return {}
    tz = ZoneInfo(account.time_zone)
    delta: Delta = {}
    for ticket_id, states in _targets(account.pk, sorted(dims)).items():
        old, new = dims[ticket_id]
        found = _contributions(states, tz)
        _add(delta, found, new, 1)
        if old is not None:
            _add(delta, found, old, -1)
    return delta


def dims_of(counted: dict) -> tuple[int, int]:
    """The (group, agent) a ReportTicket's ``counted`` holds."""
    dims = list(counted.get("dims") or []) + [0, 0]
    return int(dims[0] or 0), int(dims[1] or 0)


def rebuild_in_python(account: Account, dims: dict[int, tuple[int, int]]) -> None:
    """The rollup from the SLA rows, for SQLite's rebuild (``dims``: each counted
    ticket's), after its rows were deleted."""
    tz = ZoneInfo(account.time_zone)
    delta: Delta = {}
    for ticket_id, states in _targets(account.pk, sorted(dims)).items():
        _add(delta, _contributions(states, tz), dims[ticket_id], 1)
    apply(account.pk, delta)


# ``settled`` in SQL over the SLA rows (``s``) joined to the tickets' ReportTicket
# (``rt``): the rebuild's (after ReportTicket is written) and reports 0009's backfill.
_IN_TIME = "s.fulfilled_at IS NOT NULL AND (s.breach_at IS NULL OR s.fulfilled_at <= s.breach_at)"
SQL_REBUILD = f"""
INSERT INTO reports_reportsladay
    (account_id, day, group_pk, agent_pk, metric, achieved, breached)
SELECT %(account)s, x.day, x.group_pk, x.agent_pk, x.metric,
       count(*) FILTER (WHERE x.in_time), count(*) FILTER (WHERE NOT x.in_time)
FROM (
    SELECT (CASE WHEN {_IN_TIME} THEN s.fulfilled_at ELSE s.breach_at END
            AT TIME ZONE %(zone)s)::date AS day,
           COALESCE((rt.counted -> 'dims' ->> 0)::bigint, 0) AS group_pk,
           COALESCE((rt.counted -> 'dims' ->> 1)::bigint, 0) AS agent_pk,
           s.metric, {_IN_TIME} AS in_time
    FROM servicelevels_slatarget s
    JOIN reports_reportticket rt ON rt.ticket_id = s.ticket_id
    WHERE s.account_id = %(account)s AND rt.account_id = %(account)s
      AND s.target_minutes IS NOT NULL
      AND (s.breach_at IS NOT NULL OR s.fulfilled_at IS NOT NULL)
) x
GROUP BY x.day, x.group_pk, x.agent_pk, x.metric
"""  # noqa: S608 - constants only; values are parameters
SQL_REBUILD_GROUPS = """
INSERT INTO reports_reportslagroupday (account_id, day, group_pk, metric, achieved, breached)
SELECT account_id, day, group_pk, metric, sum(achieved), sum(breached)
FROM reports_reportsladay WHERE account_id = %(account)s
GROUP BY account_id, day, group_pk, metric
"""
SLA_TABLES = ("reports_reportsladay", "reports_reportslagroupday")
