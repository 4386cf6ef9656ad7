"""Reads of schedules, and the bridge from rows to the pure ``businesstime.Schedule``."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.models import Account
from servicelevels import businesstime
from servicelevels.models import Holiday, Schedule, ScheduleInterval


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
