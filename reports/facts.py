"""The report's numbers for two drop-down values, or a tag or a value with a channel,
priority, type or organization (reports.attributes): summed from what each matching
ticket counted (ReportTicket.counted, the same contributions the rollups add up:
reports.services), since no rollup keys those (a tag or one value alone, or with a
group or an agent, reads its own rollups: reports.selectors). An organization is a rollups' key
(ReportOrganizationDay and others: reports.selectors); with a tag or a value it narrows
the matching tickets here.

One query: the matching tickets through their index (the scope and every other filter
on the ticket's columns), their ReportTicket rows by primary key, their days unnested;
the days before the range summed into one row (the backlog), the range's per day, group
agent and organization (the series and the leaderboards). Its cost grows with the matching tickets,
not the account's: an organization's few thousand, a tag's tens of thousands at most
(bench/README.md, "Reports by organization, tag and field")."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from accounts.models import Account
from reports import metrics
from reports.access import ReportScope
from reports.attributes import attribute_q
from reports.forms import Filters
from reports.models import ReportTicket
from tickets.models import Ticket


@dataclass(frozen=True)
class FactRow:
    day: dt.date | None  # None: the days before the range, summed
    group_pk: int
    agent_pk: int
    organization_pk: int
    counts: dict[str, int]


def matching_tickets(account: Account, scope: ReportScope, filters: Filters) -> QuerySet[Ticket]:
    """The tickets the report counts under ``filters``, by their current columns."""
    qs = Ticket.objects.for_account(account).filter(scope.ticket_filter(), attribute_q(filters))
    if filters.group_pk is not None:
        qs = qs.filter(group_id=filters.group_pk)
    if filters.agent_pk is not None:
        qs = qs.filter(assignee_id=filters.agent_pk)
    exact = {"channel": filters.channel, "priority": filters.priority, "type": filters.type}
    return qs.filter(**{k: v for k, v in exact.items() if v})


# One row per (day or "before", group, agent, measure): each day's counts unnested as
# text pairs and summed, then turned into columns here. Extracting all thirty-odd
# measures by name per day row instead took 7.9 s against 4.3 s for an organization of
# 28,828 tickets on the loaded 1M copy. Before the range only the backlogs' measures
# are kept (created, solved and the backlog by status).
_SQL = """
SELECT CASE WHEN e.key < %s THEN NULL ELSE e.key::date END,
       CASE WHEN e.key < %s THEN 0 ELSE (rt.counted -> 'dims' ->> 0)::bigint END,
       CASE WHEN e.key < %s THEN 0 ELSE (rt.counted -> 'dims' ->> 1)::bigint END,
       {organization},
       m.key, sum(m.value::bigint)::bigint
FROM reports_reportticket rt
CROSS JOIN LATERAL jsonb_each(rt.counted -> 'days') e
CROSS JOIN LATERAL jsonb_each_text(e.value) m
WHERE rt.account_id = %s AND e.key <= %s AND (e.key >= %s OR m.key IN {BACKLOG})
  AND rt.ticket_id IN ({tickets})
GROUP BY 1, 2, 3, 4, 5
"""  # noqa: S608 - constants only; the tickets' subquery is Django's, every value a param
_BACKLOG = "(" + ", ".join(f"'{m}'" for m in ("created", "solved", *metrics.STATUS_COUNTS)) + ")"


# Per organization only when its leaderboard is asked: the groups multiply (a tag of
# 55,700 tickets: 4.0 s without, 6.0 s with, on the loaded 1M copy).
_ORGANIZATION = (
    "CASE WHEN e.key < %s THEN 0 ELSE COALESCE((rt.counted -> 'dims' ->> 5)::bigint, 0) END"
)


def fact_rows(
    account: Account, scope: ReportScope, filters: Filters, *, organizations: bool = False
) -> list[FactRow]:
    tickets = matching_tickets(account, scope, filters).order_by().values("id")
    start, end = filters.start.isoformat(), filters.end.isoformat()
    if connection.vendor != "postgresql":
        return _in_python(account, tickets, start, end)
    sub_sql, sub_params = tickets.query.sql_with_params()
    params: list[Any] = [start, start, start, *([start] if organizations else [])]
    params += [account.pk, end, start]
    params += sub_params
    summed: dict[tuple, dict[str, int]] = {}
    with connection.cursor() as cursor:
        organization = _ORGANIZATION if organizations else "0"
        cursor.execute(
            _SQL.format(tickets=sub_sql, organization=organization, BACKLOG=_BACKLOG), params
        )
        for day, group_pk, agent_pk, org_pk, measure, amount in cursor.fetchall():
            counts = summed.setdefault(
                (day, group_pk, agent_pk, org_pk), dict.fromkeys(metrics.MEASURES, 0)
            )
            if measure in counts:
                counts[measure] += amount
    return [
        FactRow(day=d, group_pk=g, agent_pk=a, organization_pk=o, counts=c)
        for (d, g, a, o), c in summed.items()
    ]


def _in_python(account: Account, tickets: QuerySet, start: str, end: str) -> list[FactRow]:
    """The same sums in Python (SQLite, the embedded demo database)."""
    summed: dict[tuple, Counter[str]] = {}
    stored = ReportTicket.objects.for_account(account).filter(ticket_id__in=tickets)
    for counted in stored.values_list("counted", flat=True):
        dims = counted.get("dims") or [0, 0]
        org = dims[5] if len(dims) > 5 else 0
        for day, counts in counted.get("days", {}).items():
            if day > end:
                continue
            key = (None, 0, 0, 0) if day < start else (dt.date.fromisoformat(day), *dims[:2], org)
            summed.setdefault(key, Counter()).update(counts)
    return [
        FactRow(
            day=day,
            group_pk=g,
            agent_pk=a,
            organization_pk=o,
            counts={m: c.get(m, 0) for m in metrics.MEASURES},
        )
        for (day, g, a, o), c in summed.items()
    ]
