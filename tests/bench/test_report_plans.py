"""Issue 26: the reporting page reads the daily rollups through their key
(an index: report_day_key, account, day, …) in a fixed number of queries, whatever the range or
the data; it never reads the tickets' history (the sidebar's view counts aside, as on
every agent page)."""

from __future__ import annotations

import re

import pytest

from customfields.models import TicketField
from tests.factories import OrganizationFactory
from tests.reports.scaffold import (
    REPORT_URL,
    assert_index_scans,
    captured,
    group_of,
    tables_read,
    tickets_changed,
)
from tickets.services import comment_add

# Admin: groups, agents, organizations and drop-down options (the filters' choices), the
# days, the backlog before, per agent, per group, the rating comments, and what every
# signed-in page costs (per organization: one more, when asked).
BUDGET = 18


def _history(acme, agent, requester, group, run, n, organization=None):
    changes = [{"group": group, "assignee": agent, "organization": organization}] * n
    for ticket in tickets_changed(acme, agent, requester, run, changes):
        run(comment_add, ticket=ticket, author=agent, body="Done", status="solved")


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_report_page_queries_do_not_grow_with_the_data_or_the_range(
    role, acme, acme_admin, acme_agent, acme_user, client_for, run
):
    group = group_of(acme, acme_agent)
    client = client_for(acme_admin if role == "admin" else acme_agent)
    _history(acme, acme_agent, acme_user, group, run, 1)
    first = len(captured(client, REPORT_URL))
    _history(acme, acme_agent, acme_user, group, run, 3)
    assert len(captured(client, REPORT_URL)) == first
    assert len(captured(client, "/agent/reports/?preset=7")) == first
    assert first <= BUDGET
    # The organization leaderboard, when asked, is one more.
    assert len(captured(client, REPORT_URL + "&board=organizations")) == first + 1
    # A tag reads its own rollups in the same number, and so does a channel (the
    # backlog's months and the range's month's days in one query: ReportAttributeMonth
    # and …Day for an admin, ReportChannelAgentMonth and …Day for an agent).
    assert len(captured(client, REPORT_URL + "&tag=vip")) == first
    # So does one drop-down value (ReportFieldValueDay, …AgentDay).
    impact = TicketField.objects.for_account(acme).get(title="Impact")
    assert len(captured(client, REPORT_URL + f"&field_{impact.number}=high")) == first
    assert len(captured(client, REPORT_URL + "&channel=web")) == first


GROUP_DAY, AGENT_DAY, FINE = "reports_reportgroupday", "reports_reportagentday", "reports_reportday"
ORG_DAY, ORG_AGENT_DAY = "reports_reportorganizationday", "reports_reportorganizationagentday"
ATTR_DAY, ATTR_MONTH = "reports_reportattributeday", "reports_reportattributemonth"
AGENT_MONTH = "reports_reportagentmonth"
TYPE_AGENT_DAY, TYPE_AGENT_MONTH = "reports_reporttypeagentday", "reports_reporttypeagentmonth"
CHAN_AGENT_MONTH = "reports_reportchannelagentmonth"
PRIO_AGENT_MONTH = "reports_reportpriorityagentmonth"


@pytest.mark.parametrize(
    ("role", "query", "tables"),
    [
        # The backlog before, the days, per agent, per group, per organization: each from
        # the coarsest rollup that answers it; a leaderboard from a table with months
        # reads the range's whole months from them and the days around them from the
        # day rows, in one query (UNION ALL, the months first).
        ("admin", "", [GROUP_DAY, GROUP_DAY, AGENT_MONTH, GROUP_DAY, ORG_DAY]),
        ("admin", "&group={group}", [GROUP_DAY, GROUP_DAY, AGENT_MONTH, GROUP_DAY, ORG_AGENT_DAY]),
        # The backlog before of an agent filter or an agent's scope: the months before
        # the range's month (ReportAgentMonth) and that month's days, in one query.
        (
            "admin",
            "&agent={agent}",
            [AGENT_MONTH, AGENT_DAY, AGENT_MONTH, AGENT_MONTH, ORG_AGENT_DAY],
        ),
        # An agent's scope is their own tickets or their groups': the agent is needed.
        ("agent", "", [AGENT_MONTH, AGENT_DAY, AGENT_MONTH, AGENT_MONTH, ORG_AGENT_DAY]),
        # One organization: its own rows (report_org_day_org, report_org_agent_day_org),
        # never its tickets (5.7 s for a big one at 1M when they were summed).
        ("admin", "&organization={org}", [ORG_DAY, ORG_DAY, ORG_AGENT_DAY, ORG_AGENT_DAY, ORG_DAY]),
        ("agent", "&organization={org}", [ORG_AGENT_DAY] * 5),
        # A channel, priority or type: ReportAttributeDay (day × group × the three) for
        # the days and the group leaderboard, its months (ReportAttributeMonth) and the
        # range's month's days for the backlog before (one query); the agent leaderboard
        # and an agent's scope from the attribute's day × group × agent table (reports
        # 0010: ReportChannelAgentDay, …) and its months; the fine rows for what needs
        # the organization (which they key too).
        ("admin", "&channel=web", [ATTR_MONTH, ATTR_DAY, CHAN_AGENT_MONTH, ATTR_MONTH, FINE]),
        (
            "admin",
            "&priority=high&group={group}",
            [ATTR_MONTH, ATTR_DAY, PRIO_AGENT_MONTH, ATTR_MONTH, FINE],
        ),
        (
            "agent",
            "&type=problem",
            [TYPE_AGENT_MONTH, TYPE_AGENT_DAY, TYPE_AGENT_MONTH, TYPE_AGENT_MONTH, FINE],
        ),
        ("admin", "&organization={org}&type=problem", [FINE] * 5),
    ],
)
def test_report_page_reads_the_rollups_by_their_key_and_never_the_tickets(
    role, query, tables, acme, acme_admin, acme_agent, acme_user, client_for, run
):
    group = group_of(acme, acme_agent)
    org = OrganizationFactory(account=acme)
    _history(acme, acme_agent, acme_user, group, run, 2, organization=org)
    client = client_for(acme_admin if role == "admin" else acme_agent)
    # With the organization leaderboard, which the page shows when asked.
    query += "&board=organizations"
    path = REPORT_URL + query.format(group=group.number, agent=acme_agent.number, org=org.number)
    queries = captured(client, path)
    # The history is read when a ticket changes, never by the page.
    assert not [q for q in queries if re.search(r"tickets_(comment|ticketevent)", q["sql"])]
    rollup, read = tables_read(
        queries,
        r'"reports_report(agent|group|organization|organizationagent|attribute|'
        r'channelagent|priorityagent|typeagent)?(day|month)"',
    )
    assert read == tables
    # A handful of rows here; at a million tickets the planner takes the key
    # (account, day, …) for the range, as bench scenario 10r's plan shows.
    # An agent's scope may combine the agent's and the groups' indexes (BitmapOr).
    assert_index_scans(rollup, r"Index (Only )?Scan (using|on) \S*report")
