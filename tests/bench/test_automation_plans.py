"""Issue 20: a pass reads only the tickets its automations match, from an index. Each
default automation's query, the wake-up query and the Snoozed view are EXPLAINed with
sequential scans priced out (as test_query_plans.py does for the pages); a pass that
matches nothing costs the same few queries however many tickets the account has.
Measured at a million tickets by ``python -m bench.automation_pass`` (bench/README.md)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from automations.models import Automation
from automations.runs import account_pass, matching_tickets
from tests.bench.test_query_plans import _seq_scans
from tests.conftest import TenantClient
from tests.factories import make_ticket
from tickets.models import Ticket, View

pytestmark = pytest.mark.django_db
INDEX = re.compile(r"Index(?: Only)? Scan(?: Backward)? using (\w+) on tickets_ticket")


def _plan(queryset) -> str:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


@pytest.mark.parametrize(
    ("key", "index"),
    [
        ("close_solved", {"ticket_acct_solved_at"}),
        # At a million tickets the planner takes ticket_acct_status_since (37,667 rows for
        # 37,667 matches: bench/README.md); on a near-empty table it may prefer the
        # unsolved tickets' partial index, an index still.
        ("pending_reminder", {"ticket_acct_status_since", "ticket_unsolved_upd"}),
        # Tickets whose next breach is within the hour: the SLA rows' partial index.
        ("sla_breach_warning", {"ticketsla_next_breach"}),
    ],
)
def test_each_default_automation_reads_its_tickets_from_an_index(
    acme, acme_agent, some_tickets, key, index
):
    make_ticket(account=acme, submitter=acme_agent)
    automation = Automation.objects.for_account(acme).get(default_key=key)
    plan = _plan(matching_tickets(automation=automation))
    assert "Seq Scan on tickets_ticket" not in plan, plan
    assert any(f"using {name} on" in plan for name in index), plan


def test_the_wake_up_query_reads_only_snoozed_tickets(acme, some_tickets):
    due = Ticket.objects.for_account(acme).filter(snoozed_until__lte=timezone.now())
    plan = _plan(due)
    assert INDEX.findall(plan) == ["ticket_acct_snoozed"], plan


def test_the_snoozed_view_uses_indexes(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
        snoozed_until=timezone.now() + dt.timedelta(days=1)
    )
    client = TenantClient(acme)
    client.force_login(acme_agent)
    snoozed = View.objects.for_account(acme).get(key="snoozed")
    assert _seq_scans(client, f"/agent/views/{snoozed.number}/") == set()


def test_a_pass_that_matches_nothing_costs_the_same_few_queries(acme, acme_agent):
    Automation.objects.for_account(acme).filter(default_key="pending_reminder").update(active=True)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            account_pass(account=acme)
        return len(ctx.captured_queries)

    make_ticket(account=acme, submitter=acme_agent)
    few = cost()
    for _ in range(5):
        make_ticket(account=acme, submitter=acme_agent)
    # The SLA alerts due; the automations; per active automation (three: the SLA warning
    # default ships on) its query and its run's record; the wake-ups.
    assert cost() == few <= 9


def test_the_sla_alerts_query_reads_only_targets_due_from_their_partial_index(acme):
    """The pass's first query (servicelevels.alerts): a range of slatarget_alert_due,
    whose predicate the planner proves from the query's own filters; the targets already
    announced as breached are not in the index at all."""
    from servicelevels.alerts import sla_alerts_due

    plan = _plan(sla_alerts_due(account=acme, now=timezone.now()))
    assert "Seq Scan on servicelevels_slatarget" not in plan, plan
    assert "using slatarget_alert_due on servicelevels_slatarget" in plan, plan


def test_business_hours_conditions_read_the_same_index_as_calendar_ones(
    acme, acme_agent, some_tickets
):
    from automations.services import automation_create
    from servicelevels.services import schedule_create

    schedule_create(
        account=acme, name="Office", time_zone="Europe/Rome", weekly=[[(540, 1080)]] * 5 + [[]] * 2
    )
    automation = automation_create(
        account=acme,
        name="Pending 8 business hours",
        conditions={
            "all": [
                {"field": "pending_since", "operator": "older_than_business_hours", "value": 8},
                {"field": "current_tags", "operator": "not_includes", "value": "nudged"},
            ]
        },
        actions=[{"action": "add_tag", "value": "nudged"}],
    )
    plan = _plan(matching_tickets(automation=automation))
    assert "Seq Scan on tickets_ticket" not in plan, plan
    assert any(
        f"using {name} on" in plan for name in ("ticket_acct_status_since", "ticket_unsolved_upd")
    ), plan
