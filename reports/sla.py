"""SLA achievement per target (issue 26): for each metric of the SLA policies, how many
tickets' targets were achieved and how many breached in the range.

Read from the per-ticket SLA records (servicelevels.SlaTarget: each ticket's latest cycle
of each metric measured against a target). A target counts on the day it was settled:
achieved the day it was fulfilled in time, breached the day its breach time passed
(fulfilled late or not at all). Targets still running and not yet breached count in no
range. The reports' scope and filters apply to the ticket as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, Value
from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import Account
from reports.access import ReportScope
from reports.attributes import attribute_q
from reports.csat import range_bounds
from reports.forms import Filters
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


def sla_achievement_for(*, account: Account, scope: ReportScope, filters: Filters) -> list[SlaRow]:
    """One row per metric with a target settled in the range, in the policies' order."""
    start, end = range_bounds(account, filters)
    end = min(end, timezone.now())  # a breach time still ahead has not breached
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
    # Two counts, each from its own index (servicelevels 0004: slatarget_fulfilled,
    # slatarget_breach) rather than one pass over every target of the range's tickets.
    in_time = Q(breach_at__isnull=True) | Q(fulfilled_at__lte=F("breach_at"))
    late = Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gt=F("breach_at"))
    achieved = qs.filter(in_time, fulfilled_at__gte=start, fulfilled_at__lt=end)
    breached = qs.filter(late, breach_at__gte=start, breach_at__lt=end)
    counted = (
        achieved.annotate(side=Value("achieved"))
        .values("side", "metric")
        .annotate(n=Count("*"))
        .union(
            breached.annotate(side=Value("breached"))
            .values("side", "metric")
            .annotate(n=Count("*")),
            all=True,
        )
    )
    found: dict[str, dict[str, int]] = {}
    for row in counted:
        found.setdefault(row["metric"], {"achieved": 0, "breached": 0})[row["side"]] = row["n"]
    return [
        SlaRow(
            metric=metric,
            label=label,
            achieved=found[metric]["achieved"],
            breached=found[metric]["breached"],
        )
        for metric, label in METRIC_LABELS.items()
        if metric in found
    ]
