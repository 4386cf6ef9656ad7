"""The reporting page's numbers, read from the daily rollups (reports.models) in a fixed
number of queries whatever the range: the rows of the range summed per day, the backlog
before it, the leaderboards per agent, per group and per organization, and the latest
rating comments.

Each query reads the coarsest rollup that answers it (``_rows``: the first of ROLLUPS
whose key holds every column the scope, the filters and the reading need):
ReportGroupDay (day × group, a handful of rows a day) for an admin's series, backlog and
group leaderboard; ReportOrganizationDay (day × organization) for an admin's
organization leaderboard and one organization's series and backlog; ReportAgentDay (day
× group × agent, a few hundred a day whatever the volume) for the agent leaderboard, an
agent filter or an agent's scope; ReportOrganizationAgentDay when an organization meets
an agent or a group; ReportAttributeDay (day × group × channel × priority × type) for a
channel, priority or type filter without an agent or an organization;
ReportChannelAgentDay, ReportPriorityAgentDay or ReportTypeAgentDay (day × group × agent
× that one attribute, reports 0010) for one of them with the agent (its leaderboard, an
agent filter, an agent's scope); the fine ReportDay (which keys them all) otherwise;
ReportTagDay (day × tag × group) and ReportTagAgentDay (× agent) when a tag is asked
(they count a ticket under each of its tags, so they answer only then);
ReportFieldValueDay and ReportFieldValueAgentDay likewise when one drop-down value is
asked. Two values, or a tag or a value with a filter its rollups do not key, sums the
matching tickets' own contributions (reports.facts). The backlog is a running total:
the created-minus-solved deltas summed before the range (a few
thousand ReportGroupDay rows for an admin; from a table with months, MONTHS, its months
before the range's month and that month's days), then day by day through it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Account
from reports import facts, metrics
from reports.access import ReportScope
from reports.attributes import attribute_q
from reports.forms import Filters
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
    ReportTagAgentDay,
    ReportTagDay,
    ReportTypeAgentDay,
    ReportTypeAgentMonth,
    Rollup,
)
from satisfaction.models import SatisfactionRating

FRT_HIST = [f"frt_{i}" for i in range(metrics.BUCKETS)]
RES_HIST = [f"res_{i}" for i in range(metrics.BUCKETS)]


@dataclass
class Period:
    start: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    backlog: int = 0
    # Unsolved tickets per status category at the period's last day (metrics.STATUS_COUNTS).
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, counts: dict[str, int]) -> None:
        for m, n in counts.items():
            self.counts[m] = self.counts.get(m, 0) + (n or 0)


@dataclass
class Summary:
    """Derived numbers of a set of counts (a period, an agent, the whole range)."""

    counts: dict[str, int]

    def __getitem__(self, measure: str) -> int:
        # Only the counts: a template's ``summary.csat_score`` must reach the property,
        # and Django's templates try ``summary["csat_score"]`` first.
        if measure not in metrics.MEASURES:
            raise KeyError(measure)
        return self.counts.get(measure, 0)

    def _ratio(self, a: str, b: str) -> float | None:
        return self[a] / self[b] if self[b] else None

    @property
    def replies_per_ticket(self) -> float | None:
        return self._ratio("solved_replies", "solved")

    @property
    def reopen_rate(self) -> float | None:
        return self._ratio("reopened", "solved")

    @property
    def csat_score(self) -> float | None:
        rated = self["csat_good"] + self["csat_bad"]
        return self["csat_good"] / rated if rated else None

    @property
    def frt_average(self) -> float | None:
        return self._ratio("frt_seconds", "frt_count")

    @property
    def res_average(self) -> float | None:
        return self._ratio("res_seconds", "solved")

    def bucket(self, names: list[str], fraction: float) -> int | None:
        return metrics.percentile_bucket([self[n] for n in names], fraction)

    @property
    def frt_median(self) -> int | None:
        return self.bucket(FRT_HIST, 0.5)

    @property
    def frt_p90(self) -> int | None:
        return self.bucket(FRT_HIST, 0.9)

    @property
    def res_median(self) -> int | None:
        return self.bucket(RES_HIST, 0.5)

    @property
    def res_p90(self) -> int | None:
        return self.bucket(RES_HIST, 0.9)


@dataclass
class Report:
    filters: Filters
    periods: list[Period]
    total: Summary
    by_agent: list[tuple[int, Summary]]
    by_group: list[tuple[int, Summary]]
    by_organization: list[tuple[int, Summary]] | None  # None: not asked for
    comments: list[SatisfactionRating]


def _sums(names) -> dict:
    return {m: Coalesce(Sum(m), 0) for m in names}


# Coarsest first, each with the columns of its key besides the day.
ROLLUPS: tuple[tuple[type[Rollup], frozenset[str]], ...] = (
    (ReportGroupDay, frozenset({"group_pk"})),
    (ReportOrganizationDay, frozenset({"organization_pk"})),
    (ReportAgentDay, frozenset({"group_pk", "agent_pk"})),
    (ReportOrganizationAgentDay, frozenset({"organization_pk", "group_pk", "agent_pk"})),
    (ReportAttributeDay, frozenset({"group_pk", "channel", "priority", "type"})),
    # One attribute with the agent: its leaderboard, an agent filter, an agent's scope.
    (ReportChannelAgentDay, frozenset({"group_pk", "agent_pk", "channel"})),
    (ReportPriorityAgentDay, frozenset({"group_pk", "agent_pk", "priority"})),
    (ReportTypeAgentDay, frozenset({"group_pk", "agent_pk", "type"})),
    (
        ReportDay,
        frozenset({"group_pk", "agent_pk", "channel", "priority", "type", "organization_pk"}),
    ),
    # A ticket counts under each of its tags: these answer only when a tag is asked.
    (ReportTagDay, frozenset({"tag", "group_pk"})),
    (ReportTagAgentDay, frozenset({"tag", "group_pk", "agent_pk"})),
    # Likewise under each of its drop-down values: only when one value is asked.
    (ReportFieldValueDay, frozenset({"field_number", "value", "group_pk"})),
    (ReportFieldValueAgentDay, frozenset({"field_number", "value", "group_pk", "agent_pk"})),
)
# The same sums per month (``day``: its first), for the backlog before a range.
MONTHS: dict[type[Rollup], type[Rollup]] = {
    ReportAgentDay: ReportAgentMonth,
    ReportAttributeDay: ReportAttributeMonth,
    ReportChannelAgentDay: ReportChannelAgentMonth,
    ReportPriorityAgentDay: ReportPriorityAgentMonth,
    ReportTypeAgentDay: ReportTypeAgentMonth,
}
# The keys under which a ticket counts more than once (in the tables keying them only).
_SPREAD = ("tag", "value")


def _wanted(filters: Filters) -> dict[str, object]:
    wanted = {
        "group_pk": filters.group_pk,
        "agent_pk": filters.agent_pk,
        "organization_pk": filters.organization_pk,
        "channel": filters.channel or None,
        "priority": filters.priority or None,
        "type": filters.type or None,
        "tag": filters.tag or None,
    }
    if len(filters.fields) == 1:
        wanted["field_number"], wanted["value"] = filters.fields[0]
    return {k: v for k, v in wanted.items() if v is not None}


def _rollup(scope: ReportScope, filters: Filters, by: str = "") -> type[Rollup] | None:
    """The coarsest rollup whose key holds the scope's columns (an agent's: group and
    agent), the filters' and ``by`` (the column a leaderboard reads per); a tag's
    rollups exactly when a tag is asked, a drop-down value's when one value is. None: no
    rollup keys them all (two values; a tag or a value with a channel, priority, type or
    organization, or both)."""
    if len(filters.fields) > 1:
        return None
    needed = set(_wanted(filters)) | ({by} if by else set())
    if not scope.everything:
        needed |= {"group_pk", "agent_pk"}
    spread = [key in needed for key in _SPREAD]
    return next(
        (
            model
            for model, keys in ROLLUPS
            if needed <= keys and [key in keys for key in _SPREAD] == spread
        ),
        None,
    )


def _rows(account: Account, scope: ReportScope, filters: Filters, *, by: str = "") -> QuerySet:
    """The rows of ``_rollup``'s table, narrowed to the scope and the filters."""
    model = _rollup(scope, filters, by)
    assert model is not None  # report_for asked first
    return model.objects.for_account(account).filter(scope.rollup_filter(), **_wanted(filters))


