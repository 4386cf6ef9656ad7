"""The scheduled pass: each default automation's rule, once per ticket, recorded in the
Activity, through the ticket services; another account's tickets untouched."""

from __future__ import annotations

import pytest

from automations.models import Automation
from automations.runs import automation_run, automations_sweep
from automations.services import automation_create, automation_set_active
from notifications.models import Delivery
from tests.automations.conftest import age
from tests.factories import make_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services import comment_add, ticket_update

pytestmark = pytest.mark.django_db


def _default(account, key):
    return Automation.objects.for_account(account).get(default_key=key)


def _solve(ticket, agent):
    return ticket_update(ticket=ticket, actor=agent, status=Ticket.Status.SOLVED).ticket


def test_a_ticket_solved_more_than_4_days_ago_is_closed_once(acme, acme_agent, ticket):
    _solve(ticket, acme_agent)
    age(ticket, solved_at=97)
    fresh = _solve(make_ticket(account=acme, submitter=acme_agent), acme_agent)

    assert automation_run(automation=_default(acme, "close_solved")) == 1
    ticket.refresh_from_db()
    fresh.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert fresh.status == Ticket.Status.SOLVED
    events = list(ticket.events.filter(kind=TicketEvent.Kind.CHANGE).order_by("id"))
    automation_event, status_event = events[-2], events[-1]
    assert (automation_event.field, automation_event.new_value, automation_event.actor) == (
        "automation",
        "Close a ticket 4 days after it is solved",
        None,
    )
    assert (status_event.field, status_event.new_value, status_event.channel) == (
        "status",
        "closed",
        "system",
    )
    # The next pass finds nothing more to do.
    assert automation_run(automation=_default(acme, "close_solved")) == 0


def test_the_pass_never_touches_another_accounts_tickets(
    acme, globex, acme_agent, globex_agent, ticket
):
    other = _solve(make_ticket(account=globex, submitter=globex_agent), globex_agent)
    age(other, solved_at=200)
    _solve(ticket, acme_agent)
    age(ticket, solved_at=200)
    automation_run(automation=_default(acme, "close_solved"))
    other.refresh_from_db()
    assert other.status == Ticket.Status.SOLVED
    reports = automations_sweep()
    other.refresh_from_db()
    assert other.status == Ticket.Status.CLOSED
    assert reports["globex"].fired["Close a ticket 4 days after it is solved"] == 1


def test_the_pending_reminder_emails_the_requester_once_and_tags_the_ticket(
    acme, acme_agent, acme_user, ticket
):
    reminder = automation_set_active(automation=_default(acme, "pending_reminder"), active=True)
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.PENDING)
    ticket.refresh_from_db()
    assert ticket.status_changed_at is not None
    age(ticket, status_changed_at=73)
    recent = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(ticket=recent, actor=acme_agent, status=Ticket.Status.PENDING)

    assert automation_run(automation=reminder) == 1
    assert automation_run(automation=reminder) == 0
    ticket.refresh_from_db()
    assert "pending_reminder_sent" in ticket.tag_list
    mails = Delivery.objects.for_account(acme).filter(ticket=ticket, reason=reminder.name)
    assert [m.to_email for m in mails] == [acme_user.email]
    assert "still waiting for your answer" in mails[0].body_text
    assert not Delivery.objects.for_account(acme).filter(ticket=recent, reason=reminder.name)


def test_hours_since_the_requesters_last_reply_and_the_assignees_last_update(
    acme, acme_agent, acme_user, ticket
):
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent)
    comment_add(ticket=ticket, author=acme_user, body="Any news?")
    comment_add(ticket=ticket, author=acme_agent, body="Looking", public=False)
    ticket.refresh_from_db()
    assert ticket.requester_updated_at and ticket.assignee_updated_at
    nudge = automation_create(
        account=acme,
        name="Nudge the assignee",
        conditions={
            "all": [
                {"field": "requester_updated_at", "operator": "older_than_hours", "value": 24},
                {"field": "assignee_updated_at", "operator": "older_than_hours", "value": 48},
                {"field": "current_tags", "operator": "not_includes", "value": "nudged"},
            ]
        },
        actions=[{"action": "add_tag", "value": "nudged"}],
    )
    assert automation_run(automation=nudge) == 0
    age(ticket, requester_updated_at=25, assignee_updated_at=30)
    assert automation_run(automation=nudge) == 0
    age(ticket, requester_updated_at=25, assignee_updated_at=49)
    assert automation_run(automation=nudge) == 1


def test_the_sla_warning_default_emails_the_group_once_an_hour_before_a_breach(
    acme, acme_agent, acme_user
):
    from accounts.models import GroupMembership
    from servicelevels.policies import sla_policy_create
    from tests.factories import AgentGroupFactory

    billing = AgentGroupFactory(account=acme, name="Billing")
    GroupMembership.objects.create(account=acme, group=billing, user=acme_agent)
    sla_policy_create(
        account=acme,
        title="Urgent",
        conditions={"all": [{"field": "priority", "operator": "is", "value": "urgent"}]},
        metrics=[
            {"priority": "urgent", "metric": "first_reply_time", "target": 50},
            {"priority": "normal", "metric": "first_reply_time", "target": 50},
        ],
    )
    soon = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    soon = ticket_update(ticket=soon, actor=acme_agent, group=billing).ticket
    # Same group, no SLA target (normal priority matches no policy): never warned.
    calm = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(ticket=calm, actor=acme_agent, group=billing)

    warning = _default(acme, "sla_breach_warning")
    assert warning.active  # on by default: it acts only on tickets a policy measures

    assert automation_run(automation=warning) == 1
    assert automation_run(automation=warning) == 0  # its tag makes it fire once
    mails = Delivery.objects.for_account(acme).filter(ticket=soon, reason=warning.name)
    assert [m.to_email for m in mails] == [acme_agent.email]
    assert not Delivery.objects.for_account(acme).filter(ticket=calm, reason=warning.name)


def test_a_closed_ticket_is_never_acted_on(acme, acme_agent, ticket):
    shout = automation_create(
        account=acme,
        name="Tag old tickets",
        conditions={
            "all": [
                {"field": "created_at", "operator": "older_than_hours", "value": 1},
                {"field": "current_tags", "operator": "not_includes", "value": "old"},
            ]
        },
        actions=[{"action": "add_tag", "value": "old"}],
    )
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.CLOSED)
    age(ticket, created_at=5)
    assert automation_run(automation=shout) == 0
