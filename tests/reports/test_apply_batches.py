"""A refresh's upserts go to the database in as few statements as the parameter limit
allows (reports.services._apply, reports.upserts), each table once per statement: a bulk
refresh of many rows still adds every row exactly once, in every table."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from accounts.dbsession import account_context
from reports import services
from reports.models import (
    ReportAgentDay,
    ReportAgentMonth,
    ReportChannelAgentDay,
    ReportDay,
    ReportGroupDay,
    ReportSlaDay,
    ReportTypeAgentMonth,
)
from servicelevels.policies import sla_policy_create
from tests.factories import AgentGroupFactory, make_ticket
from tickets.services import comment_add, ticket_update


def _delta(days: int, created: int) -> dict:
    start = date(2020, 1, 1)
    dims = (0, 0, "web", "", "problem", 0)
    return {
        ((start + timedelta(days=n)).isoformat(), dims, (), ()): Counter({"created": created})
        for n in range(days)
    }


def test_a_small_delta_is_one_statement_for_every_table(acme):
    with account_context(acme), CaptureQueriesContext(connection) as ctx:
        services._apply(acme.pk, _delta(3, 1))
    assert len(ctx.captured_queries) == 1
    with account_context(acme):
        for model in (ReportDay, ReportAgentDay, ReportChannelAgentDay, ReportAgentMonth):
            assert model.objects.for_account(acme).aggregate(n=Sum("created"))["n"] == 3


def test_a_large_delta_is_split_and_every_row_added_once(acme):
    # 2,500 days: three statements of ReportDay's rows (a thousand rows each), the other
    # tables' beside them; applied twice, every row holds twice its count.
    with account_context(acme):
        with CaptureQueriesContext(connection) as ctx:
            services._apply(acme.pk, _delta(2500, 1))
        services._apply(acme.pk, _delta(2500, 1))
        assert len(ctx.captured_queries) > 1
        for sql in (q["sql"] for q in ctx.captured_queries):
            # Each table's INSERT once per statement.
            inserted = re.findall(r"INSERT INTO (\w+)", sql)
            assert inserted
            assert len(inserted) == len(set(inserted)), inserted
        for model, rows in (
            (ReportDay, 2500),
            (ReportGroupDay, 2500),
            (ReportChannelAgentDay, 2500),
            (ReportTypeAgentMonth, 83),  # 2020-01 to 2026-11
        ):
            found = model.objects.for_account(acme).aggregate(n=Sum("created"), rows=Count("id"))
            assert found == {"n": 5000, "rows": rows}


def test_a_refresh_moving_sla_targets_writes_them_with_the_other_rollups(
    acme, acme_agent, acme_user, run
):
    # A group change moves the ticket's settled targets (reports.sla_rollup.moved): their
    # rows go in the refresh's one upsert statement, not in statements of their own.
    group = AgentGroupFactory(account=acme)
    group.memberships.create(account=acme, user=acme_agent)
    metrics = [{"priority": "urgent", "metric": "first_reply_time", "target": 60}]
    sla_policy_create(account=acme, title="Standard", conditions={}, metrics=metrics)
    ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(ticket_update, ticket=ticket, actor=acme_agent, priority="urgent")
    run(comment_add, ticket=ticket, author=acme_agent, body="On it.")  # achieved
    with CaptureQueriesContext(connection) as ctx:
        run(ticket_update, ticket=ticket, actor=acme_agent, group=group)
    upserts = [q["sql"] for q in ctx.captured_queries if "INSERT INTO reports_" in q["sql"]]
    assert len(upserts) == 1
    for table in ("reports_reportagentday", "reports_reportsladay", "reports_reportslagroupday"):
        assert f"INSERT INTO {table} " in upserts[0], table
    with account_context(acme):
        moved = ReportSlaDay.objects.for_account(acme).get(group_pk=group.pk)
    assert (moved.metric, moved.achieved, moved.breached) == ("first_reply_time", 1, 0)
