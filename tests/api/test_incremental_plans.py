"""The incremental exports are index-served (issue 23): every query a page runs is
EXPLAINed with sequential scans priced out, and the cursor's key bounds the index scan
(an Index Cond on ``ROW(updated_at, id) >``), so the millionth row costs what the first
does. At 1M tickets (bench/README.md, "Incremental export") the plan is the same."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_ticket
from tickets.services import ticket_delete

BIG_TABLES = (
    "tickets_ticket",
    "tickets_comment",
    "tickets_ticketcc",
    "tickets_ticketevent",
    "tickets_deletedticket",
    "accounts_user",
)
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
LONG_AGO = int(time.time()) - 3600


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.API_INCREMENTAL_HORIZON_SECONDS = 0
    settings.API_INCREMENTAL_RATE_LIMIT = "1000/min"
    cache.clear()


def _plans(api, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
        assert response.status_code == 200, response.json()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in ctx.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plans


def test_a_cursor_page_starts_its_index_scans_at_the_cursor(api_for, acme, acme_admin, acme_agent):
    for i in range(3):
        make_ticket(account=acme, subject=f"T{i}")
    ticket_delete(ticket=make_ticket(account=acme, subject="Gone"), actor=acme_agent)
    api = api_for(acme_admin)
    first = api.get(f"incremental/tickets/cursor.json?start_time={LONG_AGO}&per_page=1").json()
    plans = _plans(api, first["after_url"])
    joined = "\n".join(plans)
    assert not {t for t in SEQ_SCAN.findall(joined) if t in BIG_TABLES}, joined
    assert re.search(
        r"Index (Only )?Scan( Backward)? using ticket_acct_updated on tickets_ticket[^\n]*\n"
        r"\s+Index Cond: \(\(account_id = \d+\) AND \(ROW\(updated_at, id\) >",
        joined,
    ), joined
    assert re.search(
        r"using deletedticket_acct_upd on tickets_deletedticket[^\n]*\n"
        r"\s+Index Cond: \(\(account_id = \d+\) AND \(ROW\(updated_at, id\) >",
        joined,
    ), joined


@pytest.mark.parametrize(
    "endpoint",
    [
        "incremental/tickets.json",
        "incremental/organizations.json",
        "incremental/ticket_events.json",
        "incremental/users/cursor.json",
    ],
)
def test_the_other_exports_use_indexes(api_for, acme, acme_admin, endpoint):
    make_ticket(account=acme)
    plans = _plans(api_for(acme_admin), f"{endpoint}?start_time={LONG_AGO}")
    joined = "\n".join(plans)
    assert not {t for t in SEQ_SCAN.findall(joined) if t in BIG_TABLES}, joined


def test_the_event_export_reads_events_by_time_from_an_index(api_for, acme, acme_admin):
    make_ticket(account=acme)
    plans = _plans(api_for(acme_admin), f"incremental/ticket_events.json?start_time={LONG_AGO}")
    joined = "\n".join(plans)
    assert re.search(
        r"using event_acct_created on tickets_ticketevent[^\n]*\n"
        r"\s+Index Cond: \(\(account_id = \d+\) AND \(created_at >=",
        joined,
    ), joined


def test_the_user_export_walks_its_updated_at_index(api_for, acme, acme_admin):
    api = api_for(acme_admin)
    first = api.get(f"incremental/users/cursor.json?start_time={LONG_AGO}&per_page=1").json()
    joined = "\n".join(_plans(api, first["after_url"]))
    assert re.search(
        r"using user_acct_updated on accounts_user[^\n]*\n"
        r"\s+Index Cond: \(\(account_id = \d+\) AND \(ROW\(updated_at, id\) >",
        joined,
    ), joined
