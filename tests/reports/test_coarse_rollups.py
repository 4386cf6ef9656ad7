"""The page's numbers do not depend on which rollup answers them: with every ticket on
the web channel, of one organization and tagged alike, the report filtered by "Web"
(the fine ReportDay), by the organization (ReportOrganizationDay and
ReportOrganizationAgentDay), by both, by the tag (ReportTagDay and ReportTagAgentDay;
with a filter those do not key, the tickets' own contributions, reports.facts) or by a
drop-down value (ReportFieldValueDay and ReportFieldValueAgentDay; likewise) equals
the unfiltered one (the coarse ReportGroupDay and ReportAgentDay), for an admin, per
group and per agent, and for an agent's scope."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from customfields.models import TicketField
from reports.access import report_scope
from reports.forms import Filters
from reports.selectors import report_for
from tests.factories import AgentFactory, AgentGroupFactory, OrganizationFactory, make_ticket
from tickets.services import comment_add, ticket_update

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _numbers(report):
    return (
        [(p.start, p.counts, p.backlog) for p in report.periods],
        report.total.counts,
        [(pk, s.counts) for pk, s in report.by_agent],
        [(pk, s.counts) for pk, s in report.by_group],
        [(pk, s.counts) for pk, s in report.by_organization or []],
    )


def test_coarse_and_fine_rollups_give_the_same_report(acme, acme_admin, acme_agent, acme_user, run):
    group, other_group = AgentGroupFactory(account=acme), AgentGroupFactory(account=acme)
    other = AgentFactory(account=acme)
    org = OrganizationFactory(account=acme)
    impact = TicketField.objects.for_account(acme).get(title="Impact").number
    product = TicketField.objects.for_account(acme).get(title="Product family").number
    group.memberships.create(account=acme, user=acme_agent)
    for member in (acme_agent, other):
        other_group.memberships.create(account=acme, user=member)
    with time_machine.travel(T0, tick=False) as clock:
        for i in range(8):
            ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
            run(
                ticket_update,
                ticket=ticket,
                actor=acme_agent,
                group=(group, other_group, None)[i % 3],
                # ``group`` holds acme_agent alone; other_group both agents.
                assignee=(acme_agent, other, None)[(i // 2) % 3] if i % 3 else acme_agent,
                organization=org,
                tags="everyone",
                custom_fields={str(impact): "high", str(product): "software"},
            )
            clock.shift(timedelta(hours=20))
            if i % 4:
                run(comment_add, ticket=ticket, author=acme_agent, body="Done", status="solved")
            if i % 4 == 3:
                run(ticket_update, ticket=ticket, actor=acme_agent, status="open")
            clock.shift(timedelta(days=1))
    # A range inside March and one holding the whole of March (a leaderboard from a
    # table with months reads March from its month rows: reports.selectors._leaderboard),
    # each against the tickets' own contributions (reports.facts), which have no months.
    ranges = [
        (T0.date() + timedelta(days=3), T0.date() + timedelta(days=30)),
        (T0.date() - timedelta(days=10), T0.date() + timedelta(days=30)),
    ]
    cases = [
        (acme_admin, {}),
        (acme_admin, {"group_pk": group.pk}),
        (acme_admin, {"agent_pk": other.pk}),
        (acme_agent, {}),
    ]
    for (start, end), (viewer, narrowed) in itertools.product(ranges, cases):
        scope = report_scope(viewer=viewer)
        coarse = Filters(start=start, end=end, weekly=True, **narrowed)
        got = _numbers(report_for(account=acme, scope=scope, filters=coarse, organizations=True))
        assert [pk for pk, _counts in got[4]] == [org.pk]
        for same in (
            {"channel": "web"},
            {"organization_pk": org.pk},
            {"organization_pk": org.pk, "channel": "web"},
            {"tag": "everyone"},
        ):
            narrower = Filters(start=start, end=end, weekly=True, **narrowed, **same)
            assert got == _numbers(
                report_for(account=acme, scope=scope, filters=narrower, organizations=True)
            ), same
        # A tag alone: its own rollups (ReportTagDay, ReportTagAgentDay; with the
        # organization leaderboard above, the tickets' contributions).
        high, software = (impact, "high"), (product, "software")
        for same in (
            {"tag": "everyone"},
            {"tag": "everyone", "channel": "web"},
            # A value alone: its own rollups; with a channel or another value, the
            # tickets' contributions.
            {"fields": (high,)},
            {"fields": (high,), "channel": "web"},
            {"fields": (high, software)},
        ):
            narrower = Filters(start=start, end=end, weekly=True, **narrowed, **same)
            assert (
                got[:4] == _numbers(report_for(account=acme, scope=scope, filters=narrower))[:4]
            ), same
        assert got[1]["created"]  # the range holds tickets (a backlog before it too)
