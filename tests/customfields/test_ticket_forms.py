"""Ticket forms and conditional fields (issue 19): the help center asks which form and
renders its end-user fields; conditions show, require and clear fields, and the server
enforces them whatever is posted; agents switch a ticket's form, keeping values of
fields not on the new form (hidden); the defaults reach new and existing accounts."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.dbsession import account_context
from customfields.form_services import ticket_form_create, ticket_form_update
from customfields.models import TicketField, TicketForm
from customfields.services import ticket_field_create
from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_update


@pytest.fixture
def outage(acme):
    """A drop-down end users fill in, and a field shown (and required) only when it is
    "outage", on a form the help center offers beside the default."""
    kind = ticket_field_create(
        account=acme,
        kind="tagger",
        title="Problem kind",
        visible_in_portal=True,
        editable_in_portal=True,
        options=[{"name": "Outage", "value": "outage"}, {"name": "Question", "value": "question"}],
    )
    since = ticket_field_create(
        account=acme,
        kind="text",
        title="Down since",
        title_in_portal="Since when is it down?",
        visible_in_portal=True,
        editable_in_portal=True,
    )
    form = ticket_form_create(
        account=acme,
        name="Outage",
        name_in_portal="Report an outage",
        visible_in_portal=True,
        field_numbers=[kind.number, since.number],
        conditions=[
            {
                "parent_field_id": kind.number,
                "value": "outage",
                "child_fields": [{"id": since.number, "is_required": True}],
            }
        ],
    )
    default = TicketForm.objects.for_account(acme).get(default=True)
    ticket_form_update(form=default, visible_in_portal=True, name_in_portal="General question")
    return SimpleNamespace(kind=kind, since=since, form=form, default=default)


def test_new_accounts_get_a_default_form_and_escalation(acme):
    forms = {f.name: f for f in TicketForm.objects.for_account(acme)}
    assert set(forms) == {"Default ticket form", "Escalation"}
    assert forms["Default ticket form"].default and not forms["Escalation"].default
    titles = {f.number: f.title for f in TicketField.objects.for_account(acme)}
    assert [titles[n] for n in forms["Escalation"].field_numbers] == [
        "Impact",
        "Product family",
        "Root cause",
    ]
    assert not any(f.visible_in_portal for f in forms.values())


def test_a_new_field_joins_the_default_form(acme):
    field = ticket_field_create(account=acme, kind="text", title="Serial")
    default = TicketForm.objects.for_account(acme).get(default=True)
    assert default.field_numbers[-1] == field.number


def test_help_center_asks_which_form_then_shows_its_end_user_fields(
    acme, acme_user, client_for, outage
):
    client = client_for(acme_user)
    page = client.get("/hc/requests/new/").content.decode()
    assert "Report an outage" in page and "General question" in page
    assert 'name="subject"' not in page  # it asks first
    page = client.get(f"/hc/requests/new/?form={outage.form.number}").content.decode()
    assert 'name="subject"' in page and f'name="cf-{outage.kind.number}"' in page
    assert "Since when is it down?" in page
    assert f'data-cf-field="{outage.since.number}" hidden' in page  # until "outage"
    assert "conditional-fields.js" in page
    # A form the help center does not offer is not chosen: it asks again.
    escalation = TicketForm.objects.for_account(acme).get(name="Escalation")
    page = client.get(f"/hc/requests/new/?form={escalation.number}").content.decode()
    assert 'name="subject"' not in page


def _post(client, form, **values):
    data = {"subject": "It is down", "body": "Nothing loads", "ticket_form": form.number}
    for field, value in values.items():
        data[field] = value
    return client.post("/hc/requests/new/", data)


def test_conditional_field_required_when_shown_and_typed_input_kept(
    acme, acme_user, client_for, outage
):
    client = client_for(acme_user)
    kind, since = f"cf-{outage.kind.number}", f"cf-{outage.since.number}"
    response = _post(client, outage.form, **{kind: "outage"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please fill in: Since when is it down?" in page
    assert "It is down" in page and "Nothing loads" in page  # nothing lost
    response = _post(client, outage.form, **{kind: "outage", since: "9:00"})
    assert response.status_code == 302
    ticket = Ticket.objects.for_account(acme).latest("id")
    assert ticket.ticket_form_number == outage.form.number
    assert ticket.custom_fields == {outage.kind.key: "outage", outage.since.key: "9:00"}


def test_crafted_post_cannot_set_a_hidden_field(acme, acme_user, client_for, outage):
    """The parent says "question": the child is hidden, so the value posted for it is
    dropped by the server (and no requirement applies)."""
    client = client_for(acme_user)
    kind, since = f"cf-{outage.kind.number}", f"cf-{outage.since.number}"
    response = _post(client, outage.form, **{kind: "question", since: "smuggled"})
    assert response.status_code == 302
    ticket = Ticket.objects.for_account(acme).latest("id")
    assert ticket.custom_fields == {outage.kind.key: "question"}
    # Through the service and the API's channel alike.
    ticket = ticket_create(
        account=acme,
        submitter=acme_user,
        subject="API",
        body="x",
        channel="api",
        ticket_form=outage.form.number,
        custom_fields={outage.since.number: "smuggled"},
    )
    assert ticket.custom_fields == {}


def test_end_user_cannot_set_a_field_not_on_the_form(acme, acme_user, outage):
    other = ticket_field_create(
        account=acme, kind="text", title="Other", visible_in_portal=True, editable_in_portal=True
    )
    with pytest.raises(ValidationError, match="no ticket field"):
        ticket_create(
            account=acme,
            submitter=acme_user,
            subject="x",
            body="x",
            channel="portal",
            ticket_form=outage.form.number,
            custom_fields={other.number: "sneaky"},
        )
    escalation = TicketForm.objects.for_account(acme).get(name="Escalation")
    with pytest.raises(ValidationError, match="no ticket form"):
        ticket_create(
            account=acme,
            submitter=acme_user,
            subject="x",
            body="x",
            channel="portal",
            ticket_form=escalation.number,
        )


def test_hidden_values_cleared_on_save_for_agents(acme, acme_agent, outage):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(
        ticket=ticket,
        actor=acme_agent,
        ticket_form=outage.form.number,
        custom_fields={outage.kind.number: "outage", outage.since.number: "noon"},
    )
    ticket.refresh_from_db()
    assert ticket.custom_fields[outage.since.key] == "noon"
    ticket_update(ticket=ticket, actor=acme_agent, custom_fields={outage.kind.number: "question"})
    ticket.refresh_from_db()
    assert ticket.custom_fields == {outage.kind.key: "question"}


def test_condition_required_to_solve_for_agents(acme, acme_agent, outage):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(
        ticket=ticket,
        actor=acme_agent,
        ticket_form=outage.form.number,
        custom_fields={outage.kind.number: "outage"},
    )
    with pytest.raises(ValidationError, match="Down since"):
        ticket_update(ticket=ticket, actor=acme_agent, status="solved")
    ticket_update(ticket=ticket, actor=acme_agent, custom_fields={outage.kind.number: "question"})
    ticket_update(ticket=ticket, actor=acme_agent, status="solved")


def test_agent_switches_the_form_values_kept_but_hidden(acme, acme_agent, client_for, outage):
    impact = TicketField.objects.for_account(acme).get(title="Impact")
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(ticket=ticket, actor=acme_agent, custom_fields={impact.number: "high"})
    client = client_for(acme_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert f'name="cf-{impact.number}"' in page and 'name="cf-ticket_form"' in page
    response = client.post(
        f"/agent/tickets/{ticket.number}/fields/",
        {
            "requester": ticket.requester.email,
            "initial-requester": ticket.requester.email,
            "status": ticket.status,
            "initial-status": ticket.status,
            "cf-ticket_form": outage.form.number,
            "initial-cf-ticket_form": outage.default.number,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket.refresh_from_db()
    assert ticket.ticket_form_number == outage.form.number
    assert ticket.custom_fields == {impact.key: "high"}  # kept
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert f'name="cf-{impact.number}"' not in page  # hidden: not on this form
    assert f'name="cf-{outage.kind.number}"' in page
    activity = client.get(f"/agent/tickets/{ticket.number}/?tab=activity").content.decode()
    assert "Outage" in activity


def test_admin_builds_a_form_with_a_condition_on_the_settings_page(
    acme, acme_admin, acme_agent, acme_user, globex, client_for, outage
):
    client = client_for(acme_admin)
    assert "Report an outage" in client.get("/agent/settings/fields/forms/").content.decode()
    data = {
        "name": "Billing question",
        "title_it": "Domanda di fatturazione",
        "name_in_portal": "Billing",
        "visible_in_portal": "on",
        "active": "on",
        "field_numbers": [outage.kind.number, outage.since.number],
        "cond-0-when": f"{outage.kind.number}:question",
        "cond-0-show": str(outage.since.number),
        "cond-0-required": "on",
        "cond-1-when": "",
        "cond-1-show": "",
    }
    response = client.post("/agent/settings/fields/forms/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    form = TicketForm.objects.for_account(acme).get(name="Billing question")
    assert form.translations == {"it": "Domanda di fatturazione"}
    assert form.conditions == [
        {
            "parent_field_id": outage.kind.number,
            "value": "question",
            "child_fields": [{"id": outage.since.number, "is_required": True}],
        }
    ]
    # A bad condition comes back with a message, nothing lost.
    bad = {**data, "name": "Again", "cond-0-show": str(outage.kind.number)}
    response = client.post("/agent/settings/fields/forms/new/", bad)
    assert response.status_code == 200 and "never its own field" in response.content.decode()
    assert 'value="Again"' in response.content.decode()
    assert client_for(acme_agent).get("/agent/settings/fields/forms/").status_code == 403
    assert (
        client_for(acme_user).get(f"/agent/settings/fields/forms/{form.number}/").status_code == 404
    )
    from tests.factories import AdminFactory

    other = client_for(AdminFactory(account=globex))
    assert other.get(f"/agent/settings/fields/forms/{form.number + 100}/").status_code == 404
    assert client.post(f"/agent/settings/fields/forms/{form.number}/delete/").status_code == 302
    assert not TicketForm.objects.for_account(acme).filter(name="Billing question").exists()


def test_admin_edits_field_titles_per_language(acme, acme_admin, client_for):
    field = ticket_field_create(account=acme, kind="text", title="Serial")
    response = client_for(acme_admin).post(
        f"/agent/settings/fields/{field.number}/",
        {
            "title": "Serial",
            "title_it": "Numero di serie",
            "title_es": "Número de serie",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    field.refresh_from_db()
    assert field.translations == {"it": "Numero di serie", "es": "Número de serie"}


def test_existing_accounts_get_the_defaults_once(acme, globex):
    migration = importlib.import_module(
        "customfields.migrations.0003_defaults_for_existing_accounts"
    )
    with account_context(acme):
        TicketForm.objects.for_account(acme).delete()
        TicketField.objects.for_account(acme).delete()
    with account_context(globex):
        before = sorted(TicketForm.objects.for_account(globex).values_list("number", flat=True))
    editor = SimpleNamespace(connection=connection)
    migration.install(apps, editor)
    migration.install(apps, editor)  # idempotent
    with account_context(acme):
        assert sorted(TicketForm.objects.for_account(acme).values_list("name", flat=True)) == [
            "Default ticket form",
            "Escalation",
        ]
        assert TicketField.objects.for_account(acme).count() == 3
    with account_context(globex):
        after = sorted(TicketForm.objects.for_account(globex).values_list("number", flat=True))
    assert before == after
