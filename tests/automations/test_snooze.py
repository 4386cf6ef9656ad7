"""Snooze: out of the working views into "Snoozed", status untouched, back as Open at its
time with the change in the Activity and the assignee emailed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from automations.runs import automations_sweep, snoozes_wake
from automations.snooze import months_after, snooze_time
from notifications.models import Delivery
from tests.automations.conftest import age
from tests.conftest import TenantClient
from tickets.models import Ticket, TicketEvent, View
from tickets.services import comment_add, ticket_update
from tickets.view_selectors import view_matching

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(acme, acme_agent):
    client = TenantClient(acme)
    client.force_login(acme_agent)
    return client


def _in_view(ticket, key, viewer):
    view = View.objects.for_account(ticket.account).get(key=key)
    return view_matching(view=view, viewer=viewer).filter(pk=ticket.pk).exists()


def test_a_snoozed_ticket_leaves_the_working_views_for_the_snoozed_view(
    acme, acme_agent, agent_client, ticket
):
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent, status="pending")
    for key in ("mine", "unsolved", "pending"):
        assert _in_view(ticket, key, acme_agent)
    assert not _in_view(ticket, "snoozed", acme_agent)

    response = agent_client.post(
        f"/agent/tickets/{ticket.number}/snooze/", {"amount": "2", "unit": "days"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.snoozed_until > timezone.now() + dt.timedelta(days=1, hours=23)
    assert ticket.status == Ticket.Status.PENDING  # status (and so SLA clocks) untouched
    for key in ("mine", "unsolved", "pending"):
        assert not _in_view(ticket, key, acme_agent)
    assert _in_view(ticket, "snoozed", acme_agent)
    page = agent_client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "Snoozed until" in page and "Wake up now" in page
    event = ticket.events.get(field="snoozed_until")
    assert event.actor == acme_agent


def test_at_its_time_it_comes_back_open_and_the_assignee_is_emailed(
    acme, acme_agent, agent_client, ticket
):
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent, status="hold")
    agent_client.post(f"/agent/tickets/{ticket.number}/snooze/", {"amount": "3", "unit": "hours"})
    assert snoozes_wake(account=acme) == 0
    age(ticket, snoozed_until=0.01)
    automations_sweep()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.snoozed_until is None
    assert _in_view(ticket, "mine", acme_agent)
    woke = ticket.events.filter(kind=TicketEvent.Kind.CHANGE, actor=None).values_list(
        "field", "new_value"
    )
    assert set(woke) >= {("snoozed_until", ""), ("status", "open")}
    mail = Delivery.objects.for_account(acme).get(ticket=ticket, reason="snooze")
    assert mail.to_email == acme_agent.email and "[Snooze over]" in mail.subject
    # Done once: a second pass finds nothing.
    assert snoozes_wake(account=acme) == 0


def test_the_requester_writing_in_wakes_it_at_once(acme, acme_agent, acme_user, ticket):
    ticket_update(
        ticket=ticket, actor=acme_agent, snoozed_until=timezone.now() + dt.timedelta(days=3)
    )
    comment_add(ticket=ticket, author=acme_user, body="Hello?")
    ticket.refresh_from_db()
    assert ticket.snoozed_until is None


def test_bad_snooze_input_is_a_message_not_a_500(acme, agent_client, ticket):
    for data in (
        {"amount": "0", "unit": "days"},
        {"amount": "x", "unit": "hours"},
        {"amount": "13", "unit": "months"},
        {"amount": "1", "unit": "years"},
    ):
        response = agent_client.post(f"/agent/tickets/{ticket.number}/snooze/", data, follow=True)
        assert response.status_code == 200
        assert "Postpone by" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.snoozed_until is None


def test_a_solved_ticket_cannot_be_snoozed(acme, acme_agent, agent_client, ticket):
    ticket_update(ticket=ticket, actor=acme_agent, status="solved")
    response = agent_client.post(
        f"/agent/tickets/{ticket.number}/snooze/", {"amount": "1", "unit": "days"}, follow=True
    )
    assert "cannot be snoozed" in response.content.decode()


def test_postponing_by_months_keeps_the_day_or_takes_the_months_last():
    start = dt.datetime(2027, 1, 31, 9, 0, tzinfo=dt.UTC)
    assert months_after(start, 1) == dt.datetime(2027, 2, 28, 9, 0, tzinfo=dt.UTC)
    assert snooze_time(amount=2, unit="weeks", now=start) == start + dt.timedelta(weeks=2)
    assert snooze_time(amount="12", unit="months", now=start).year == 2028
