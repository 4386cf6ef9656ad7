"""Business-hours schedules: the rules of the services and the admin settings pages."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from servicelevels.businesstime import add_business_time
from servicelevels.models import Holiday, Schedule
from servicelevels.selectors import default_schedule_for, schedule_value, weekly_hours
from servicelevels.services import (
    holiday_add,
    holidays_import,
    schedule_create,
    schedule_delete,
    schedule_make_default,
)

PAGES = "/agent/settings/schedules/"
WEEKDAYS = [[(540, 1080)]] * 5 + [[], []]


def form_data(name="Office", time_zone="Europe/Rome", **days) -> dict:
    data = {"name": name, "time_zone": time_zone}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        data[day] = "09:00-13:00, 14:00-18:00"
    data.update(days)
    return data


@pytest.fixture
def admin_client(client_for, acme_admin):
    return client_for(acme_admin)


@pytest.fixture
def office(acme):
    return schedule_create(account=acme, name="Office", time_zone="Europe/Rome", weekly=WEEKDAYS)


# --- the default rule ------------------------------------------------------------------


def test_first_schedule_becomes_the_default_and_later_ones_do_not(acme, office):
    second = schedule_create(account=acme, name="Night", time_zone="UTC", weekly=WEEKDAYS)
    assert office.is_default and not second.is_default
    assert default_schedule_for(account=acme) == office


def test_making_another_default_leaves_exactly_one(acme, office):
    second = schedule_create(account=acme, name="Night", time_zone="UTC", weekly=WEEKDAYS)
    schedule_make_default(schedule=second)
    defaults = Schedule.objects.for_account(acme).filter(is_default=True)
    assert list(defaults) == [second]


def test_default_and_last_schedule_are_never_deleted(acme, office):
    with pytest.raises(ValidationError, match="default schedule"):
        schedule_delete(schedule=office)
    second = schedule_create(account=acme, name="Night", time_zone="UTC", weekly=WEEKDAYS)
    schedule_delete(schedule=second)
    assert list(Schedule.objects.for_account(acme)) == [office]


def test_each_account_has_its_own_default(acme, globex, office):
    theirs = schedule_create(account=globex, name="Office", time_zone="UTC", weekly=WEEKDAYS)
    assert theirs.is_default and theirs.number == 1


# --- weekly hours ----------------------------------------------------------------------


def test_overlapping_intervals_are_refused_with_the_day_named(acme):
    weekly = [[(540, 780), (720, 1080)]] + [[]] * 6
    with pytest.raises(ValidationError) as caught:
        schedule_create(account=acme, name="Bad", time_zone="UTC", weekly=weekly)
    assert "09:00–13:00 and 12:00–18:00 overlap." in caught.value.message_dict["monday"]
    assert not Schedule.objects.for_account(acme).exists()


def test_interval_that_closes_before_it_opens_is_refused(acme):
    with pytest.raises(ValidationError, match="closes before it opens"):
        schedule_create(account=acme, name="Bad", time_zone="UTC", weekly=[[(600, 540)]] + [[]] * 6)


def test_schedule_value_does_the_arithmetic_with_holidays(acme, office):
    holiday_add(schedule=office, name="Immacolata", first=date(2026, 12, 8), last=None)
    value = schedule_value(schedule=office)
    # Monday 7 December 17:00 Rome + 2 h: Tuesday is a holiday, so Wednesday 10:00.
    start = datetime(2026, 12, 7, 16, tzinfo=UTC)
    assert add_business_time(value, start, timedelta(hours=2)) == datetime(
        2026, 12, 9, 9, tzinfo=UTC
    )


# --- holidays --------------------------------------------------------------------------


def test_holiday_range_must_not_end_before_it_starts(office):
    with pytest.raises(ValidationError, match="ends before it starts"):
        holiday_add(schedule=office, name="Oops", first=date(2026, 8, 20), last=date(2026, 8, 10))


def test_import_italian_holidays_adds_them_once(acme, office):
    added = holidays_import(schedule=office, country="IT", year=2026, language="it")
    assert added >= 10
    names = set(Holiday.objects.for_account(acme).values_list("name", flat=True))
    assert {"Capodanno", "Assunzione della Beata Vergine Maria"} <= names
    assert holidays_import(schedule=office, country="IT", year=2026, language="it") == 0
    # The same holidays in English are the same dates: not added twice.
    assert holidays_import(schedule=office, country="IT", year=2026, language="en_US") == 0


def test_import_skips_dates_inside_a_holiday_range(acme, office):
    holiday_add(schedule=office, name="Closed", first=date(2025, 12, 20), last=date(2026, 1, 7))
    holidays_import(schedule=office, country="IT", year=2026)
    imported = Holiday.objects.for_account(acme).exclude(name="Closed")
    assert not imported.filter(first__lte=date(2026, 1, 7)).exists()
    assert imported.filter(first=date(2026, 12, 25)).exists()


def test_import_of_an_unknown_country_is_a_clear_error(office):
    with pytest.raises(ValidationError, match="Unknown country"):
        holidays_import(schedule=office, country="XX", year=2026)


# --- pages -----------------------------------------------------------------------------


def test_admin_creates_a_schedule_with_split_days(acme, admin_client):
    response = admin_client.post(f"{PAGES}new/", form_data(saturday="10:00-12:00"))
    schedule = Schedule.objects.for_account(acme).get()
    assert response.status_code == 302 and response["Location"] == f"{PAGES}{schedule.number}/"
    assert schedule.is_default
    assert weekly_hours(schedule=schedule)[0] == [(540, 780), (840, 1080)]
    assert weekly_hours(schedule=schedule)[5] == [(600, 720)]
    page = admin_client.get(PAGES).text
    assert "Office" in page and "Default" in page


def test_bad_hours_get_clear_messages_not_a_500(acme, admin_client):
    response = admin_client.post(f"{PAGES}new/", form_data(monday="nine to five"))
    assert response.status_code == 200
    assert "is not a time range" in response.text
    response = admin_client.post(f"{PAGES}new/", form_data(tuesday="09:00-13:00, 12:00-18:00"))
    assert response.status_code == 200
    assert "09:00–13:00 and 12:00–18:00 overlap." in response.text
    response = admin_client.post(f"{PAGES}new/", form_data(wednesday="25:00-26:00"))
    assert "is not a time range" in response.text
    assert not Schedule.objects.for_account(acme).exists()


def test_admin_edits_hours_and_adds_and_removes_a_holiday(acme, office, admin_client):
    url = f"{PAGES}{office.number}/"
    assert "09:00-18:00" in admin_client.get(url).text
    admin_client.post(url, form_data(name="Office hours", friday=""))
    office.refresh_from_db()
    assert office.name == "Office hours" and weekly_hours(schedule=office)[4] == []
    admin_client.post(
        f"{url}holidays/", {"name": "Summer", "first": "2026-08-10", "last": "2026-08-21"}
    )
    holiday = Holiday.objects.for_account(acme).get()
    assert (holiday.first, holiday.last) == (date(2026, 8, 10), date(2026, 8, 21))
    assert "Summer" in admin_client.get(url).text
    admin_client.post(f"{url}holidays/{holiday.number}/remove/")
    assert not Holiday.objects.for_account(acme).exists()


def test_bad_holiday_dates_are_a_message(office, admin_client):
    url = f"{PAGES}{office.number}/holidays/"
    response = admin_client.post(url, {"name": "Oops", "first": "2026-08-20", "last": "2026-08-01"})
    assert response.status_code == 200 and "ends before it starts" in response.text
    response = admin_client.post(url, {"name": "Oops", "first": "not a date"})
    assert response.status_code == 200 and "Enter a valid date" in response.text


def test_admin_imports_public_holidays_from_the_page(acme, office, admin_client):
    response = admin_client.post(
        f"{PAGES}{office.number}/holidays/import/", {"country": "ES", "year": "2026"}
    )
    assert response.status_code == 302
    assert Holiday.objects.for_account(acme).filter(first=date(2026, 1, 6)).exists()


def test_default_cannot_be_deleted_from_the_page(acme, office, admin_client):
    response = admin_client.post(f"{PAGES}{office.number}/delete/", follow=True)
    assert "make another one the default first" in response.text
    assert Schedule.objects.for_account(acme).exists()


def test_make_default_from_the_page(acme, office, admin_client):
    night = schedule_create(account=acme, name="Night", time_zone="UTC", weekly=WEEKDAYS)
    admin_client.post(f"{PAGES}{night.number}/default/")
    admin_client.post(f"{PAGES}{office.number}/delete/")
    assert list(Schedule.objects.for_account(acme)) == [night]
    night.refresh_from_db()
    assert night.is_default


def test_agents_are_told_forbidden_and_other_accounts_not_found(
    acme, globex, office, client_for, acme_agent, globex_agent
):
    assert client_for(acme_agent).get(PAGES).status_code == 403
    theirs = schedule_create(account=globex, name="Theirs", time_zone="UTC", weekly=WEEKDAYS)
    schedule_create(account=globex, name="Theirs 2", time_zone="UTC", weekly=WEEKDAYS)
    from tests.factories import AdminFactory

    globex_admin = AdminFactory(account=globex)
    globex_client = client_for(globex_admin)
    assert globex_client.get(f"{PAGES}{theirs.number}/").status_code == 200
    assert globex_client.get(f"{PAGES}3/").status_code == 404
    assert client_for(acme_agent).post(f"{PAGES}{office.number}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("it", ("Orari di lavoro", "Lunedì", "Importa festività")),
        ("es", ("Horario laboral", "Lunes", "Importar festivos")),
    ],
)
def test_pages_speak_italian_and_spanish(acme, office, admin_client, language, words):
    admin_client.cookies["django_language"] = language
    page = admin_client.get(f"{PAGES}{office.number}/", HTTP_ACCEPT_LANGUAGE=language).text
    for word in words:
        assert word in page
