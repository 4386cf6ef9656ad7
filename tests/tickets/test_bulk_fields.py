"""The list's bulk bar loads its fields when it opens (issue 17): the list page carries
the bar's shell (count, Update selected, macros, merge) and an htmx placeholder; the
status, assignee, group, priority, tags and custom-field controls come from
/agent/tickets/bulk/fields/ (tickets.views.lists.bulk_fields) and post with the list's
form as before. Who may load them is the access crawler's (tests/security/crawler_table)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgentGroupFactory, make_ticket
from tickets.models import Ticket

FIELDS = "/agent/tickets/bulk/fields/"


def test_the_list_page_carries_the_bars_shell_not_its_fields(acme, acme_agent, client_for):
    make_ticket(account=acme, submitter=acme_agent, assignee=acme_agent)
    page = client_for(acme_agent).get("/agent/views/3/").text
    bar = page.split('class="bulk-bar"', 1)[1].split('<div class="table-wrap">', 1)[0]
    assert re.search(
        r'<span class="bulk-fields" hx-get="/agent/tickets/bulk/fields/" '
        r'hx-trigger="bulk-open from:body once" hx-swap="outerHTML"></span>',
        bar,
    )
    assert 'name="status"' not in bar and 'name="assignee"' not in bar
    assert "Update selected" in bar


def test_the_fields_are_the_forms_and_post_as_before(acme, acme_agent, client_for):
    """The loaded fields are the bulk form's controls with the names tickets_bulk reads;
    choosing from them and posting with the rows' check boxes updates the rows."""
    desk = AgentGroupFactory(account=acme, name="Front desk")
    tickets = [make_ticket(account=acme, submitter=acme_agent) for _ in range(2)]
    client = client_for(acme_agent)
    fields = client.get(FIELDS, headers={"HX-Request": "true"})
    assert fields.status_code == 200
    html = fields.text
    assert html.startswith('<span class="bulk-fields">')
    for name in ("status", "assignee", "group", "priority", "add_tags"):
        assert f'name="{name}"' in html and f'for="id_{name}"' in html
    assert f'<option value="{desk.number}">Front desk</option>' in html
    assert f'<option value="{acme_agent.number}">{acme_agent.name}</option>' in html
    assert 'value="pending"' in html.split('name="status"', 1)[1].split("</select>", 1)[0]
    answer = client.post(
        "/agent/tickets/bulk/",
        {
            "tickets": [t.number for t in tickets],
            "status": "pending",
            "group": str(desk.number),
            "priority": "high",
            "next": "/agent/views/3/",
        },
    )
    assert answer.status_code == 302
    for ticket in Ticket.objects.for_account(acme).filter(pk__in=[t.pk for t in tickets]):
        assert (ticket.status, ticket.group_id, ticket.priority) == ("pending", desk.pk, "high")


def test_the_fields_cost_a_fixed_number_of_queries(acme, acme_agent, client_for):
    client = client_for(acme_agent)
    client.get(FIELDS)  # the session and the account, cached after the first request

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(FIELDS).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(5):
        AgentGroupFactory(account=acme, name=f"Desk {n}")
    assert count() == few
