"""SLA alerts as trigger conditions (issue 20: "an account can email the group or the
assignee one hour before a breach"): the scheduled pass records each target's warning and
breach once on the ticket, the triggers asking about them act on it, through the outbox,
once; and the default automation "Notify the group of an SLA breach warning" works as
`make run` runs it (manage.py run_automations)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import GroupMembership
from automations.models import Automation
from automations.runs import account_pass, automations_sweep
from notifications.models import Delivery
from notifications.services import trigger_create
from servicelevels.alerts import sla_alerts_record
from servicelevels.models import SlaTarget
from servicelevels.policies import sla_policy_create
from tests.factories import AgentGroupFactory, make_ticket
from tickets.models import TicketEvent
from tickets.services import comment_add, ticket_update

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
EMAIL = {"subject": "[SLA] #{{ticket.id}}", "body": "Breach soon: {{ticket.url}}"}


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def policy(acme):
    # Urgent tickets: a first reply within 3 hours; the warning comes at 2 hours.
    return sla_policy_create(
        account=acme,
        title="Urgent first reply",
        conditions={},
        metrics=[{"priority": "urgent", "metric": "first_reply_time", "target": 180}],
    )


@pytest.fixture
def assigned(acme, acme_agent, acme_user, policy, clock):
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, priority="urgent", body="Down!"
    )
    return ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent).ticket


def _warn_assignee(acme, condition="warning_reached"):
    return trigger_create(
        account=acme,
        name=f"Email the assignee: SLA {condition}",
        conditions=[{"field": "sla", "operator": condition}],
        actions=[{"action": "email_assignee", **EMAIL}],
    )


def _events(ticket, field):
    return list(ticket.events.filter(kind=TicketEvent.Kind.CHANGE, field=field))


def test_a_trigger_emails_the_assignee_once_an_hour_before_the_breach(
    acme, acme_agent, assigned, clock, sent
):
    trigger = _warn_assignee(acme)
    clock.move_to(T0 + timedelta(minutes=110))  # 70 minutes before the breach
    assert sent(account_pass, account=acme) == []
    assert not _events(assigned, "sla_warning")

    clock.move_to(T0 + timedelta(minutes=125))  # 55 minutes before
    messages = sent(account_pass, account=acme)
    assert [m.to for m in messages] == [[acme_agent.email]]
    assert sent.result.alerted == 1
    (event,) = _events(assigned, "sla_warning")
    assert (event.new_value, event.actor, event.channel) == ("First reply time", None, "system")
    rows = Delivery.objects.for_account(acme).filter(ticket=assigned, trigger=trigger)
    assert rows.count() == 1

    # Later passes, the breach itself included, never repeat the warning.
    clock.move_to(T0 + timedelta(minutes=135))
    assert sent(account_pass, account=acme) == []
    clock.move_to(T0 + timedelta(minutes=190))
    assert sent(account_pass, account=acme) == []
    assert rows.count() == 1
    assert len(_events(assigned, "sla_breach")) == 1


def test_a_breach_is_announced_once_and_other_triggers_ignore_alerts(
    acme, acme_agent, assigned, clock, sent
):
    breached = _warn_assignee(acme, "breached")
    before = set(Delivery.objects.for_account(acme).values_list("pk", flat=True))
    clock.move_to(T0 + timedelta(minutes=200))  # the pass comes after the breach
    messages = sent(account_pass, account=acme)
    # Breached only (a warning after the breach would be news of the past), and only
    # the trigger asking about breaches: the defaults ("ticket is updated" …) stay quiet.
    assert [m.to for m in messages] == [[acme_agent.email]]
    new = Delivery.objects.for_account(acme).exclude(pk__in=before)
    assert [d.trigger_id for d in new] == [breached.pk]
    assert not _events(assigned, "sla_warning")
    assert len(_events(assigned, "sla_breach")) == 1
    assert sent(account_pass, account=acme) == []


def test_a_new_breach_time_is_announced_again_a_fulfilled_target_never(
    acme, acme_agent, acme_user, assigned, clock
):
    _warn_assignee(acme)
    clock.move_to(T0 + timedelta(minutes=125))
    assert sla_alerts_record(account=acme) == 1
    target = SlaTarget.objects.for_account(acme).get(ticket=assigned, metric="first_reply_time")
    assert target.alerted == "warning"
    # A public reply fulfils the target: nothing more to announce, even past its time.
    comment_add(ticket=assigned, author=acme_agent, body="On it", public=True)
    clock.move_to(T0 + timedelta(minutes=200))
    assert sla_alerts_record(account=acme) == 0


def test_the_activity_shows_the_alert(acme, acme_agent, assigned, clock, client_for):
    clock.move_to(T0 + timedelta(minutes=125))
    sla_alerts_record(account=acme)
    page = (
        client_for(acme_agent)
        .get(f"/agent/tickets/{assigned.number}/?tab=activity")
        .content.decode()
    )
    assert "SLA warning" in page
    assert "First reply time" in page


def test_alerts_are_per_account(acme, globex, assigned, clock, sent):
    _warn_assignee(acme)
    clock.move_to(T0 + timedelta(minutes=125))
    reports = automations_sweep()
    assert reports[acme.subdomain].alerted == 1
    assert globex.subdomain not in reports or reports[globex.subdomain].alerted == 0


def test_the_trigger_editor_offers_the_sla_conditions(acme, acme_admin, client_for):
    page = client_for(acme_admin).get("/agent/settings/triggers/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "SLA target" in body
    assert "warning reached (1 hour before breach)" in body


def test_an_admin_saves_an_sla_trigger_from_the_editor(acme, acme_admin, client_for):
    from notifications.models import Trigger

    response = client_for(acme_admin).post(
        "/agent/settings/triggers/new/",
        {
            "name": "Warn the assignee",
            "active": "on",
            "cond-0-field": "sla",
            "cond-0-operator": "warning_reached",
            "cond-0-value": "",
            "act-0-action": "email_assignee",
            "act-0-subject": EMAIL["subject"],
            "act-0-body": EMAIL["body"],
        },
    )
    assert response.status_code == 302
    trigger = Trigger.objects.for_account(acme).get(name="Warn the assignee")
    assert trigger.conditions == [{"field": "sla", "operator": "warning_reached", "value": ""}]


def test_a_trigger_with_an_sla_condition_is_validated(acme):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        trigger_create(
            account=acme,
            name="Bad",
            conditions=[{"field": "sla", "operator": "is", "value": "late"}],
            actions=[{"action": "email_assignee", **EMAIL}],
        )


# --- The default automation, as `make run` runs it ---------------------------------------


def test_the_sla_warning_default_ships_on_and_works_through_run_automations(
    acme, acme_agent, acme_user, policy, clock, capsys, sent
):
    default = Automation.objects.for_account(acme).get(default_key="sla_breach_warning")
    assert default.active
    billing = AgentGroupFactory(account=acme, name="Billing")
    GroupMembership.objects.create(account=acme, group=billing, user=acme_agent)
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    ticket_update(ticket=ticket, actor=acme_agent, group=billing)

    clock.move_to(T0 + timedelta(minutes=125))
    messages = sent(call_command, "run_automations")
    assert [m.to for m in messages] == [[acme_agent.email]]
    assert "is about to breach" in messages[0].body
    assert f"{default.name}: 1" in capsys.readouterr().out
    assert sent(call_command, "run_automations") == []  # its tag: once per ticket
