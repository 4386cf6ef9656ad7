"""Business-time arithmetic: worked examples (DST, holidays, midnight) and properties."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicelevels.businesstime import (
    Holiday,
    Interval,
    NoBusinessHours,
    Schedule,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
    open_periods,
    subtract_business_time,
)

ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
NINE_TO_SIX = (Interval.of("09:00", "18:00"),)
WEEKDAYS = (NINE_TO_SIX,) * 5 + ((), ())


def office(zone: str = "Europe/Rome", holidays: tuple[Holiday, ...] = ()) -> Schedule:
    return Schedule(zone, WEEKDAYS, holidays)


def rome(*args: int) -> datetime:
    return datetime(*args, tzinfo=ROME)


# --- worked examples -------------------------------------------------------------------


def test_one_business_hour_from_friday_evening_is_monday_morning():
    # 2026-12-04 is a Friday.
    assert add_business_time(office(), rome(2026, 12, 4, 17, 30), H) == rome(2026, 12, 7, 9, 30)


def test_one_business_hour_before_monday_morning_is_friday_evening():
    assert subtract_business_time(office(), rome(2026, 12, 7, 9, 30), H) == rome(
        2026, 12, 4, 17, 30
    )
    # Exactly at Monday's 10:00: the whole weekend lies one business hour before; the
    # earliest such instant is Friday's closing time.
    assert subtract_business_time(office(), rome(2026, 12, 7, 10), H) == rome(2026, 12, 4, 18)
    # From a Sunday: Friday's last hours.
    assert subtract_business_time(office(), rome(2026, 12, 6, 11), 2 * H) == rome(2026, 12, 4, 16)


def test_subtracting_skips_holidays_and_dst():
    christmas = Holiday("Christmas break", date(2026, 12, 24), date(2026, 12, 26))
    schedule = office(holidays=(christmas,))
    # Mon 28th 10:00 − 2 h: one hour that Monday, then back over the break to Wed 23rd.
    assert subtract_business_time(schedule, rome(2026, 12, 28, 10), 2 * H) == rome(2026, 12, 23, 17)
    # A night shift 00:00–04:00 on the night Rome's clocks go forward lasts three hours.
    nights = Schedule("Europe/Rome", ((Interval.of("00:00", "04:00"),),) * 7)
    end = rome(2026, 3, 29, 4)
    assert subtract_business_time(nights, end, 2 * H) == rome(2026, 3, 29, 1)
    # All three: the earliest instant is the closing time of the night before.
    assert subtract_business_time(nights, end, 3 * H) == rome(2026, 3, 28, 4)
    assert subtract_business_time(nights, end, 4 * H) == rome(2026, 3, 28, 3)


def test_four_business_hours_from_a_saturday_start_at_monday_opening():
    assert add_business_time(office(), rome(2026, 12, 5, 11), 4 * H) == rome(2026, 12, 7, 13)


def test_lunch_break_is_not_business_time():
    schedule = Schedule(
        "Europe/Rome", ((Interval.of("09:00", "13:00"), Interval.of("14:00", "18:00")),) * 7
    )
    assert add_business_time(schedule, rome(2026, 12, 7, 12), 2 * H) == rome(2026, 12, 7, 15)
    assert business_time_between(schedule, rome(2026, 12, 7, 12), rome(2026, 12, 7, 15)) == 2 * H


def test_holiday_range_is_skipped_whole():
    christmas = Holiday("Christmas break", date(2026, 12, 24), date(2026, 12, 26))
    schedule = office(holidays=(christmas,))
    # Wed 23rd 17:00 + 2 h: one hour that day, Thu–Sat closed, Sunday closed, Mon 28th 10:00.
    assert add_business_time(schedule, rome(2026, 12, 23, 17), 2 * H) == rome(2026, 12, 28, 10)


def test_rome_spring_forward_night_shift_is_one_hour_shorter():
    # 2026-03-29 02:00 CET → 03:00 CEST.
    nights = Schedule("Europe/Rome", ((Interval.of("00:00", "04:00"),),) * 7)
    day = (rome(2026, 3, 29, 0), rome(2026, 3, 29, 12))
    assert business_time_between(nights, *day) == 3 * H
    assert add_business_time(nights, rome(2026, 3, 29, 1), 2 * H) == rome(2026, 3, 29, 4)


def test_rome_fall_back_night_shift_is_one_hour_longer():
    # 2026-10-25 03:00 CEST → 02:00 CET: 02:00–03:00 happens twice.
    nights = Schedule("Europe/Rome", ((Interval.of("00:00", "04:00"),),) * 7)
    assert business_time_between(nights, rome(2026, 10, 25, 0), rome(2026, 10, 25, 12)) == 5 * H
    assert add_business_time(nights, rome(2026, 10, 25, 0), 5 * H) == rome(2026, 10, 25, 4)


def test_hours_inside_the_spring_gap_have_no_length():
    gap = Schedule("Europe/Rome", ((Interval.of("02:00", "03:00"),),) * 7)
    periods = open_periods(gap, rome(2026, 3, 28, 12))
    first = next(periods)
    assert first[0].astimezone(ROME).date() == date(2026, 3, 30)


def test_intervals_that_meet_in_the_repeated_hour_are_seamless():
    split = Schedule(
        "Europe/Rome", ((Interval.of("00:00", "02:30"), Interval.of("02:30", "04:00")),) * 7
    )
    start = next(open_periods(split, rome(2026, 10, 24, 12)))
    assert start == (rome(2026, 10, 25, 0).astimezone(UTC), rome(2026, 10, 25, 4).astimezone(UTC))


def test_new_york_business_day_across_spring_forward_keeps_its_length():
    schedule = office("America/New_York")
    # 2026-03-08 is the Sunday the US moves its clocks: Friday 17:00 + 2 h = Monday 10:00 EDT.
    start = datetime(2026, 3, 6, 17, tzinfo=NEW_YORK)
    assert add_business_time(schedule, start, 2 * H) == datetime(2026, 3, 9, 10, tzinfo=NEW_YORK)


def test_new_york_fall_back_is_measured_in_real_hours():
    schedule = Schedule("America/New_York", ((Interval.of("00:00", "24:00"),),) * 7)
    start = datetime(2026, 11, 1, 0, tzinfo=NEW_YORK)
    end = datetime(2026, 11, 2, 0, tzinfo=NEW_YORK)
    assert business_time_between(schedule, start, end) == 25 * H


def test_shift_spanning_midnight_is_one_period():
    night = (Interval.of("22:00", "24:00"), Interval.of("00:00", "06:00"))
    schedule = Schedule("Europe/Rome", (night,) * 7)
    assert add_business_time(schedule, rome(2026, 12, 7, 23), 3 * H) == rome(2026, 12, 8, 2)
    assert next(open_periods(schedule, rome(2026, 12, 7, 12)))[1] == rome(2026, 12, 8, 6)


def test_holiday_closes_only_its_own_side_of_midnight():
    night = (Interval.of("22:00", "24:00"), Interval.of("00:00", "06:00"))
    tuesday = Holiday("Tuesday off", date(2026, 12, 8), date(2026, 12, 8))
    schedule = Schedule("Europe/Rome", (night,) * 7, (tuesday,))
    # Monday 23:00–24:00 counts; all of Tuesday does not; Wednesday 00:00 opens again.
    assert add_business_time(schedule, rome(2026, 12, 7, 23), 2 * H) == rome(2026, 12, 9, 1)


def test_between_is_negative_backwards_and_zero_when_closed():
    schedule = office()
    friday, monday = rome(2026, 12, 4, 17), rome(2026, 12, 7, 10)
    assert business_time_between(schedule, friday, monday) == 2 * H
    assert business_time_between(schedule, monday, friday) == -2 * H
    assert business_time_between(schedule, rome(2026, 12, 5, 9), rome(2026, 12, 6, 20)) == (
        timedelta(0)
    )


def test_open_is_half_open_at_closing_time():
    schedule = office()
    assert is_open(schedule, rome(2026, 12, 7, 9))
    assert not is_open(schedule, rome(2026, 12, 7, 18))
    assert next_open(schedule, rome(2026, 12, 7, 18)) == rome(2026, 12, 8, 9)


def test_a_schedule_with_no_hours_says_so_instead_of_hanging():
    closed = Schedule("UTC", ((),) * 7)
    with pytest.raises(NoBusinessHours):
        add_business_time(closed, datetime(2026, 1, 1, tzinfo=UTC), H)
    assert business_time_between(closed, datetime(2026, 1, 1, tzinfo=UTC), datetime.now(UTC)) == (
        timedelta(0)
    )


def test_naive_datetimes_and_bad_values_are_refused():
    with pytest.raises(ValueError):
        add_business_time(office(), datetime(2026, 1, 1), H)
    with pytest.raises(ValueError):
        add_business_time(office(), rome(2026, 1, 1), -H)
    with pytest.raises(ValueError):
        Interval.of("18:00", "09:00")
    with pytest.raises(ValueError):
        Schedule("UTC", ((Interval.of("09:00", "12:00"), Interval.of("11:00", "13:00")),) * 7)


# --- properties ------------------------------------------------------------------------

ZONES = ["Europe/Rome", "America/New_York", "UTC", "Australia/Lord_Howe", "Asia/Kolkata"]


@st.composite
def day_hours(draw) -> tuple[Interval, ...]:
    # Boundaries on the quarter hour, often at the DST-sensitive 00:00–04:00.
    cuts = sorted(set(draw(st.lists(st.integers(0, 96), max_size=6))))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return tuple(Interval(a * 15, b * 15) for a, b in zip(cuts[::2], cuts[1::2], strict=True))


@st.composite
def schedules(draw) -> Schedule:
    weekly = tuple(draw(day_hours()) for _ in range(7))
    if not any(weekly):
        weekly = (NINE_TO_SIX,) + weekly[1:]
    holidays = tuple(
        Holiday("h", first, first + timedelta(days=draw(st.integers(0, 4))))
        for first in draw(st.lists(st.dates(date(2025, 12, 1), date(2027, 1, 31)), max_size=6))
    )
    return Schedule(draw(st.sampled_from(ZONES)), weekly, holidays)


# Instants near the 2026 transitions of Rome, New York and Lord Howe, and anywhere else.
TRANSITIONS = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
]
instants = st.one_of(
    st.builds(
        lambda base, minutes: base + timedelta(minutes=minutes),
        st.sampled_from(TRANSITIONS),
        st.integers(-72 * 60, 72 * 60),
    ),
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),
)
durations = st.integers(1, 120 * 60).map(lambda minutes: timedelta(minutes=minutes))
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(schedules(), instants, durations)
def test_adding_then_measuring_gives_back_the_duration(schedule, start, duration):
    end = add_business_time(schedule, start, duration)
    assert business_time_between(schedule, start, end) == duration


@fast
@given(schedules(), instants, durations)
def test_a_positive_duration_never_ends_in_a_closed_period(schedule, start, duration):
    end = add_business_time(schedule, start, duration)
    # Open just before the end: it lands inside an open period or at its closing instant.
    assert business_time_between(schedule, end - timedelta(seconds=1), end) > timedelta(0)


@fast
@given(schedules(), instants, durations, durations)
def test_adding_is_monotonic_and_additive(schedule, start, first, second):
    shorter, longer = sorted([first, second])
    assert add_business_time(schedule, start, shorter) <= add_business_time(schedule, start, longer)
    step = add_business_time(schedule, start, first)
    assert add_business_time(schedule, step, second) == add_business_time(
        schedule, start, first + second
    )


@fast
@given(schedules(), instants, st.integers(0, 10 * 24 * 60), st.integers(0, 10 * 24 * 60))
def test_measuring_never_exceeds_the_clock_and_adds_up(schedule, a, gap_one, gap_two):
    b = a + timedelta(minutes=gap_one)
    c = b + timedelta(minutes=gap_two)
    ab, bc = business_time_between(schedule, a, b), business_time_between(schedule, b, c)
    assert timedelta(0) <= ab <= b - a
    assert business_time_between(schedule, a, c) == ab + bc


@fast
@given(schedules(), instants)
def test_open_periods_are_ordered_disjoint_and_never_on_a_holiday(schedule, since):
    periods = open_periods(schedule, since)
    previous_end = since
    for _ in range(12):
        start, end = next(periods)
        assert previous_end <= start < end
        assert start > previous_end or previous_end == since
        local_start = start.astimezone(schedule.zone)
        assert not schedule.is_holiday(local_start.date()) or local_start.time().hour == 0
        previous_end = end


@fast
@given(schedules(), instants, durations)
def test_subtracting_then_measuring_gives_back_the_duration(schedule, end, duration):
    start = subtract_business_time(schedule, end, duration)
    assert business_time_between(schedule, start, end) == duration
    # The earliest such instant: a second before it there is more business time.
    assert business_time_between(schedule, start - timedelta(seconds=1), end) > duration
