"""The help center's search filtered on ticket fields (issue 19): an end user narrows
their search results by the drop-down, checkbox and multi-select fields made visible to
them (Zendesk's help-center search filters); an agent-only field is never offered, and a
crafted parameter for one is ignored, so its values cannot be probed through the results;
a bad value is no filter, not an error."""

from __future__ import annotations

import pytest

from customfields.services import ticket_field_create
from tests.factories import make_ticket
from tickets.services import ticket_update

SEARCH = "/hc/search/"


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
        "rooms": ticket_field_create(
            account=acme,
            kind="multiselect",
            title="Rooms",
            visible_in_portal=True,
            options=[{"name": "Lobby", "value": "lobby"}, {"name": "Attic", "value": "attic"}],
        ),
        "secret": ticket_field_create(
            account=acme,
            kind="tagger",
            title="Churn risk",
            options=[{"name": "Very high", "value": "high"}],
        ),
    }


@pytest.fixture
def tickets(acme, acme_agent, acme_user, fields):
    number = {name: field.number for name, field in fields.items()}
    made = {}
    for subject, values in (
        ("Printer jam", {number["model"]: "laser", number["secret"]: "high"}),
        (
            "Printer smear",
            {number["model"]: "inkjet", number["warranty"]: True, number["rooms"]: ["lobby"]},
        ),
        ("Printer noise", {number["rooms"]: ["lobby", "attic"]}),
    ):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, subject=subject
        )
        ticket_update(ticket=ticket, actor=acme_agent, custom_fields=values)
        made[subject] = ticket
    # Another requester's request with the same words and values is never found.
    make_ticket(account=acme, submitter=acme_agent, subject="Printer jam elsewhere")
    return made


def found(client, **params) -> list[str]:
    response = client.get(SEARCH, {"q": "printer", **params})
    assert response.status_code == 200
    return sorted(hit.ticket.subject for hit in response.context["hits"])


def test_end_user_narrows_search_results_by_visible_fields(acme_user, client_for, fields, tickets):
    client = client_for(acme_user)
    text = client.get(SEARCH, {"q": "printer"}).content.decode()
    for name in ("model", "warranty", "rooms"):
        assert f'name="cf-{fields[name].number}"' in text
    assert "Your printer" in text and "Lobby" in text
    assert found(client) == ["Printer jam", "Printer noise", "Printer smear"]
    param = {name: f"cf-{field.number}" for name, field in fields.items()}
    assert found(client, **{param["model"]: "laser"}) == ["Printer jam"]
    assert found(client, **{param["warranty"]: "true"}) == ["Printer smear"]
    assert found(client, **{param["warranty"]: "false"}) == ["Printer jam", "Printer noise"]
    assert found(client, **{param["rooms"]: "lobby"}) == ["Printer noise", "Printer smear"]
    assert found(client, **{param["rooms"]: "attic"}) == ["Printer noise"]
    assert found(client, **{param["rooms"]: "lobby", param["model"]: "inkjet"}) == ["Printer smear"]
    # The filters form keeps the words; an empty result says the filters narrowed it.
    narrowed = client.get(
        SEARCH, {"q": "printer", param["rooms"]: "attic", param["model"]: "laser"}
    )
    page = narrowed.content.decode()
    assert 'name="q" value="printer"' in page
    assert "No requests match your search and filters." in page


def test_agent_only_field_is_never_offered_nor_applied_in_search(
    acme_user, client_for, fields, tickets
):
    client = client_for(acme_user)
    text = client.get(SEARCH, {"q": "printer"}).content.decode()
    assert "Churn risk" not in text and "Very high" not in text
    assert f"cf-{fields['secret'].number}" not in text
    # A crafted filter on it answers as if it were absent: nothing to learn from it.
    crafted = found(client, **{f"cf-{fields['secret'].number}": "high"})
    assert crafted == ["Printer jam", "Printer noise", "Printer smear"]


def test_bad_search_filter_value_is_no_filter(acme_user, client_for, fields, tickets):
    client = client_for(acme_user)
    everything = ["Printer jam", "Printer noise", "Printer smear"]
    assert found(client, **{f"cf-{fields['model'].number}": "toaster"}) == everything
    assert found(client, **{f"cf-{fields['rooms'].number}": "cellar"}) == everything
    assert found(client, **{"cf-abc": "x", "cf-99999": "y"}) == everything
