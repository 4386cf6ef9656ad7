"""Business-time arithmetic: pure functions over a plain ``Schedule`` value, no ORM.

A schedule says, in its own time zone's wall-clock time, when a team works: intervals per
weekday (several a day, up to 24:00) and holidays (named dates or ranges, closed all day).
Business time is *real elapsed time while open*: the night Europe/Rome puts its clocks
back, a desk open 00:00–04:00 is open five hours; the night they go forward, four minus one.

Wall times that do not exist or happen twice are read one fixed way, so that open periods
never overlap and later wall times never map to earlier instants:

- a wall time inside a spring-forward gap (02:30 in Rome on the last Sunday of March) is the
  instant the gap ends (03:00 CEST): a shift 02:00–03:00 that day has no length;
- a wall time inside a fall-back fold (02:30 in Rome on the last Sunday of October) is its
  first occurrence (02:30 CEST): a shift 00:00–02:30 followed by 02:30–04:00 is seamless.

Intervals that cross midnight are written as two: Monday 22:00–24:00 and Tuesday
00:00–06:00 join into one open period (unless Tuesday is a holiday, which closes Tuesday's
part only: holidays are local dates).

The SLA code builds on three functions: ``add_business_time`` ("4 business hours from T"),
``business_time_between`` (time open between A and B, signed) and ``open_periods``; the
automations' "more than N business hours ago" on ``subtract_business_time``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# How far ahead to look for an open period before deciding there is none (a schedule whose
# holidays cover the next twenty years): a bound, so a bad schedule errors instead of hanging.
SEARCH_DAYS = 20 * 366


MAX_RUN = timedelta(days=7)


class NoBusinessHours(ValueError):
    """The schedule is never open (no weekly hours, or holidays cover the search horizon)."""


@dataclass(frozen=True, order=True)
class Interval:
    """Open from ``start`` to ``end`` minutes after local midnight (0 <= start < end <= 1440)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"bad interval {self.start}-{self.end}: need 0 <= start < end <= 1440")

    @classmethod
    def of(cls, start: str, end: str) -> Interval:
        """``Interval.of("09:00", "13:00")``; "24:00" is the end of the day."""
        return cls(_minutes(start), _minutes(end))


@dataclass(frozen=True)
class Holiday:
    """Closed all day from ``first`` to ``last`` (local dates, both included)."""

    name: str
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"holiday {self.name!r} ends before it starts")


@dataclass(frozen=True)
class Schedule:
    """When a team works. ``weekly[0]`` is Monday's intervals, ``weekly[6]`` Sunday's."""

    time_zone: str
    weekly: tuple[tuple[Interval, ...], ...]
    holidays: tuple[Holiday, ...] = ()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _closed: frozenset[date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly needs seven days, Monday first")
        for day in self.weekly:
            ordered = sorted(day)
            for before, after in zip(ordered, ordered[1:], strict=False):
                if after.start < before.end:
                    raise ValueError(f"overlapping intervals {before} and {after}")
        object.__setattr__(self, "weekly", tuple(tuple(sorted(day)) for day in self.weekly))
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))
        closed: set[date] = set()
        for holiday in self.holidays:
            closed.update(
                holiday.first + timedelta(days=n)
                for n in range((holiday.last - holiday.first).days + 1)
            )
        object.__setattr__(self, "_closed", frozenset(closed))

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def is_holiday(self, day: date) -> bool:
        return day in self._closed


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("business time needs an aware datetime")
    return instant.astimezone(UTC)


def wall_to_utc(zone: ZoneInfo, day: date, minute: int) -> datetime:
    """The instant a wall clock in ``zone`` shows ``minute`` after midnight of ``day``
    (a gap's wall time → the gap's end; a fold's → its first occurrence)."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # In a gap: fold=1 reads it with the offset after the jump (an instant before the
    # transition), fold=0 with the one before (an instant after). The transition lies
    # between; find it to the second (gaps are whole minutes in every tz database zone).
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    offset_before = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    # The transition is a whole second in (low, high], and high - low <= 1 s.
    return low.replace(microsecond=0) + timedelta(seconds=1)


def _day_periods(schedule: Schedule, day: date) -> Iterator[tuple[datetime, datetime]]:
    if schedule.is_holiday(day):
        return
    for interval in schedule.weekly[day.weekday()]:
        start = wall_to_utc(schedule.zone, day, interval.start)
        end = wall_to_utc(schedule.zone, day, interval.end)
        if start < end:
            yield start, end


def open_periods(schedule: Schedule, since: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The open periods that end after ``since``, in order: UTC, half-open ``[start, end)``,
    the first clipped to start no earlier than ``since``, and joined where they touch (up to
    ``MAX_RUN`` each, so a desk open around the clock still yields).

    Raises ``NoBusinessHours`` after ``SEARCH_DAYS`` days without an open minute."""
    since = _utc(since)
    # The day before too: its 22:00–24:00 may end after `since` in a zone west of UTC.
    day = since.astimezone(schedule.zone).date() - timedelta(days=1)
    pending: tuple[datetime, datetime] | None = None
    idle_days = 0
    while True:
        found = False
        for start, end in _day_periods(schedule, day):
            if end <= since:
                continue
            found = True
            start = max(start, since)
            if pending is None:
                pending = (start, end)
            elif start <= pending[1] and pending[1] - pending[0] < MAX_RUN:
                pending = (pending[0], max(pending[1], end))
            else:
                yield pending
                pending = (start, end)
        if pending is not None and not found:
            # A day with no periods ends any run that could still be joined.
            yield pending
            pending = None
        idle_days = 0 if found else idle_days + 1
        if idle_days > SEARCH_DAYS:
            raise NoBusinessHours("the schedule has no open hours ahead")
        day += timedelta(days=1)