def _period_start(day: dt.date, weekly: bool) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if weekly else day


def report_for(
    *, account: Account, scope: ReportScope, filters: Filters, organizations: bool = False
) -> Report:
    """The page's numbers; the organization leaderboard only when ``organizations``: it
    sums ~72,000 ReportOrganizationDay rows for 90 days at 1M tickets (~400 ms, the rest
    of the page ~500 ms), so the page offers it rather than always paying for it."""
    boards = ("agent_pk", "group_pk", *(("organization_pk",) if organizations else ()))
    if any(_rollup(scope, filters, by) is None for by in boards):
        return _report_from_facts(account, scope, filters, organizations)
    rows = _rows(account, scope, filters)
    in_range = {"day__gte": filters.start, "day__lte": filters.end}
    daily = (
        rows.filter(**in_range).values("day").annotate(**_sums(metrics.MEASURES)).order_by("day")
    )
    before = _before(account, scope, filters, rows)
    by_day: dict[dt.date, dict[str, int]] = {
        row["day"]: {m: row[m] for m in metrics.MEASURES} for row in daily
    }

    def board(key: str) -> list[tuple[int, Summary]]:
        return _leaderboard(account, scope, filters, _rows(account, scope, filters, by=key), key)

    return _report(
        filters,
        by_day,
        before,
        by_agent=board("agent_pk"),
        by_group=board("group_pk"),
        by_organization=board("organization_pk") if organizations else None,
        comments=_comments(account, scope, filters),
    )


