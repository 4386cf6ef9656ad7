"""The satisfaction survey's response rate (issue 26): of the surveys offered in the
range, how many were answered. Read from the rating rows (one per ticket, "offered"
from the survey email until the requester answers), never from the tickets.

A survey counts on the day it was offered (the row's ``created_at``: the first email with
its links; a rating given without one, in the help center or the API, counts as offered
and answered the day it was given), so the rate of a past range settles as its surveys
are answered. The reports' scope and filters apply as to the rating comments: the agent
and group the rating is about, and the ticket's channel, priority and type.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from accounts.models import Account
from reports.access import ReportScope
from reports.attributes import attribute_q
from reports.forms import Filters
from satisfaction.models import RECEIVED, SatisfactionRating


@dataclass(frozen=True)
class ResponseRate:
    offered: int
    rated: int

    @property
    def rate(self) -> float | None:
        return self.rated / self.offered if self.offered else None


def range_bounds(account: Account, filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    """The range's first instant and the instant after it, in the account's days."""
    tz = ZoneInfo(account.time_zone)
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def ratings_in_scope(
    account: Account, scope: ReportScope, filters: Filters
) -> QuerySet[SatisfactionRating]:
    qs = SatisfactionRating.objects.for_account(account)
    if not scope.everything:
        qs = qs.filter(Q(assignee_id=scope.agent_pk) | Q(group_id__in=sorted(scope.group_pks)))
    wanted = {
        "group_id": filters.group_pk,
        "assignee_id": filters.agent_pk,
        "ticket__channel": filters.channel or None,
        "ticket__priority": filters.priority or None,
        "ticket__type": filters.type or None,
    }
    qs = qs.filter(**{k: v for k, v in wanted.items() if v is not None})
    return qs.filter(attribute_q(filters, "ticket__"))  # Q() when none is chosen


def response_rate_for(*, account: Account, scope: ReportScope, filters: Filters) -> ResponseRate:
    start, end = range_bounds(account, filters)
    counts = (
        ratings_in_scope(account, scope, filters)
        .filter(created_at__gte=start, created_at__lt=end)
        .aggregate(offered=Count("pk"), rated=Count("pk", filter=Q(score__in=RECEIVED)))
    )
    return ResponseRate(offered=counts["offered"], rated=counts["rated"])