def add_business_time(schedule: Schedule, start: datetime, duration: timedelta) -> datetime:
    """The instant ``duration`` of business time after ``start`` (aware, returned in UTC).

    A positive duration always ends inside an open period or at its closing instant, never
    in a closed one: 1 business hour from Friday 17:30 with 09:00–18:00 ends Monday 09:30.
    A zero duration returns ``start`` unchanged."""
    start = _utc(start)
    if duration < timedelta(0):
        raise ValueError("business time can only be added forward")
    if duration == timedelta(0):
        return start
    remaining = duration
    for period_start, period_end in open_periods(schedule, start):
        available = period_end - period_start
        if remaining <= available:
            return period_start + remaining
        remaining -= available
    raise AssertionError("open_periods never ends")  # pragma: no cover


def _periods_before(schedule: Schedule, until: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The open periods that start before ``until``, latest first, the first clipped to
    end no later than ``until`` (not joined: periods that touch are walked one by one).

    Raises ``NoBusinessHours`` after ``SEARCH_DAYS`` days without an open minute."""
    # The day after too: in a zone east of UTC its 00:00 may come before `until`.
    day = until.astimezone(schedule.zone).date() + timedelta(days=1)
    idle_days = 0
    while True:
        found = False
        for start, end in reversed(list(_day_periods(schedule, day))):
            if start >= until:
                continue
            found = True
            yield start, min(end, until)
        idle_days = 0 if found else idle_days + 1
        if idle_days > SEARCH_DAYS:
            raise NoBusinessHours("the schedule has no open hours behind")
        day -= timedelta(days=1)


def subtract_business_time(schedule: Schedule, end: datetime, duration: timedelta) -> datetime:
    """The earliest instant ``duration`` of business time before ``end`` (UTC): the
    ``s`` for which ``business_time_between(s, end) == duration``, the earliest of them
    when a closed stretch follows it. So "more than N business hours ago" is "before
    ``subtract_business_time(schedule, now, N h)``" and "in the last N business hours"
    is "at or after it". 1 business hour before Monday 09:30 with 09:00–18:00 is Friday
    17:30; 1 business hour before Monday 10:00 is Friday 18:00 (Friday 18:00 to Monday
    09:00 is closed: all of it lies 1 business hour before Monday 10:00)."""
    end = _utc(end)
    if duration < timedelta(0):
        raise ValueError("business time can only be subtracted forward")
    if duration == timedelta(0):
        return end
    remaining = duration
    for period_start, period_end in _periods_before(schedule, end):
        available = period_end - period_start
        if remaining < available:
            return period_end - remaining
        remaining -= available
    raise AssertionError("_periods_before never ends")  # pragma: no cover


def business_time_between(schedule: Schedule, a: datetime, b: datetime) -> timedelta:
    """The business time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    a, b = _utc(a), _utc(b)
    if b < a:
        return -business_time_between(schedule, b, a)
    total = timedelta(0)
    try:
        for period_start, period_end in open_periods(schedule, a):
            if period_start >= b:
                break
            total += min(period_end, b) - period_start
    except NoBusinessHours:
        pass
    return total


def is_open(schedule: Schedule, instant: datetime) -> bool:
    """Whether the desk is open at ``instant`` (periods are half-open: closed at closing time)."""
    instant = _utc(instant)
    try:
        return next_open(schedule, instant) == instant
    except NoBusinessHours:
        return False


def next_open(schedule: Schedule, instant: datetime) -> datetime:
    """``instant`` if the desk is open then, else when it next opens."""
    return next(open_periods(schedule, instant))[0]