_BACKLOGS = {
    "backlog": Coalesce(Sum(F("created") - F("solved")), 0),
    **{m: Coalesce(Sum(m), 0) for m in metrics.STATUS_COUNTS},
}


def _before(account: Account, scope: ReportScope, filters: Filters, rows: QuerySet) -> dict:
    """Both backlogs' totals before the range, in one query. From a table with months
    (MONTHS), the months before the range's month and that month's days before the
    start, together (UNION ALL): an agent's scope has ~40,000 earlier ReportAgentDay rows
    at 1M tickets, a channel's ~100,000 ReportAttributeDay rows, their months a few
    thousand."""
    months = MONTHS.get(rows.model)
    if months is None:
        return rows.filter(day__lt=filters.start).aggregate(**_BACKLOGS)
    month = filters.start.replace(day=1)
    earlier = months.objects.for_account(account).filter(
        scope.rollup_filter(), day__lt=month, **_wanted(filters)
    )
    parts = [
        qs.annotate(part=Value(n)).values("part").annotate(**_BACKLOGS).values(*_BACKLOGS)
        for n, qs in enumerate((earlier, rows.filter(day__gte=month, day__lt=filters.start)))
    ]
    found = list(parts[0].union(parts[1], all=True))
    return {m: sum(row[m] for row in found) for m in _BACKLOGS}


def _report_from_facts(
    account: Account, scope: ReportScope, filters: Filters, organizations: bool
) -> Report:
    """A drop-down value asked, or a tag with a filter its rollups do not key: the
    matching tickets' own contributions (reports.facts), in the same shape."""
    by_day: dict[dt.date, dict[str, int]] = {}
    agents: dict[int, Counter[str]] = {}
    groups: dict[int, Counter[str]] = {}
    by_organization: dict[int, Counter[str]] = {}
    before = dict.fromkeys(("backlog", *metrics.STATUS_COUNTS), 0)
    for row in facts.fact_rows(account, scope, filters, organizations=organizations):
        if row.day is None:
            before["backlog"] += row.counts["created"] - row.counts["solved"]
            for m in metrics.STATUS_COUNTS:
                before[m] += row.counts.get(m, 0)
            continue
        day = by_day.setdefault(row.day, dict.fromkeys(metrics.MEASURES, 0))
        for m, n in row.counts.items():
            day[m] += n
        agents.setdefault(row.agent_pk, Counter()).update(row.counts)
        groups.setdefault(row.group_pk, Counter()).update(row.counts)
        by_organization.setdefault(row.organization_pk, Counter()).update(row.counts)
    return _report(
        filters,
        by_day,
        before,
        by_agent=_board(agents),
        by_group=_board(groups),
        by_organization=_board(by_organization) if organizations else None,
        comments=_comments(account, scope, filters),
    )


