"""Issue 26: a view filtered on the satisfaction rating reads the partial index of rated
tickets (satisfaction/migrations/0003), never the account's every ticket."""

from __future__ import annotations

import re

from django.db import connection

from satisfaction.services import rate
from tests.bench.test_query_plans import _seq_scans
from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update
from tickets.services.saved_views import view_create


def test_a_view_of_bad_ratings_is_index_served(acme, acme_admin, acme_agent, acme_user, client_for):
    for i in range(3):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, subject=f"T{i}"
        )
        ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
        rate(ticket=ticket, user=acme_user, score="bad" if i else "good")
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Bad ratings",
        conditions={"all": [{"field": "satisfaction", "operator": "is", "value": "bad"}]},
        columns=["number", "subject", "satisfaction"],
    )
    client = client_for(acme_agent)
    page = client.get(f"/agent/views/{view.number}/")
    assert page.status_code == 200
    assert ">T1<" in page.text and ">T2<" in page.text and ">T0<" not in page.text
    assert _seq_scans(client, f"/agent/views/{view.number}/") == set()
    with connection.cursor() as cursor:
        # A few rows here: keep the planner from a scan or a sort it would not take at a
        # million tickets, and see that the index answers the view's question in order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_ticket WHERE account_id = %s "
            "AND satisfaction_rating = 'bad' ORDER BY updated_at DESC LIMIT 25",
            [acme.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"ticket_satisfaction_rated", plan), plan
