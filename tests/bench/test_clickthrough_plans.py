"""Issue 26's click-through: the tickets behind a report's number are read from the
tickets through the index on the counted time (tickets 0027: ticket_acct_created,
ticket_acct_solved_range), never by scanning the account's tickets, and the list's page
costs a fixed number of queries whatever the number of tickets."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import make_ticket
from tests.reports.scaffold import captured
from tickets.services import ticket_update

URL = "/agent/reports/tickets/?metric={metric}&start={day}&end={day}"


def _tickets(acme, admin, requester, run, n):
    for _ in range(n):
        ticket = run(make_ticket, account=acme, submitter=requester, requester=requester)
        run(ticket_update, ticket=ticket, actor=admin, status="solved")


@pytest.mark.parametrize(
    ("metric", "index"),
    [("created", "ticket_acct_created"), ("solved", "ticket_acct_solved_range")],
)
def test_an_admins_list_reads_the_range_from_its_index(
    metric, index, acme, acme_admin, acme_user, client_for, run
):
    _tickets(acme, acme_admin, acme_user, run, 3)
    today = timezone.now().date()
    client = client_for(acme_admin)
    # The account's day may be yesterday or tomorrow in UTC: the range covers all three.
    path = (
        URL.format(metric=metric, day=today)
        .replace(f"start={today}", f"start={today - timedelta(days=1)}")
        .replace(f"end={today}", f"end={today + timedelta(days=1)}")
    )
    queries = captured(client, path)
    listed = [
        q["sql"]
        for q in queries
        if re.search(rf'FROM "tickets_ticket".*"{metric}_at" >=', q["sql"])
    ]
    assert any("ORDER BY" in sql for sql in listed), [q["sql"] for q in queries]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in listed:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on tickets_ticket" not in plan, plan
            if "ORDER BY" in sql:
                # The page's rows: the range, newest first, straight from the index (on
                # three rows the capped count may take any index; at scale the range's).
                assert index in plan, plan
        cursor.execute("SET LOCAL enable_seqscan = on")


def test_the_lists_queries_do_not_grow_with_its_tickets(
    acme, acme_admin, acme_user, client_for, run
):
    _tickets(acme, acme_admin, acme_user, run, 1)
    day = timezone.now().date()
    client = client_for(acme_admin)
    path = URL.format(metric="created", day=day)
    first = len(captured(client, path))
    _tickets(acme, acme_admin, acme_user, run, 4)
    assert len(captured(client, path)) == first