def _report(
    filters: Filters,
    by_day: dict[dt.date, dict[str, int]],
    before: dict[str, int],
    *,
    by_agent: list[tuple[int, Summary]],
    by_group: list[tuple[int, Summary]],
    by_organization: list[tuple[int, Summary]] | None,
    comments: list[SatisfactionRating],
) -> Report:
    periods: dict[dt.date, Period] = {}
    day = filters.start
    while day <= filters.end:
        start = _period_start(day, filters.weekly)
        periods.setdefault(start, Period(start=start))
        day += dt.timedelta(days=1)
    backlog = before["backlog"]
    by_status = {m: before[m] for m in metrics.STATUS_COUNTS}
    total = Period(start=filters.start)
    day = filters.start
    while day <= filters.end:
        counts = by_day.get(day, {})
        backlog += counts.get("created", 0) - counts.get("solved", 0)
        for m in metrics.STATUS_COUNTS:
            by_status[m] += counts.get(m, 0)
        period = periods[_period_start(day, filters.weekly)]
        period.add(counts)
        period.backlog = backlog  # at the period's last day
        period.by_status = dict(by_status)
        total.add(counts)
        day += dt.timedelta(days=1)
    return Report(
        filters=filters,
        periods=list(periods.values()),
        total=Summary(total.counts),
        by_agent=by_agent,
        by_group=by_group,
        by_organization=by_organization,
        comments=comments,
    )


def whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first day of the range's first whole month and the first day after its last
    whole month, or None when the range holds no whole month."""
    first = (
        start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    )
    after = (end + dt.timedelta(days=1)).replace(day=1)
    return (first, after) if first < after else None


def _leaderboard(
    account: Account, scope: ReportScope, filters: Filters, rows: QuerySet, key: str
) -> list[tuple[int, Summary]]:
    """The range's rows summed per ``key``. From a table with months (MONTHS), the range's
    whole months from the month rows and only the days before and after them from the
    day rows, together (UNION ALL): 90 days hold two whole months, so an admin's agent
    leaderboard sums ~29 days of ReportAgentDay (a few hundred rows a day at 1M tickets)
    and two months' rows instead of 90 days'."""
    months = MONTHS.get(rows.model)
    spans = whole_months(filters.start, filters.end) if months is not None else None
    if months is None or spans is None:
        found = rows.filter(day__gte=filters.start, day__lte=filters.end)
        found = found.values(key).annotate(**_sums(metrics.MEASURES)).order_by(key)
        return _board({row.pop(key): row for row in found})
    first, after = spans
    month_rows = months.objects.for_account(account).filter(
        scope.rollup_filter(), day__gte=first, day__lt=after, **_wanted(filters)
    )
    parts = [
        qs.values(key).annotate(**_sums(metrics.MEASURES))
        for qs in (
            month_rows,
            rows.filter(day__gte=filters.start, day__lt=first),
            rows.filter(day__gte=after, day__lte=filters.end),
        )
    ]
    summed: dict[int, Counter[str]] = {}
    for row in parts[0].union(*parts[1:], all=True):
        summed.setdefault(row.pop(key), Counter()).update(row)
    return _board(
        {k: {m: counts[m] for m in metrics.MEASURES} for k, counts in sorted(summed.items())}
    )


def _board(found: Mapping[int, Mapping[str, int]]) -> list[tuple[int, Summary]]:
    # A ticket that moved on leaves zeros behind in its former row.
    board = [(key, Summary(dict(row))) for key, row in found.items() if any(row.values())]
    return sorted(board, key=lambda item: (-item[1]["solved"], -item[1]["created"], item[0]))


COMMENTS_SHOWN = 10


def _comments(account: Account, scope: ReportScope, filters: Filters) -> list[SatisfactionRating]:
    """The latest rating comments given in the range (the account's days), in scope."""
    tz = ZoneInfo(account.time_zone)
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = (
        SatisfactionRating.objects.for_account(account)
        .filter(updated_at__gte=start, updated_at__lt=end)
        .exclude(comment="")
        .select_related("ticket")
    )
    if not scope.everything:
        qs = qs.filter(Q(assignee_id=scope.agent_pk) | Q(group_id__in=sorted(scope.group_pks)))
    if filters.group_pk:
        qs = qs.filter(group_id=filters.group_pk)
    if filters.agent_pk:
        qs = qs.filter(assignee_id=filters.agent_pk)
    qs = qs.filter(attribute_q(filters, "ticket__"))  # Q() when none is chosen
    return list(qs.order_by("-updated_at", "-number")[:COMMENTS_SHOWN])
