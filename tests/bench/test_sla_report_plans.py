"""The reports' SLA achievement table (issue 26, reports/sla.py) is one query whatever
the data: the days before today summed from the SLA rollup (reports 0009:
report_sla_day_agent and report_sla_day_group for an agent's scope, the per-group
ReportSlaGroupDay for an admin's), today's settled
targets from their own indexes (servicelevels 0004): the achieved ones from
slatarget_fulfilled, the breached ones from slatarget_breach, never a pass over the
account's targets (3.9 M at the bench's million tickets) nor over an agent's tickets
(numbers in bench/README.md, "SLA achievement at a million tickets"). With a filter the
rollup does not key (a channel, a tag, a drop-down value), the same two indexes and the
matching tickets read once for both (a tag's or a value's by its GIN)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customfields.models import TicketField
from reports.access import report_scope
from reports.forms import Filters
from reports.models import ReportSlaDay
from reports.sla import sla_achievement_for
from servicelevels.models import SlaTarget
from servicelevels.policies import sla_policy_create
from tests.factories import AgentGroupFactory, make_ticket
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update

SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
BIG = {
    "servicelevels_slatarget",
    "tickets_ticket",
    "reports_reportsladay",
    "reports_reportslagroupday",
}


@pytest.fixture
def policy(acme):
    return sla_policy_create(
        account=acme,
        title="Standard",
        conditions={},
        metrics=[
            {"priority": "urgent", "metric": "first_reply_time", "target": 60},
            {"priority": "urgent", "metric": "resolution_time", "target": 600},
        ],
    )


def _tickets(acme, agent, requester, run, n, group=None, **fields):
    """``n`` urgent tickets a day ago: half answered and solved at once, half left to
    breach both targets (the agent's by assignment, the others' by their group), each
    with ``fields`` (ticket_update's: tags, custom_fields)."""
    with time_machine.travel(timezone.now() - dt.timedelta(days=1)):
        tickets = [
            run(make_ticket, account=acme, submitter=requester, requester=requester)
            for _ in range(n)
        ]
        for i, ticket in enumerate(tickets):
            assignee = agent if i % 2 else None
            run(
                ticket_update,
                ticket=ticket,
                actor=agent,
                priority="urgent",
                group=group,
                assignee=assignee,
                **fields,
            )
        for ticket in tickets[: n // 2]:
            run(comment_add, ticket=ticket, author=agent, body="Done", public=True, status="solved")


def _read(acme, viewer, **narrowed):
    today = dt.date.today()
    filters = Filters(start=today - dt.timedelta(days=89), end=today, **narrowed)
    scope = report_scope(viewer=viewer)
    with CaptureQueriesContext(connection) as ctx:
        rows = sla_achievement_for(account=acme, scope=scope, filters=filters)
    return rows, ctx.captured_queries


def test_one_query_whatever_the_data(policy, acme, acme_admin, acme_agent, acme_user, run):
    _tickets(acme, acme_agent, acme_user, run, 2)
    rows, first = _read(acme, acme_admin)
    assert [(r.metric, r.achieved, r.breached) for r in rows] == [
        ("first_reply_time", 1, 1),
        ("resolution_time", 1, 1),
    ]
    _tickets(acme, acme_agent, acme_user, run, 6)
    assert len(_read(acme, acme_admin)[1]) == len(first) == 1


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_settled_targets_are_read_from_their_indexes(
    role, policy, acme, acme_admin, acme_agent, acme_user, run
):
    group = AgentGroupFactory(account=acme)
    group.memberships.create(account=acme, user=acme_agent)
    _tickets(acme, acme_agent, acme_user, run, 6, group=group)
    # The other agents' and groups' rows of the days, as at scale (a few hundred a day):
    # an agent's scope is a small part of them, read through its own indexes.
    today = dt.date.today()
    ReportSlaDay.objects.bulk_create(
        ReportSlaDay(
            account=acme,
            day=today - dt.timedelta(days=d),
            group_pk=10_000 + a % 7,
            agent_pk=10_000 + a,
            metric=metric,
        )
        for d in range(120)
        for a in range(40)
        for metric in ("first_reply_time", "resolution_time")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE servicelevels_slatarget")
        cursor.execute("ANALYZE reports_reportsladay")
    _rows, queries = _read(acme, acme_admin if role == "admin" else acme_agent)
    (query,) = queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert not BIG & set(SEQ_SCAN.findall(plan)), plan
    # Today's targets from their indexes, the days before from the rollup's.
    assert "slatarget_fulfilled" in plan, plan
    assert "slatarget_breach" in plan, plan
    if role == "agent":
        # The agent's own rows and their groups' (a BitmapOr of both indexes).
        assert "report_sla_day_agent" in plan, plan
        assert "report_sla_day_group" in plan, plan
    if role == "admin":
        # The days before today from the per-group rollup, by an index (its key here;
        # at 1M the account's: ~1,600 rows for 90 days), no agent's row.
        assert "reports_reportslagroupday" in plan, plan
        assert "reports_reportsladay" not in plan, plan
        # The whole account's count from the two indexes, no ticket read (at scale, and
        # vacuumed, no row of the table either: Index Only Scans; a test's few rows get
        # bitmap scans).
        assert "slatarget_fulfilled" in plan, plan
        assert "slatarget_breach" in plan, plan
        assert "tickets_ticket" not in plan, plan
    # An agent's scope joins the tickets: at 1M the planner reads both indexes and hashes
    # the scope's tickets; on a test's handful it may start from the tickets and take
    # their targets by ticket (servicelevels_slatarget_ticket_id): indexed either way.


# A filter the SLA rollup does not key (reports/sla.py ``_settled_of_tickets``, 0d44e34):
# the filter as Filters takes it, and the index that serves it on the tickets (none for
# a channel, priority or type; tickets 0028's GIN for a tag; the drop-down values' GIN).
NARROWED = {
    "channel": (lambda impact: {"channel": "web"}, None),
    "tag": (lambda impact: {"tag": "vip"}, "ticket_tags_gin"),
    "value": (lambda impact: {"fields": ((impact.number, "high"),)}, "ticket_custom_fields_gin"),
}


@pytest.mark.parametrize("kind", list(NARROWED))
@pytest.mark.parametrize("role", ["admin", "agent"])
def test_a_filter_the_rollup_does_not_key_reads_the_targets_by_index_and_the_tickets_once(
    role, kind, policy, some_tickets, acme, acme_admin, acme_agent, acme_user, run
):
    group = AgentGroupFactory(account=acme)
    group.memberships.create(account=acme, user=acme_agent)
    impact = TicketField.objects.for_account(acme).get(title="Impact")
    _tickets(
        acme,
        acme_agent,
        acme_user,
        run,
        6,
        group=group,
        tags="vip",
        custom_fields={impact.key: "high"},
    )
    # As at scale: most of the agent's groups' tickets neither tagged nor of the value
    # (nor on the web), and most targets settled long before the range.
    fillers = Ticket.objects.for_account(acme).filter(subject__startswith="Filler")
    fillers.update(group=group, channel="email")
    long_ago = timezone.now() - dt.timedelta(days=400)
    SlaTarget.objects.for_account(acme).bulk_create(
        SlaTarget(
            account=acme,
            ticket=ticket,
            metric=metric,
            target_minutes=60,
            fulfilled_at=long_ago,
            breach_at=long_ago + dt.timedelta(hours=1),
        )
        for ticket in fillers
        for metric in ("first_reply_time", "resolution_time")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE servicelevels_slatarget")
        cursor.execute("ANALYZE tickets_ticket")
    narrowed, index = NARROWED[kind]
    rows, queries = _read(acme, acme_admin if role == "admin" else acme_agent, **narrowed(impact))
    assert [(r.metric, r.achieved, r.breached) for r in rows] == [
        ("first_reply_time", 3, 3),
        ("resolution_time", 3, 3),
    ]
    (query,) = queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    # Both halves' targets from their own indexes, never the account's targets whole.
    assert "slatarget_fulfilled" in plan, plan
    assert "slatarget_breach" in plan, plan
    assert "servicelevels_slatarget" not in SEQ_SCAN.findall(plan), plan
    # The tickets read once for both halves (joined per half they were read twice: two
    # Parallel Seq Scans of 38,500 pages at 1M, bench/README.md).
    assert len(re.findall(r" on tickets_ticket\b", plan)) == 1, plan
    if index is None:
        # No index keys a channel: with sequential scans off the planner takes any index
        # leading with the account, and at 1M the one read is a Parallel Seq Scan of the
        # tickets (38,400 pages, bench/README.md), so no index is asserted here.
        return
    # A tag or a value: the matching tickets by its GIN (taken with sequential scans on
    # as well, on these rows), never the account's or the scope's tickets whole.
    assert f"Bitmap Index Scan on {index}" in plan, plan
    assert not BIG & set(SEQ_SCAN.findall(plan)), plan
