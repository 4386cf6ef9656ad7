"""Custom fields as a view's columns (issue 19): a view chooses ``custom_fields.<number>``,
its cells show the value as people read it (a drop-down's option title), in the same
number of queries whatever the number of rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customfields.models import TicketField
from customfields.services import ticket_field_create
from tests.factories import AgentFactory, make_ticket
from tickets.services.saved_views import view_create


@pytest.fixture
def impact(acme):
    return TicketField.objects.for_account(acme).get(title="Impact")


def _set(ticket, field, value):
    ticket.custom_fields = {**(ticket.custom_fields or {}), field.key: value}
    ticket.save(update_fields=["custom_fields"])


def test_a_view_shows_a_dropdowns_title_and_a_lookups_name(acme, acme_admin, client_for, impact):
    owner = ticket_field_create(account=acme, kind="lookup", title="Owner", lookup_target="user")
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="By impact",
        columns=["subject", f"custom_fields.{impact.number}", f"custom_fields.{owner.number}"],
    )
    ticket = make_ticket(account=acme, submitter=acme_admin, subject="Broken printer")
    high = next(o for o in impact.options.all() if o.value == "high")
    _set(ticket, impact, "high")
    _set(ticket, owner, acme_admin.number)
    page = client_for(acme_admin).get(f"/agent/views/{view.number}/").content.decode()
    assert f"<th>{impact.title}</th>" in page and "<th>Owner</th>" in page
    assert f"<td>{high.label}</td>" in page
    assert f"<td>{acme_admin.name}</td>" in page
    assert ">high<" not in page


def test_unknown_field_columns_are_refused(acme, acme_admin):
    with pytest.raises(ValidationError, match="Unknown columns"):
        view_create(account=acme, actor=acme_admin, title="X", columns=["custom_fields.999"])


def test_the_view_editor_offers_the_fields_columns(acme, acme_admin, client_for, impact):
    page = client_for(acme_admin).get("/agent/views/new/").content.decode()
    assert f'value="custom_fields.{impact.number}"' in page


def test_field_columns_cost_the_same_queries_at_any_size(acme, acme_admin, client_for, impact):
    owner = ticket_field_create(account=acme, kind="lookup", title="Owner", lookup_target="user")
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="By impact",
        columns=["subject", f"custom_fields.{impact.number}", f"custom_fields.{owner.number}"],
    )
    client = client_for(acme_admin)
    url = f"/agent/views/{view.number}/"

    def make(i):
        ticket = make_ticket(account=acme, submitter=acme_admin)
        _set(ticket, impact, "low" if i % 2 else "critical")
        _set(ticket, owner, AgentFactory(account=acme).number)

    make(0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(1, 20):
        make(i)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.text.count('name="tickets"') == 20
    assert len(many) == len(one)


def test_the_bulk_bar_sets_and_clears_a_dropdown_field(acme, acme_agent, client_for, impact):
    client = client_for(acme_agent)
    first = make_ticket(account=acme, submitter=acme_agent)
    second = make_ticket(account=acme, submitter=acme_agent)
    page = client.get("/agent/tickets/bulk/fields/").content.decode()  # the bar's fields
    assert f'value="cf{impact.number}:high"' in page
    data = {"tickets": [str(first.number), str(second.number)], "next": "/agent/views/3/"}
    client.post("/agent/tickets/bulk/", {**data, "custom_field": f"cf{impact.number}:high"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.custom_fields == second.custom_fields == {impact.key: "high"}
    client.post("/agent/tickets/bulk/", {**data, "custom_field": f"cf{impact.number}:"})
    first.refresh_from_db()
    assert not (first.custom_fields or {}).get(impact.key)
    bad = client.post(
        "/agent/tickets/bulk/", {**data, "custom_field": "cf999:x"}, follow=True
    ).content.decode()
    assert "Select a valid choice" in bad
