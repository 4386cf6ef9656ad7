"""SLA achievement per target (issue 26): for each metric of the SLA policies, how many
tickets' targets were achieved and how many breached in the range.

Read from the per-ticket SLA records (servicelevels.SlaTarget: each ticket's latest cycle
of each metric measured against a target). A target counts on the day it was settled:
achieved the day it was fulfilled in time, breached the day its breach time passed
(fulfilled late or not at all). Targets still running and not yet breached count in no
range. The reports' scope and filters apply to the ticket as it is now.

Where from: with no filter but a group or an agent (an agent's own page included), the
days before today are summed from the SLA rollup (reports.models.ReportSlaDay, kept by
reports.sla_rollup: every breach time it holds for those days has passed; for an admin
without an agent filter its sum over the agents, ReportSlaGroupDay) and today, up
to now, is counted from the SLA rows' own indexes (slatarget_fulfilled and
slatarget_breach, servicelevels 0004: a day's targets); one query, a UNION ALL. Any
other filter (channel, priority, type, organization, tag, drop-down value), which the
rollup does not key, counts the rows of the whole range that way, joined to their
tickets.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import Account
from reports.access import ReportScope
from reports.attributes import attribute_q
from reports.csat import range_bounds
from reports.facts import matching_tickets
from reports.forms import Filters
from reports.models import ReportSlaDay, ReportSlaGroupDay
from servicelevels.models import METRIC_LABELS, SlaTarget


@dataclass(frozen=True)
class SlaRow:
    metric: str
    label: str | Promise
    achieved: int
    breached: int

    @property
    def total(self) -> int:
        return self.achieved + self.breached

    @property
    def rate(self) -> float | None:
        return self.achieved / self.total if self.total else None


def _settled_rows(qs: QuerySet, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """The SLA rows ``qs`` settled in [start, end), counted per metric in two halves,
    each from its own index (servicelevels 0004: slatarget_fulfilled, slatarget_breach)
    rather than one pass over every target of the range's tickets: (metric, achieved,
    breached) rows."""
    in_time = Q(breach_at__isnull=True) | Q(fulfilled_at__lte=F("breach_at"))
    late = Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gt=F("breach_at"))
    achieved = qs.filter(in_time, fulfilled_at__gte=start, fulfilled_at__lt=end)
    breached = qs.filter(late, breach_at__gte=start, breach_at__lt=end)
    return (
        achieved.values("metric")
        .annotate(achieved=Count("*"), breached=Value(0))
        .union(breached.values("metric").annotate(achieved=Value(0), breached=Count("*")), all=True)
    )


def _settled_of_tickets(
    account: Account, scope: ReportScope, filters: Filters, start: dt.datetime, end: dt.datetime
) -> list[dict]:
    """``_settled_rows`` of the tickets the filters match (a channel, priority, type,
    organization, tag or drop-down value: no rollup keys them), the tickets read once:
    both halves' targets from their indexes (UNION ALL), then one semi-join to the
    matching tickets. Joined per half, each half read the tickets again (at 1M tickets
    with ``&channel=web``, two parallel scans of 38,000 pages each)."""
    targets = SlaTarget.objects.for_account(account).filter(target_minutes__isnull=False)
    in_time = Q(breach_at__isnull=True) | Q(fulfilled_at__lte=F("breach_at"))
    late = Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gt=F("breach_at"))
    halves = [
        targets.filter(in_time, fulfilled_at__gte=start, fulfilled_at__lt=end),
        targets.filter(late, breach_at__gte=start, breach_at__lt=end),
    ]
    parts = [half.values_list("ticket_id", "metric").query.sql_with_params() for half in halves]
    tickets = matching_tickets(account, scope, filters).order_by().values("id")
    tickets_sql, tickets_params = tickets.query.sql_with_params()
    # Django's own SQL for the parts; every value is a parameter.
    sql = (
        "SELECT x.metric, count(*) FILTER (WHERE x.side = 0), count(*) FILTER (WHERE x.side = 1)"  # noqa: S608
        f" FROM (SELECT a.*, 0 AS side FROM ({parts[0][0]}) a"
        f" UNION ALL SELECT b.*, 1 AS side FROM ({parts[1][0]}) b) x"
        f" WHERE x.ticket_id IN ({tickets_sql}) GROUP BY x.metric"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parts[0][1], *parts[1][1], *tickets_params])
        return [
            {"metric": metric, "achieved": achieved, "breached": breached}
            for metric, achieved, breached in cursor.fetchall()
        ]


def _from_rollup(filters: Filters) -> bool:
    """Whether the rollup keys every filter chosen (it keys the group and the agent)."""
    return not (
        filters.channel
        or filters.priority
        or filters.type
        or filters.organization_pk is not None
        or filters.tag
        or filters.fields
    )


def sla_achievement_for(*, account: Account, scope: ReportScope, filters: Filters) -> list[SlaRow]:
    """One row per metric with a target settled in the range, in the policies' order."""
    start, end = range_bounds(account, filters)
    now = timezone.now()
    end = min(end, now)  # a breach time still ahead has not breached
    qs = SlaTarget.objects.for_account(account).filter(
        scope.ticket_filter("ticket__"), target_minutes__isnull=False
    )
    wanted = {
        "ticket__group_id": filters.group_pk,
        "ticket__assignee_id": filters.agent_pk,
        "ticket__channel": filters.channel or None,
        "ticket__priority": filters.priority or None,
        "ticket__type": filters.type or None,
    }
    qs = qs.filter(**{k: v for k, v in wanted.items() if v is not None})
    qs = qs.filter(attribute_q(filters, "ticket__"))  # Q() when none is chosen
    if _from_rollup(filters):
        # The settled days from the rollup, today (and only today) from the rows.
        tz = ZoneInfo(account.time_zone)
        today = now.astimezone(tz).date()
        rolled: dict[str, object] = {
            "day__gte": filters.start,
            "day__lte": min(filters.end, today - dt.timedelta(days=1)),
        }
        if filters.group_pk:
            rolled["group_pk"] = filters.group_pk
        if filters.agent_pk:
            rolled["agent_pk"] = filters.agent_pk
        # The coarsest that answers: per group for an admin without an agent filter.
        model = ReportSlaDay if "agent_pk" in rolled or not scope.everything else ReportSlaGroupDay
        days = (
            model.objects.for_account(account)
            .filter(scope.rollup_filter(), **rolled)
            .values("metric")
            .annotate(achieved=Sum("achieved"), breached=Sum("breached"))
        )
        since = max(start, dt.datetime.combine(today, dt.time.min, tzinfo=tz))
        counted: Iterable[Mapping[str, Any]] = days.union(_settled_rows(qs, since, end), all=True)
    elif connection.vendor == "postgresql":
        counted = _settled_of_tickets(account, scope, filters, start, end)
    else:
        counted = _settled_rows(qs, start, end)
    found: dict[str, Counter[str]] = {}
    for row in counted:
        found.setdefault(row["metric"], Counter()).update(
            achieved=int(row["achieved"] or 0), breached=int(row["breached"] or 0)
        )
    return [
        SlaRow(
            metric=metric,
            label=label,
            achieved=found[metric]["achieved"],
            breached=found[metric]["breached"],
        )
        for metric, label in METRIC_LABELS.items()
        if metric in found and found[metric].total()
    ]
