"""Reads of schedules, and the bridge from rows to the pure ``businesstime.Schedule``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import Account
from servicelevels import businesstime, clocks
from servicelevels.models import Holiday, Schedule, ScheduleInterval, SlaPolicy, SlaTarget
from tickets.models import Ticket


def schedules_for_account(*, account: Account) -> QuerySet[Schedule]:
    """Default first, then by name, with how many holidays each has."""
    return Schedule.objects.for_account(account).annotate(holiday_count=Count("holidays"))


def default_schedule_for(*, account: Account) -> Schedule | None:
    return Schedule.objects.for_account(account).filter(is_default=True).first()


def weekly_hours(*, schedule: Schedule) -> list[list[tuple[int, int]]]:
    """Seven lists (Monday first) of (start, end) minutes after midnight."""
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    rows = ScheduleInterval.objects.for_account(schedule.account).filter(schedule=schedule)
    for row in rows.order_by("weekday", "start"):
        weekly[row.weekday].append((row.start, row.end))
    return weekly


def holidays_of(*, schedule: Schedule) -> QuerySet[Holiday]:
    return Holiday.objects.for_account(schedule.account).filter(schedule=schedule)


def schedule_value(*, schedule: Schedule) -> businesstime.Schedule:
    """The schedule as the pure arithmetic takes it (two queries)."""
    return businesstime.Schedule(
        time_zone=schedule.time_zone,
        weekly=tuple(
            tuple(businesstime.Interval(start, end) for start, end in day)
            for day in weekly_hours(schedule=schedule)
        ),
        holidays=tuple(
            businesstime.Holiday(h.name, h.first, h.last) for h in holidays_of(schedule=schedule)
        ),
    )


# --- SLA policies and each ticket's targets ---------------------------------------------


def sla_policies_for_account(*, account: Account) -> QuerySet[SlaPolicy]:
    """Every policy of the account, in the order they are tried."""
    return (
        SlaPolicy.objects.for_account(account)
        .select_related("schedule")
        .order_by("position", "number")
    )


def sla_targets_of(*, account: Account, ticket: Ticket) -> list[SlaTarget]:
    """The ticket's measured targets (a policy's metric for its priority), in the
    metrics' order, in one query. Visibility: the caller shows them to agents only."""
    rows = SlaTarget.objects.for_account(account).filter(
        ticket=ticket, policy__isnull=False, target_minutes__isnull=False
    )
    order = {metric: i for i, metric in enumerate(clocks.METRICS)}
    return sorted(rows, key=lambda row: order.get(row.metric, len(order)))


def sla_targets_by_ticket(*, tickets: Iterable[Ticket]) -> dict[int, list[SlaTarget]]:
    """sla_targets_of for a page of tickets, in one query (the API's ``include=slas``)."""
    tickets = list(tickets)
    found: dict[int, list[SlaTarget]] = {t.pk: [] for t in tickets}
    if not tickets:
        return found
    order = {metric: i for i, metric in enumerate(clocks.METRICS)}
    rows = SlaTarget.objects.for_account(tickets[0].account).filter(
        ticket__in=[t.pk for t in tickets], policy__isnull=False, target_minutes__isnull=False
    )
    for row in sorted(rows, key=lambda r: order.get(r.metric, len(order))):
        found[row.ticket_id].append(row)
    return found


def tickets_sla_breach_within(*, account: Account, hours: int) -> QuerySet[Ticket]:
    """The account's tickets whose next SLA breach comes within ``hours`` from now and
    has not come yet (automations' "SLA breach within N hours"); index-served through
    TicketSla's partial index on (account, next_breach_at)."""
    now = timezone.now()
    return Ticket.objects.for_account(account).filter(
        sla__account_id=account.pk,
        sla__next_breach_at__gt=now,
        sla__next_breach_at__lte=now + dt.timedelta(hours=hours),
    )


def tickets_sla_breached(*, account: Account) -> QuerySet[Ticket]:
    """The account's tickets with a running SLA target past its breach time."""
    return Ticket.objects.for_account(account).filter(
        sla__account_id=account.pk, sla__next_breach_at__lte=timezone.now()
    )
