"""Issue 21: a group agent's restriction to their groups' tickets (and those assigned to
them) on the list, view and ticket pages is index-served, never a scan of the account's
tickets. At a million tickets (sportello_bench, account 1: 900,000 tickets, an agent in
one of six groups) the unsolved list's page of 50 walks ticket_unsolved_upd in order
with the groups as a hashed subplan filter: 373 rows read, 20 ms warm (bench/README.md,
"Group agents"); the ticket page reads ticket_number_unique, 0.1 ms."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AgentRole, GroupMembership
from tests.bench.test_query_plans import _seq_scans
from tests.factories import AgentFactory, AgentGroupFactory, make_ticket


def test_a_group_agents_lists_and_ticket_page_are_index_served(
    acme, acme_agent, acme_user, client_for
):
    ours, theirs = (
        AgentGroupFactory(account=acme, name="Tier 1"),
        AgentGroupFactory(account=acme, name="Tier 2"),
    )
    agent = AgentFactory(
        account=acme,
        agent_role=AgentRole.objects.for_account(acme).get(builtin="group_agent"),
    )
    GroupMembership.objects.create(account=acme, group=ours, user=agent)
    mine = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Ours-x", group=ours
    )
    make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Theirs-x", group=theirs
    )
    client = client_for(agent)
    listing = client.get("/agent/views/unsolved/", follow=True)
    assert "Ours-x" in listing.text and "Theirs-x" not in listing.text
    final = listing.redirect_chain[-1][0] if listing.redirect_chain else "/agent/views/unsolved/"
    for path in (final, f"/agent/tickets/{mine.number}/", "/agent/search/?q=Ours"):
        assert _seq_scans(client, path) == set(), path
    # The restriction's own SQL, as the list sends it: an ordered index walk.
    with CaptureQueriesContext(connection) as ctx:
        client.get(final)
    restricted = [q["sql"] for q in ctx.captured_queries if "accounts_groupmembership" in q["sql"]]
    assert restricted
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in restricted:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert not re.search(r"Seq Scan on tickets_ticket", plan), plan
        cursor.execute("SET LOCAL enable_seqscan = on")
