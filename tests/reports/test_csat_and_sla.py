"""The reporting page's survey response rate (rated / offered) beside the CSAT score, and
its SLA achievement per target (issue 26)."""

from datetime import UTC, datetime, timedelta

import time_machine

from reports.access import ReportScope, report_scope
from reports.csat import response_rate_for
from reports.forms import Filters
from satisfaction.services import rate
from servicelevels.policies import sla_policy_create
from tests.factories import AgentGroupFactory, make_ticket
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update

URL = "/agent/reports/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def solved(acme, agent, user, run, **kw):
    ticket = run(make_ticket, account=acme, submitter=user, requester=user)
    run(ticket_update, ticket=ticket, actor=agent, status=Ticket.Status.SOLVED, **kw)
    ticket.refresh_from_db()
    return ticket


def test_response_rate_is_rated_over_offered_beside_the_score(
    client_for, acme, acme_admin, acme_agent, acme_user, run
):
    one = solved(acme, acme_agent, acme_user, run)
    solved(acme, acme_agent, acme_user, run)  # offered, never answered
    run(rate, ticket=one, user=acme_user, score="good")
    page = client_for(acme_admin).get(URL).content.decode()
    assert "Survey response rate" in page
    assert "1 rated of 2 offered" in page
    assert "50%" in page


def test_response_rate_keeps_to_the_viewers_scope_and_the_group_filter(
    acme, acme_agent, acme_user, run
):
    billing = AgentGroupFactory(account=acme, name="Billing")
    solved(acme, acme_agent, acme_user, run, group=billing)
    other = solved(acme, acme_agent, acme_user, run)
    run(rate, ticket=other, user=acme_user, score="bad")
    today = datetime.now(UTC).date()
    scope = report_scope(viewer=acme_agent)  # not in Billing, assigned none of them
    whole = Filters(start=today - timedelta(days=1), end=today)
    assert response_rate_for(account=acme, scope=scope, filters=whole).offered == 0
    everything = ReportScope(everything=True, agent_pk=acme_agent.pk, group_pks=frozenset())
    both = response_rate_for(account=acme, scope=everything, filters=whole)
    assert (both.offered, both.rated) == (2, 1)
    only_billing = Filters(start=whole.start, end=whole.end, group_pk=billing.pk)
    billing_rate = response_rate_for(account=acme, scope=everything, filters=only_billing)
    assert (billing_rate.offered, billing_rate.rated, billing_rate.rate) == (1, 0, 0.0)


def test_sla_achievement_per_target_counts_achieved_and_breached(
    client_for, acme, acme_admin, acme_agent, acme_user
):
    with time_machine.travel(T0, tick=False) as clock:
        sla_policy_create(
            account=acme,
            title="Urgent",
            conditions={},
            metrics=[{"priority": "urgent", "metric": "first_reply_time", "target": 60}],
        )
        kept = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, priority="urgent"
        )
        make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
        make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="low")
        clock.shift(timedelta(minutes=30))
        comment_add(ticket=kept, author=acme_agent, body="On it", public=True)
        clock.shift(timedelta(hours=2))  # the other urgent one breached an hour ago
        page = client_for(acme_admin).get(URL).content.decode()
        section = page.split('id="report-sla-title"', 1)[1].split("</section>", 1)[0]
        assert "First reply time" in section
        cells = section.split("First reply time", 1)[1]
        assert "<td>1</td><td>1</td><td>50%</td>" in cells
        # Filtered to a priority without targets: nothing settled.
        low = client_for(acme_admin).get(URL, {"priority": "low"}).content.decode()
        assert "No SLA targets were achieved or breached in this range." in low
