"""Admin settings › Automations, and a ticket's Snooze form: through the pages."""

from __future__ import annotations

import pytest

from automations.models import Automation
from tests.conftest import TenantClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(acme, acme_admin):
    client = TenantClient(acme)
    client.force_login(acme_admin)
    return client


def _post(**overrides):
    data = {
        "title": "Escalate stale urgent tickets",
        "description": "",
        "is_active": "on",
        "all-0-field": "priority",
        "all-0-operator": "is",
        "all-0-value": "priority:urgent",
        "all-1-field": "updated_at",
        "all-1-operator": "older_than_hours",
        "all-1-text": "8",
        "all-2-field": "current_tags",
        "all-2-operator": "not_includes",
        "all-2-text": "escalated",
        "act-0-action": "add_tag",
        "act-0-value": "escalated",
        "act-1-action": "email_group",
        "act-1-subject": "Stale: {{ticket.title}}",
        "act-1-body": "Please look at {{ticket.url}}",
    }
    data.update(overrides)
    return data


def test_the_list_shows_the_defaults_in_order(admin_client):
    page = admin_client.get("/agent/settings/automations/").content.decode()
    close = page.index("Close a ticket 4 days after it is solved")
    remind = page.index("Remind the requester after 3 days pending")
    warn = page.index("Notify the group of an SLA breach warning")
    assert close < remind < warn
    assert "within the hour" in page


def test_an_admin_creates_edits_clones_reorders_and_deactivates(acme, admin_client):
    response = admin_client.post("/agent/settings/automations/new/", _post())
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Automation.objects.for_account(acme).get(name="Escalate stale urgent tickets")
    assert made.conditions["all"][0] == {"field": "priority", "operator": "is", "value": "urgent"}
    assert made.actions[0] == {"action": "add_tag", "value": "escalated"}

    page = admin_client.get(f"/agent/settings/automations/{made.number}/").content.decode()
    assert 'value="escalated"' in page and "Stale: {{ticket.title}}" in page
    response = admin_client.post(
        f"/agent/settings/automations/{made.number}/", _post(title="Escalate stale tickets")
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.name == "Escalate stale tickets"

    admin_client.post(f"/agent/settings/automations/{made.number}/clone/")
    copy = Automation.objects.for_account(acme).get(name="Copy of Escalate stale tickets")
    assert not copy.active and copy.conditions == made.conditions

    admin_client.post(f"/agent/settings/automations/{made.number}/move/", {"direction": "up"})
    names = list(Automation.objects.for_account(acme).values_list("name", flat=True))
    assert names.index("Escalate stale tickets") < names.index(
        "Notify the group of an SLA breach warning"
    )
    admin_client.post(f"/agent/settings/automations/{made.number}/toggle/")
    made.refresh_from_db()
    assert not made.active
    admin_client.post(f"/agent/settings/automations/{copy.number}/delete/")
    assert not Automation.objects.for_account(acme).filter(pk=copy.pk).exists()


def test_an_automation_that_would_fire_at_every_pass_is_refused_with_a_clear_message(
    acme, admin_client
):
    response = admin_client.post(
        "/agent/settings/automations/new/", _post(**{"all-2-field": "", "act-0-value": "other"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "would act on the same tickets at every pass" in page
    # Nothing lost: what was typed is still on the form.
    assert "Stale: {{ticket.title}}" in page and 'value="8"' in page
    assert not Automation.objects.for_account(acme).filter(name__startswith="Escalate").exists()


def test_bad_input_is_a_form_error_never_a_500(admin_client):
    response = admin_client.post(
        "/agent/settings/automations/new/",
        _post(**{"all-1-text": "soon", "act-0-action": "set_group", "act-0-value": "999"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a whole number" in page and "No group with number 999" in page


def test_an_admin_turns_the_sla_warning_default_off(acme, admin_client):
    warning = Automation.objects.for_account(acme).get(default_key="sla_breach_warning")
    assert warning.active  # on by default, as Zendesk ships its SLA notifications
    admin_client.post(f"/agent/settings/automations/{warning.number}/toggle/", follow=True)
    warning.refresh_from_db()
    assert not warning.active


def test_agents_may_not_manage_automations(acme, acme_agent):
    client = TenantClient(acme)
    client.force_login(acme_agent)
    assert client.get("/agent/settings/automations/").status_code == 403


def test_the_list_tells_when_each_automation_last_ran_and_on_how_many_tickets(
    acme, acme_agent, admin_client
):
    from automations.runs import account_pass
    from tests.automations.conftest import age
    from tests.factories import make_ticket
    from tickets.services import ticket_update

    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(ticket=ticket, actor=acme_agent, status="solved")
    age(ticket, solved_at=100)
    account_pass(account=acme)
    page = admin_client.get("/agent/settings/automations/").content.decode()
    assert ": 1 ticket<" in page
