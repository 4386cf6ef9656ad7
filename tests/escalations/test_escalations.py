"""Escalations (seed 004): an agent escalates a ticket to a group with an internal
description; it moves through the account's stages; the requester follows the timeline
on the request page and reads "Escalated" in My activities; the description never
reaches the requester."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from escalations.models import Escalation, EscalationStage
from escalations.services import escalation_create, escalation_update, stage_create
from notifications.models import Trigger
from tests.factories import AgentGroupFactory, make_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_update
from tickets.services.saved_views import view_create

SECRET = "ZX-internal-heap-dump-analysis"


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Printer")


@pytest.fixture
def engineering(acme):
    return AgentGroupFactory(account=acme, name="Engineering")


def stages(account):
    return list(EscalationStage.objects.for_account(account))


def escalate(ticket, agent, group=None, **kw):
    return escalation_create(ticket=ticket, actor=agent, group=group, description=SECRET, **kw)


def test_new_accounts_get_the_five_default_stages_in_order(acme):
    assert [s.name for s in stages(acme)] == [
        "Submitted",
        "In evaluation",
        "Engineering",
        "Verify resolution",
        "Resolved",
    ]


def test_escalating_starts_at_the_first_stage_with_history_and_marks_the_ticket(
    ticket, acme_agent, engineering
):
    escalation = escalate(ticket, acme_agent, engineering)
    assert escalation.number == 1
    assert escalation.stage.key == "submitted"
    assert [(e.stage.key, e.actor) for e in escalation.events.all()] == [("submitted", acme_agent)]
    ticket.refresh_from_db()
    assert ticket.escalation == Ticket.Escalation.OPEN
    assert (
        TicketEvent.objects.for_account(ticket.account)
        .filter(ticket=ticket, field="escalation", new_value="Submitted")
        .exists()
    )


def test_escalation_numbers_are_per_account(ticket, acme_agent, globex, globex_agent, globex_user):
    other = make_ticket(account=globex, submitter=globex_agent, requester=globex_user, subject="x")
    assert escalate(ticket, acme_agent).number == 1
    assert escalate(other, globex_agent).number == 1


def test_only_agents_escalate_once_at_a_time_with_a_description(ticket, acme_agent, acme_user):
    with pytest.raises(ValidationError):
        escalate(ticket, acme_user)
    with pytest.raises(ValidationError):
        escalation_create(ticket=ticket, actor=acme_agent, group=None, description="  ")
    escalate(ticket, acme_agent)
    with pytest.raises(ValidationError, match="already has an open escalation"):
        escalate(ticket, acme_agent)


def test_another_accounts_group_is_refused(ticket, acme_agent, globex):
    with pytest.raises(ValidationError):
        escalate(ticket, acme_agent, AgentGroupFactory(account=globex))


def test_reaching_the_last_stage_resolves_and_an_earlier_one_reopens(ticket, acme_agent):
    escalation = escalate(ticket, acme_agent)
    first, *_, last = stages(ticket.account)
    escalation_update(escalation=escalation, actor=acme_agent, stage=last)
    ticket.refresh_from_db()
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None
    assert ticket.escalation == Ticket.Escalation.RESOLVED
    escalation_update(escalation=escalation, actor=acme_agent, stage=first)
    ticket.refresh_from_db()
    assert ticket.escalation == Ticket.Escalation.OPEN
    assert [e.stage.key for e in escalation.events.all()] == ["submitted", "resolved", "submitted"]


def test_a_stage_of_another_account_is_refused(ticket, acme_agent, globex):
    escalation = escalate(ticket, acme_agent)
    with pytest.raises(ValidationError):
        escalation_update(escalation=escalation, actor=acme_agent, stage=stages(globex)[2])


# The ticket page (agents) ---------------------------------------------------------------


def test_an_agent_escalates_and_moves_stages_from_the_ticket_page(
    ticket, acme_agent, engineering, client_for
):
    client = client_for(acme_agent)
    page = client.post(
        f"/agent/tickets/{ticket.number}/escalations/",
        {"group": engineering.number, "description": SECRET, "estimated_resolution": "2030-01-31"},
        follow=True,
    )
    assert page.status_code == 200
    assert SECRET in page.text and "Escalation 1" in page.text
    engineering_stage = stages(ticket.account)[2]
    page = client.post(
        f"/agent/tickets/{ticket.number}/escalations/1/",
        {"stage": engineering_stage.number, "estimated_resolution": "2030-02-15"},
        follow=True,
    )
    escalation = Escalation.objects.for_account(ticket.account).get()
    assert escalation.stage == engineering_stage
    assert escalation.estimated_resolution == datetime.date(2030, 2, 15)
    assert escalation.group == engineering


def test_bad_input_on_the_ticket_page_is_a_message_not_a_500(ticket, acme_agent, client_for):
    client = client_for(acme_agent)
    page = client.post(
        f"/agent/tickets/{ticket.number}/escalations/",
        {"group": "999", "description": "", "estimated_resolution": "tomorrow"},
        follow=True,
    )
    assert page.status_code == 200
    assert not Escalation.objects.for_account(ticket.account).exists()
    assert (
        client.post(f"/agent/tickets/{ticket.number}/escalations/7/", {"stage": "1"}).status_code
        == 404
    )


# The help center (requester) ------------------------------------------------------------


def test_the_requester_sees_the_timeline_and_date_never_the_description(
    ticket, acme_agent, acme_user, client_for
):
    escalation = escalate(ticket, acme_agent, estimated_resolution=datetime.date(2030, 3, 4))
    escalation_update(escalation=escalation, actor=acme_agent, stage=stages(ticket.account)[1])
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/")
    assert page.status_code == 200
    assert "Escalation progress" in page.text
    assert 'aria-current="step"' in page.text
    assert "In evaluation" in page.text and "Verify resolution" in page.text
    section = page.text.split("hc-escalation")[1].split("</section>")[0]
    assert "2030" in section, section
    assert SECRET not in page.text


def test_the_timeline_reads_in_italian(ticket, acme_agent, acme_user, client_for):
    escalate(ticket, acme_agent)
    acme_user.locale = "it"
    acme_user.save()
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/")
    assert "Avanzamento dell’escalation" in page.text
    assert "Escalation inviata" in page.text


def test_escalated_is_the_status_in_my_activities_while_open(
    ticket, acme_agent, acme_user, client_for
):
    client = client_for(acme_user)
    assert "Escalated" not in client.get("/hc/").text
    escalation = escalate(ticket, acme_agent)
    assert "hc-status-escalated" in client.get("/hc/").text
    escalation_update(escalation=escalation, actor=acme_agent, stage=stages(ticket.account)[-1])
    assert "hc-status-escalated" not in client.get("/hc/").text


def test_a_solved_request_no_longer_reads_escalated(ticket, acme_agent, acme_user, client_for):
    escalate(ticket, acme_agent)
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    assert "hc-status-escalated" not in client_for(acme_user).get("/hc/").text


# Admin settings -------------------------------------------------------------------------


def test_admins_rename_reorder_add_and_delete_stages(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    assert client.get("/agent/settings/escalations/").status_code == 200
    first, second, *_ = stages(acme)
    client.post(f"/agent/settings/escalations/{first.number}/", {"name": "Ricevuta"})
    client.post(f"/agent/settings/escalations/{second.number}/", {"move": "up"})
    client.post("/agent/settings/escalations/", {"name": "Waiting on vendor"})
    names = [s.name for s in stages(acme)]
    assert names[:2] == ["In evaluation", "Ricevuta"] and names[-1] == "Waiting on vendor"
    added = stages(acme)[-1]
    client.post(f"/agent/settings/escalations/{added.number}/", {"delete": "1"})
    assert "Waiting on vendor" not in [s.name for s in stages(acme)]


def test_a_stage_escalations_have_been_at_cannot_be_deleted(
    ticket, acme_agent, acme_admin, client_for
):
    escalate(ticket, acme_agent)
    first = stages(ticket.account)[0]
    page = client_for(acme_admin).post(
        f"/agent/settings/escalations/{first.number}/", {"delete": "1"}, follow=True
    )
    assert "rename it instead" in page.text
    assert first in stages(ticket.account)


def test_a_new_stage_name_is_required(acme, acme_admin, client_for):
    page = client_for(acme_admin).post("/agent/settings/escalations/", {"name": " "})
    assert page.status_code == 400
    with pytest.raises(ValidationError):
        stage_create(account=acme, name="x" * 101)


def test_agents_may_not_edit_stages(acme, acme_agent, acme_user, client_for):
    assert client_for(acme_agent).get("/agent/settings/escalations/").status_code == 403
    assert client_for(acme_user).get("/agent/settings/escalations/").status_code in (302, 404)


# Views ----------------------------------------------------------------------------------


def test_a_view_lists_escalated_tickets_with_the_escalation_column(
    ticket, acme, acme_admin, acme_agent, acme_user, client_for
):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Calm one")
    escalate(ticket, acme_agent)
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Escalated",
        conditions={"all": [{"field": "escalation", "operator": "is", "value": "open"}]},
        columns=["number", "subject", "escalation"],
    )
    page = client_for(acme_agent).get(f"/agent/views/{view.number}/")
    assert "Printer" in page.text and "Calm one" not in page.text
    assert "<th" in page.text and "Escalation" in page.text


# The trigger ----------------------------------------------------------------------------


def test_the_escalation_trigger_exists_off_by_default_and_emails_when_turned_on(
    ticket, acme, acme_agent, acme_user, sent
):
    trigger = Trigger.objects.for_account(acme).get(default_key="requester_escalation")
    assert trigger.active is False
    escalation = escalate(ticket, acme_agent)
    second = stages(acme)[1]
    assert sent(escalation_update, escalation=escalation, actor=acme_agent, stage=second) == []
    trigger.active = True
    trigger.save()
    messages = sent(
        escalation_update, escalation=escalation, actor=acme_agent, stage=stages(acme)[2]
    )
    assert [m.to for m in messages] == [[acme_user.email]]
    assert "Escalation progress" in messages[0].subject
    assert SECRET not in messages[0].body
