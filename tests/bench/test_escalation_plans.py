"""Seed 004: a view filtered on escalated tickets reads the partial index of escalated
tickets (escalations/migrations/0002), never the account's every ticket."""

from __future__ import annotations

import re

from django.db import connection

from escalations.services import escalation_create
from tests.bench.test_query_plans import _seq_scans
from tests.factories import make_ticket
from tickets.services.saved_views import view_create


def test_a_view_of_escalated_tickets_is_index_served(
    acme, acme_admin, acme_agent, acme_user, client_for
):
    for i in range(3):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, subject=f"Escalated-{i}x"
        )
        if i:
            escalation_create(ticket=ticket, actor=acme_agent, group=None, description="why")
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Escalated",
        conditions={"all": [{"field": "escalation", "operator": "is", "value": "open"}]},
        columns=["number", "subject", "escalation"],
    )
    client = client_for(acme_agent)
    page = client.get(f"/agent/views/{view.number}/")
    assert page.status_code == 200
    assert "Escalated-1x" in page.text and "Escalated-2x" in page.text
    assert "Escalated-0x" not in page.text
    assert _seq_scans(client, f"/agent/views/{view.number}/") == set()
    with connection.cursor() as cursor:
        # A few rows here: keep the planner from a scan or a sort it would not take at a
        # million tickets, and see that the index answers the view's question in order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_ticket WHERE account_id = %s "
            "AND escalation = 'open' ORDER BY updated_at DESC LIMIT 25",
            [acme.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"ticket_escalated", plan), plan
