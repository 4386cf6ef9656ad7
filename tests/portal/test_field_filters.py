"""My activities filtered on ticket fields (issue 19): end users filter on the drop-down
and checkbox fields made visible to them, never on an agent-only field (not offered, and
a crafted parameter is ignored, so its values cannot be probed); a bad value is no
filter, not an error."""

from __future__ import annotations

import pytest

from customfields.services import ticket_field_create
from tests.factories import make_ticket
from tickets.services import ticket_update

HOME = "/hc/"


@pytest.fixture
def fields(acme):
    return {
        "model": ticket_field_create(
            account=acme,
            kind="tagger",
            title="Model",
            title_in_portal="Your printer",
            visible_in_portal=True,
            options=[{"name": "Laser", "value": "laser"}, {"name": "Inkjet", "value": "inkjet"}],
        ),
        "warranty": ticket_field_create(
            account=acme, kind="checkbox", title="Warranty", visible_in_portal=True
        ),
        "secret": ticket_field_create(
            account=acme,
            kind="tagger",
            title="Churn risk",
            options=[{"name": "High", "value": "high"}],
        ),
    }


@pytest.fixture
def tickets(acme, acme_agent, acme_user, fields):
    made = {}
    for subject, values in (
        ("Laser jam", {fields["model"].number: "laser", fields["secret"].number: "high"}),
        ("Inkjet smear", {fields["model"].number: "inkjet", fields["warranty"].number: True}),
    ):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, subject=subject
        )
        ticket_update(ticket=ticket, actor=acme_agent, custom_fields=values)
        made[subject] = ticket
    return made


def subjects(response) -> list[str]:
    return sorted(t.subject for t in response.context["page"].object_list)


def test_end_user_filters_on_visible_dropdown_and_checkbox(acme_user, client_for, fields, tickets):
    client = client_for(acme_user)
    page = client.get(HOME)
    text = page.content.decode()
    assert f'name="cf-{fields["model"].number}"' in text and "Your printer" in text
    assert subjects(page) == ["Inkjet smear", "Laser jam"]
    assert subjects(client.get(HOME, {f"cf-{fields['model'].number}": "laser"})) == ["Laser jam"]
    warranty = f"cf-{fields['warranty'].number}"
    assert subjects(client.get(HOME, {warranty: "true"})) == ["Inkjet smear"]
    assert subjects(client.get(HOME, {warranty: "false"})) == ["Laser jam"]


def test_agent_only_field_is_never_offered_nor_applied(acme_user, client_for, fields, tickets):
    client = client_for(acme_user)
    text = client.get(HOME).content.decode()
    assert "Churn risk" not in text and f"cf-{fields['secret'].number}" not in text
    # A crafted filter on it answers as if it were absent: nothing to learn from it.
    crafted = client.get(HOME, {f"cf-{fields['secret'].number}": "high"})
    assert subjects(crafted) == ["Inkjet smear", "Laser jam"]


def test_bad_filter_value_is_no_filter(acme_user, client_for, fields, tickets):
    response = client_for(acme_user).get(HOME, {f"cf-{fields['model'].number}": "toaster"})
    assert response.status_code == 200
    assert subjects(response) == ["Inkjet smear", "Laser jam"]
