"""What the reports' tests and their plan tests (tests/bench/test_report*_plans.py) build
and read alike: tickets changed as an agent changes them, a group with the agent in it,
the page's queries, which rollups they read and by which index, a rollup's counts per
key, and a fill migration checked against the rows it replaces."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.dbsession import account_context
from reports.models import ReportTicket
from reports.services import ticket_refresh
from tests.factories import AgentGroupFactory, make_ticket
from tickets.services import ticket_update

REPORT_URL = "/agent/reports/?preset=90&period=week"


def captured(client, path):
    """The queries of one page, which answers 200."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return ctx.captured_queries


def group_of(account, agent):
    """A new group of ``account`` with ``agent`` in it."""
    group = AgentGroupFactory(account=account)
    group.memberships.create(account=account, user=agent)
    return group


def tickets_changed(account, actor, requester, run, changes):
    """A ticket the requester opens per item of ``changes``, then changed by ``actor``
    with the item's fields (ticket_update)."""
    tickets = []
    for fields in changes:
        ticket = run(make_ticket, account=account, submitter=requester, requester=requester)
        run(ticket_update, ticket=ticket, actor=actor, **fields)
        tickets.append(ticket)
    return tickets


def tables_read(queries, table):
    """The SQL of the queries that read a table matching the pattern ``table``, and
    the table each reads from."""
    sqls = [q["sql"] for q in queries if re.search(table, q["sql"])]
    return sqls, [re.search(r'FROM "(reports_\w+)"', sql).group(1) for sql in sqls]


def assert_index_scans(sqls, index):
    """Each query's plan, sequential scans off, reads by an index matching ``index``
    and scans no table whole."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in sqls:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert re.search(index, plan), plan
            assert "Seq Scan" not in plan, plan
        cursor.execute("SET LOCAL enable_seqscan = on")


def created_per(account, model, *keys):
    """The tickets ``model`` counts as created per key (``keys``' values), zeros left out."""
    with account_context(account):
        out: dict = {}
        for row in model.objects.for_account(account).values_list(*keys, "created"):
            key = row[0] if len(keys) == 1 else row[:-1]
            out[key] = out.get(key, 0) + row[-1]
        return {key: n for key, n in out.items() if n}


def assert_the_migration_refills(account, migration, models, counted, tables, tickets):
    """``migration``'s fill, run as before it (no rows in ``models``, no ``counted`` key
    in what each ticket counted), makes again the rows ``tables(account)`` read now;
    each ticket's next refresh finds what it counted under: nothing moves."""
    kept = tables(account)
    assert all(kept)
    with account_context(account):
        for model in models:
            model.objects.for_account(account).delete()
        for stored in ReportTicket.objects.for_account(account):
            stored.counted.pop(counted)
            stored.save(update_fields=["counted"])
    migration.fill(None, SimpleNamespace(connection=connection))
    assert tables(account) == kept
    for ticket in tickets:
        ticket_refresh(account_id=account.pk, ticket_id=ticket.pk)
    assert tables(account) == kept
