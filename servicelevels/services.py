"""Changes to business-hours schedules. Rules kept here, whoever calls: exactly one
default schedule per account (the first created), the default and the last schedule are
never deleted, weekly intervals never overlap and open before they close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from servicelevels.models import Holiday, Schedule, ScheduleInterval

# Monday first, as ``date.weekday()`` counts; the form's field names.
WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A holiday range longer than this is a typo (2026 for 2027), not a closure.
MAX_HOLIDAY_DAYS = 366

Weekly = Sequence[Sequence[tuple[int, int]]]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _validate_weekly(weekly: Weekly) -> None:
    if len(weekly) != 7:
        raise ValidationError(_("Give the hours of all seven days."))
    errors: dict[str, list[str]] = {}
    for key, intervals in zip(WEEKDAY_KEYS, weekly, strict=True):
        for start, end in intervals:
            if not 0 <= start < end <= 24 * 60:
                errors.setdefault(key, []).append(
                    _("%(start)s–%(end)s closes before it opens.")
                    % {"start": _clock(start), "end": _clock(end)}
                )
        ordered = sorted(intervals)
        for (a_start, a_end), (b_start, b_end) in zip(ordered, ordered[1:], strict=False):
            if b_start < a_end:
                errors.setdefault(key, []).append(
                    _("%(first)s and %(second)s overlap.")
                    % {
                        "first": f"{_clock(a_start)}–{_clock(a_end)}",
                        "second": f"{_clock(b_start)}–{_clock(b_end)}",
                    }
                )
    if errors:
        raise ValidationError(errors)


def _write_weekly(schedule: Schedule, weekly: Weekly) -> None:
    _validate_weekly(weekly)
    ScheduleInterval.objects.for_account(schedule.account).filter(schedule=schedule).delete()
    ScheduleInterval.objects.bulk_create(
        ScheduleInterval(
            account_id=schedule.account_id, schedule=schedule, weekday=day, start=s, end=e
        )
        for day, intervals in enumerate(weekly)
        for s, e in intervals
    )


def _lock_schedules(account: Account) -> None:
    # Serialises the default rule per account: two first schedules created at once must
    # not both become (or both miss being) the default.
    Account.objects.select_for_update().filter(pk=account.pk).first()


@transaction.atomic
def schedule_create(*, account: Account, name: str, time_zone: str, weekly: Weekly) -> Schedule:
    """A new schedule; the account's first one becomes its default."""
    _lock_schedules(account)
    is_first = not Schedule.objects.for_account(account).exists()
    schedule = Schedule(account=account, name=name.strip(), time_zone=time_zone)
    schedule.is_default = is_first
    schedule.full_clean(exclude=["number"])
    schedule.save()
    _write_weekly(schedule, weekly)
    return schedule


@transaction.atomic
def schedule_update(*, schedule: Schedule, name: str, time_zone: str, weekly: Weekly) -> Schedule:
    schedule.name = name.strip()
    schedule.time_zone = time_zone
    schedule.full_clean(exclude=["number"])
    schedule.save()
    _write_weekly(schedule, weekly)
    return schedule


@transaction.atomic
def schedule_make_default(*, schedule: Schedule) -> None:
    _lock_schedules(schedule.account)
    others = Schedule.objects.for_account(schedule.account).exclude(pk=schedule.pk)
    others.filter(is_default=True).update(is_default=False)
    Schedule.objects.for_account(schedule.account).filter(pk=schedule.pk).update(is_default=True)
    schedule.is_default = True


@transaction.atomic
def schedule_delete(*, schedule: Schedule) -> None:
    """Refused for the default schedule (make another the default first), hence for the
    last one too: an account with schedules always has a default."""
    _lock_schedules(schedule.account)
    current = Schedule.objects.for_account(schedule.account).get(pk=schedule.pk)
    if current.is_default:
        raise ValidationError(
            _("“%(name)s” is the default schedule: make another one the default first.")
            % {"name": schedule.name}
        )
    current.delete()


def holiday_add(*, schedule: Schedule, name: str, first: dt.date, last: dt.date | None) -> Holiday:
    last = last or first
    if last < first:
        raise ValidationError({"last": _("The holiday ends before it starts.")})
    if (last - first).days >= MAX_HOLIDAY_DAYS:
        raise ValidationError({"last": _("A holiday can last at most a year.")})
    holiday = Holiday(
        account_id=schedule.account_id, schedule=schedule, name=name.strip(), first=first, last=last
    )
    holiday.full_clean(exclude=["number", "account", "schedule"])
    holiday.save()
    return holiday


def holiday_remove(*, holiday: Holiday) -> None:
    holiday.delete()


@transaction.atomic
def holidays_import(
    *, schedule: Schedule, country: str, year: int, language: str | None = None
) -> int:
    """Adds the public holidays of ``country`` in ``year`` from the ``holidays`` package,
    skipping dates the schedule already closes (imported before, in any language, or
    within a holiday range); returns how many were added. Without the package installed,
    a clear error instead of a crash."""
    try:
        import holidays as holidays_package
    except ImportError as exc:  # pragma: no cover - the package is a dependency
        raise ValidationError(_("Public holidays cannot be imported here.")) from exc
    try:
        found = holidays_package.country_holidays(country, years=year, language=language)
    except (NotImplementedError, KeyError) as exc:
        raise ValidationError({"country": _("Unknown country.")}) from exc
    closed: set[dt.date] = set()
    for first, last in (
        Holiday.objects.for_account(schedule.account)
        .filter(schedule=schedule, first__year__lte=year, last__year__gte=year)
        .values_list("first", "last")
    ):
        closed.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    added = [
        Holiday(account_id=schedule.account_id, schedule=schedule, name=name, first=day, last=day)
        for day, name in sorted(found.items())
        if day not in closed
    ]
    Holiday.objects.bulk_create(added)
    return len(added)
