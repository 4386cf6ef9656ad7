"""Custom fields on tickets (issue 19): the sidebar sets them and the Activity shows old
→ new; required to solve is refused on the page, in a reply and through the service;
views filter on them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from customfields.models import TicketField
from customfields.services import ticket_field_create
from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update
from tickets.services.saved_views import view_create
from tickets.view_selectors import view_matching


@pytest.fixture
def root_cause(acme):
    return TicketField.objects.for_account(acme).get(title="Root cause")


@pytest.fixture
def model(acme):
    return ticket_field_create(
        account=acme,
        kind="tagger",
        title="Model",
        options=[{"name": "Printers::Laser", "value": "laser"}, {"name": "Inkjet"}],
    )


def test_new_accounts_get_the_seeds_fields(acme):
    fields = {f.title: f for f in TicketField.objects.for_account(acme)}
    assert {"Root cause", "Impact", "Product family"} <= set(fields)
    root = fields["Root cause"]
    assert root.kind == "tagger" and root.required and root.required_for_types == ["problem"]
    assert [o.value for o in fields["Impact"].options.all()] == [
        "low",
        "medium",
        "high",
        "critical",
    ]


def test_sidebar_sets_a_value_and_the_activity_shows_old_and_new(
    acme, acme_agent, client_for, model
):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    client = client_for(acme_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    name = f"cf-{model.number}"
    assert f'name="{name}"' in page and "Printers::Laser" in page
    response = client.post(
        f"/agent/tickets/{ticket.number}/fields/",
        {
            "requester": ticket.requester.email,
            "initial-requester": ticket.requester.email,
            "status": ticket.status,
            "initial-status": ticket.status,
            name: "laser",
            f"initial-{name}": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.custom_fields == {model.key: "laser"}
    ticket_update(ticket=ticket, actor=acme_agent, custom_fields={model.number: "inkjet"})
    activity = client.get(f"/agent/tickets/{ticket.number}/?tab=activity").content.decode()
    assert "Model" in activity and "Printers::Laser" in activity and "Inkjet" in activity


def test_sidebar_bad_value_is_shown_not_a_500(acme, acme_agent, client_for):
    field = ticket_field_create(account=acme, kind="integer", title="Seats")
    ticket = make_ticket(account=acme, submitter=acme_agent)
    name = f"cf-{field.number}"
    response = client_for(acme_agent).post(
        f"/agent/tickets/{ticket.number}/fields/",
        {
            "requester": ticket.requester.email,
            "initial-requester": ticket.requester.email,
            "status": ticket.status,
            "initial-status": ticket.status,
            name: "ten",
            f"initial-{name}": "",
        },
    )
    assert response.status_code == 200
    assert (
        "Seats: “ten”" in response.content.decode()
        or "Seats: &quot;ten&quot;" in response.content.decode()
    )


def test_required_to_solve_refused_for_problems_only(acme, acme_agent, root_cause):
    problem = make_ticket(account=acme, submitter=acme_agent, type="problem")
    with pytest.raises(ValidationError, match="Root cause"):
        ticket_update(ticket=problem, actor=acme_agent, status="solved")
    with pytest.raises(ValidationError, match="Root cause"):
        comment_add(ticket=problem, author=acme_agent, body="Fixed", status="solved")
    problem.refresh_from_db()
    assert problem.status != "solved"
    ticket_update(
        ticket=problem,
        actor=acme_agent,
        status="solved",
        custom_fields={root_cause.number: "configuration"},
    )
    incident = make_ticket(account=acme, submitter=acme_agent, type="incident")
    ticket_update(ticket=incident, actor=acme_agent, status="solved")
    assert Ticket.objects.for_account(acme).get(pk=incident.pk).status == "solved"


def test_required_to_solve_refused_on_the_page(acme, acme_agent, client_for, root_cause):
    problem = make_ticket(account=acme, submitter=acme_agent, type="problem")
    response = client_for(acme_agent).post(
        f"/agent/tickets/{problem.number}/fields/",
        {
            "requester": problem.requester.email,
            "initial-requester": problem.requester.email,
            "status": "solved",
            "initial-status": problem.status,
            "type": "problem",
            "initial-type": "problem",
        },
    )
    assert response.status_code == 200
    assert "To solve this ticket, fill in: Root cause." in response.content.decode()
    problem.refresh_from_db()
    assert problem.status != "solved"


def test_a_view_filters_on_a_dropdown_a_checkbox_and_a_multiselect(
    acme, acme_admin, acme_agent, model
):
    box = ticket_field_create(account=acme, kind="checkbox", title="Callback")
    mods = ticket_field_create(
        account=acme,
        kind="multiselect",
        title="Modules",
        options=[{"name": "Billing"}, {"name": "Reports"}],
    )
    a = make_ticket(account=acme, submitter=acme_agent, subject="A")
    b = make_ticket(account=acme, submitter=acme_agent, subject="B")
    make_ticket(account=acme, submitter=acme_agent, subject="C")
    ticket_update(
        ticket=a,
        actor=acme_agent,
        custom_fields={model.number: "laser", box.number: True, mods.number: ["billing"]},
    )
    ticket_update(
        ticket=b,
        actor=acme_agent,
        custom_fields={model.number: "inkjet", mods.number: ["billing", "reports"]},
    )

    def matching(field, operator, value=None):
        view = view_create(
            account=acme,
            actor=acme_admin,
            title="V",
            conditions={
                "all": [
                    {"field": f"custom_fields.{field.number}", "operator": operator, "value": value}
                ]
            },
        )
        return set(view_matching(view=view, viewer=acme_agent).values_list("subject", flat=True))

    assert matching(model, "is", "laser") == {"A"}
    assert matching(model, "is_not", "laser") == {"B", "C"}
    assert matching(model, "is_set") == {"A", "B"}
    assert matching(box, "is", True) == {"A"}
    assert matching(box, "is", False) == {"B", "C"}
    assert matching(mods, "includes", ["reports"]) == {"B"}
    assert matching(mods, "not_includes", "reports") == {"A", "C"}


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ({"field": "custom_fields.9999", "operator": "is", "value": "x"}, "no ticket field"),
        ({"field": "custom_fields.abc", "operator": "is", "value": "x"}, "no ticket field"),
        ({"field": "custom_fields.{n}", "operator": "includes", "value": "x"}, "no operator"),
        (
            {"field": "custom_fields.{n}", "operator": "is", "value": "Laser"},
            "not one of its options",
        ),
        ({"field": "custom_fields.{n}", "operator": "is", "value": ""}, "give a value"),
    ],
)
def test_bad_custom_field_conditions_are_refused_with_a_message(
    acme, acme_admin, model, condition, words
):
    condition = dict(condition, field=condition["field"].format(n=model.number))
    with pytest.raises(ValidationError) as exc:
        view_create(account=acme, actor=acme_admin, title="V", conditions={"all": [condition]})
    assert words in " ".join(exc.value.messages)


def test_view_editor_offers_custom_fields_and_keeps_the_condition(
    acme, acme_admin, client_for, model
):
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Lasers",
        conditions={
            "all": [{"field": f"custom_fields.{model.number}", "operator": "is", "value": "laser"}]
        },
    )
    page = client_for(acme_admin).get(f"/agent/views/{view.number}/edit/").content.decode()
    assert f'value="custom_fields.{model.number}"' in page
    assert f'value="cf{model.number}:laser"' in page


def test_new_ticket_form_sets_custom_fields(acme, acme_agent, client_for, model):
    client = client_for(acme_agent)
    page = client.get("/agent/tickets/new/").content.decode()
    assert f'name="cf-{model.number}"' in page
    response = client.post(
        "/agent/tickets/new/",
        {
            "subject": "Printer",
            "body": "Jammed",
            "comment_type": "public",
            f"cf-{model.number}": "laser",
            f"initial-cf-{model.number}": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.for_account(acme).get(subject="Printer")
    assert ticket.custom_fields == {model.key: "laser"}


def test_the_help_center_shows_visible_fields_and_never_agent_only_ones(
    acme, acme_agent, acme_user, client_for
):
    contract = ticket_field_create(
        account=acme,
        kind="text",
        title="Contract",
        title_in_portal="Your contract",
        visible_in_portal=True,
    )
    secret = ticket_field_create(account=acme, kind="text", title="Churn risk")
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(
        ticket=ticket,
        actor=acme_agent,
        custom_fields={contract.number: "C-42", secret.number: "very high"},
    )
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").content.decode()
    assert "Your contract" in page and "C-42" in page
    assert "Churn risk" not in page and "very high" not in page


def test_end_users_fill_visible_fields_when_submitting_and_required_ones_are_enforced(
    acme, acme_user, client_for
):
    ticket_field_create(account=acme, kind="text", title="Secret triage")
    order = ticket_field_create(
        account=acme,
        kind="regexp",
        title="Order",
        title_in_portal="Your order number",
        regexp=r"ORD-\d+",
        visible_in_portal=True,
        editable_in_portal=True,
        required_in_portal=True,
    )
    client = client_for(acme_user)
    page = client.get("/hc/requests/new/").content.decode()
    assert "Your order number" in page and "Secret triage" not in page
    post = {"subject": "Broken", "body": "It broke", f"cf-{order.number}": ""}
    response = client.post("/hc/requests/new/", post)
    assert response.status_code == 200 and "It broke" in response.content.decode()
    response = client.post("/hc/requests/new/", post | {f"cf-{order.number}": "12"})
    assert "expected format" in response.content.decode()
    response = client.post("/hc/requests/new/", post | {f"cf-{order.number}": "ORD-7"})
    assert response.status_code == 302
    ticket = Ticket.objects.for_account(acme).get(subject="Broken")
    assert ticket.custom_fields == {order.key: "ORD-7"}
