"""Automations' "hours since …" in business hours of the account's default schedule
(Zendesk's "(business)" conditions), across a weekend and a holiday, next to the calendar
hours; and their place: automations only, a view refuses them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from automations.runs import automation_run, matching_tickets
from automations.services import automation_create
from servicelevels.services import holiday_add, schedule_create
from tests.factories import make_ticket
from tickets.conditions import clean_conditions
from tickets.models import Ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
NINE_TO_SIX = [(9 * 60, 18 * 60)]
# Monday 2026-12-07, noon in Rome.
NOON_MONDAY = dt.datetime(2026, 12, 7, 12, tzinfo=ROME)


def _rome(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=ROME)


@pytest.fixture
def office(acme):
    return schedule_create(
        account=acme, name="Office", time_zone="Europe/Rome", weekly=[NINE_TO_SIX] * 5 + [[], []]
    )


def _pending_since(acme, agent, when):
    with time_machine.travel(when, tick=False):
        ticket = make_ticket(account=acme, submitter=agent)
        return ticket_update(ticket=ticket, actor=agent, status=Ticket.Status.PENDING).ticket


def _automation(acme, operator, hours, name):
    return automation_create(
        account=acme,
        name=name,
        conditions={
            "all": [
                {"field": "pending_since", "operator": operator, "value": hours},
                {"field": "current_tags", "operator": "not_includes", "value": "nudged"},
            ]
        },
        actions=[{"action": "add_tag", "value": "nudged"}],
    )


def test_more_than_n_business_hours_counts_only_open_hours_across_the_weekend(
    acme, acme_agent, office
):
    # Friday 10:00 → Monday noon: 8 + 3 = 11 business hours (74 calendar hours).
    long_ago = _pending_since(acme, acme_agent, _rome(4, 10))
    # Friday 16:00 → Monday noon: 2 + 3 = 5 business hours (68 calendar hours).
    recent = _pending_since(acme, acme_agent, _rome(4, 16))
    business = _automation(acme, "older_than_business_hours", 10, "Ten business hours")
    calendar = _automation(acme, "older_than_hours", 10, "Ten hours")
    within = _automation(acme, "within_last_business_hours", 6, "Within six business hours")
    with time_machine.travel(NOON_MONDAY, tick=False):
        assert set(matching_tickets(automation=business)) == {long_ago}
        assert set(matching_tickets(automation=calendar)) == {long_ago, recent}
        assert set(matching_tickets(automation=within)) == {recent}
        assert automation_run(automation=business) == 1
    long_ago.refresh_from_db()
    assert "nudged" in long_ago.tag_list


def test_a_holiday_is_no_business_hour(acme, acme_agent, office):
    holiday_add(schedule=office, name="Immacolata", first=dt.date(2026, 12, 7), last=None)
    long_ago = _pending_since(acme, acme_agent, _rome(4, 10))
    business = _automation(acme, "older_than_business_hours", 10, "Ten business hours")
    with time_machine.travel(NOON_MONDAY, tick=False):
        # Monday is closed: only Friday's 8 hours have passed.
        assert list(matching_tickets(automation=business)) == []
    with time_machine.travel(_rome(8, 11), tick=False):
        # Tuesday 11:00: 8 + 2 = 10, not more than 10; at 11:01, more.
        assert list(matching_tickets(automation=business)) == []
    with time_machine.travel(_rome(8, 11) + dt.timedelta(minutes=1), tick=False):
        assert list(matching_tickets(automation=business)) == [long_ago]


def test_without_a_schedule_business_hours_are_calendar_hours(acme, acme_agent):
    long_ago = _pending_since(acme, acme_agent, _rome(4, 10))
    business = _automation(acme, "older_than_business_hours", 70, "Seventy business hours")
    with time_machine.travel(NOON_MONDAY, tick=False):
        assert list(matching_tickets(automation=business)) == [long_ago]


@pytest.mark.parametrize(
    "field",
    [
        "created_at",
        "updated_at",
        "solved_at",
        "pending_since",
        "requester_updated_at",
        "assignee_updated_at",
    ],
)
def test_every_hours_since_condition_has_its_business_variant_in_automations_only(acme, field):
    for operator in ("older_than_business_hours", "within_last_business_hours"):
        data = {"all": [{"field": field, "operator": operator, "value": 4}]}
        assert clean_conditions(account=acme, data=data, business_hours=True)["all"]
        with pytest.raises(ValidationError, match="automations only"):
            clean_conditions(account=acme, data=data)


def test_the_automation_editor_offers_business_hours_the_view_editor_does_not(
    acme, acme_admin, client_for
):
    client = client_for(acme_admin)
    automation_page = client.get("/agent/settings/automations/new/").content.decode()
    assert "more than N business hours ago" in automation_page
    view_page = client.get("/agent/views/new/").content.decode()
    assert "more than N business hours ago" not in view_page
