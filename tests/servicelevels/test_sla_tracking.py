"""Each ticket's SLA state, kept up to date from its events by the domain's signal."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from servicelevels.models import SlaTarget, TicketSla
from servicelevels.policies import sla_policy_create, sla_policy_set_active
from servicelevels.selectors import tickets_sla_breach_within, tickets_sla_breached
from servicelevels.services import schedule_create
from tests.factories import make_ticket
from tickets.services import comment_add, ticket_update

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def targets(*specs, business=False):
    return [
        {"priority": p, "metric": m, "target": t, "business_hours": business} for p, m, t in specs
    ]


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def urgent_policy_of(account):
    """A policy for urgent tickets: first reply 60 minutes, next reply 30, requester
    wait 240, resolution 600 (calendar minutes)."""
    return sla_policy_create(
        account=account,
        title="Urgent",
        conditions={"all": [{"field": "priority", "operator": "is", "value": "urgent"}]},
        metrics=targets(
            ("urgent", "first_reply_time", 60),
            ("urgent", "next_reply_time", 30),
            ("urgent", "requester_wait_time", 240),
            ("urgent", "resolution_time", 600),
        ),
    )


@pytest.fixture
def urgent_policy(acme):
    return urgent_policy_of(acme)


def row(ticket, metric):
    return SlaTarget.objects.for_account(ticket.account).get(ticket=ticket, metric=metric)


def next_breach(ticket):
    return TicketSla.objects.for_account(ticket.account).get(ticket=ticket).next_breach_at


def test_new_urgent_ticket_gets_its_first_reply_target(
    clock, acme, acme_agent, acme_user, urgent_policy
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    assert row(ticket, "first_reply_time").breach_at == T0 + timedelta(minutes=60)
    assert row(ticket, "first_reply_time").stage == "active"
    assert next_breach(ticket) == T0 + timedelta(minutes=60)


def test_public_agent_reply_fulfils_first_reply_an_internal_note_does_not(
    clock, acme, acme_agent, acme_user, urgent_policy
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    clock.shift(timedelta(minutes=10))
    comment_add(ticket=ticket, author=acme_agent, body="Looking", public=False)
    assert row(ticket, "first_reply_time").stage == "active"
    clock.shift(timedelta(minutes=10))
    comment_add(ticket=ticket, author=acme_agent, body="Fixed?", public=True)
    first = row(ticket, "first_reply_time")
    assert (first.stage, first.fulfilled_at) == ("achieved", T0 + timedelta(minutes=20))
    # The requester's answer starts the next reply time.
    clock.shift(timedelta(minutes=5))
    comment_add(ticket=ticket, author=acme_user, body="No")
    assert row(ticket, "next_reply_time").breach_at == T0 + timedelta(minutes=55)
    assert next_breach(ticket) == T0 + timedelta(minutes=55)


def test_pending_pauses_requester_wait_and_open_resumes_it(
    clock, acme, acme_agent, acme_user, urgent_policy
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    clock.shift(timedelta(minutes=60))
    ticket_update(ticket=ticket, actor=acme_agent, status="pending")
    wait = row(ticket, "requester_wait_time")
    assert (wait.stage, wait.breach_at) == ("paused", None)
    clock.shift(timedelta(hours=5))
    ticket_update(ticket=ticket, actor=acme_agent, status="open")
    # 60 of its 240 minutes were used before the pause.
    assert row(ticket, "requester_wait_time").breach_at == T0 + timedelta(hours=6, minutes=180)


def test_solved_fulfils_and_reopening_restarts_resolution_and_waits(
    clock, acme, acme_agent, acme_user, urgent_policy
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    clock.shift(timedelta(minutes=30))
    ticket_update(ticket=ticket, actor=acme_agent, status="solved")
    measured = SlaTarget.objects.for_account(acme).filter(ticket=ticket, target_minutes__gt=0)
    assert {r.stage for r in measured if r.stage} == {"achieved"}
    assert next_breach(ticket) is None
    clock.shift(timedelta(hours=2))
    ticket_update(ticket=ticket, actor=acme_agent, status="open")
    assert row(ticket, "resolution_time").stage == "active"
    assert row(ticket, "resolution_time").breach_at == T0 + timedelta(minutes=600)
    assert row(ticket, "requester_wait_time").breach_at == T0 + timedelta(hours=2, minutes=30 + 210)
    # First reply never restarts.
    assert row(ticket, "first_reply_time").stage == "achieved"


def test_priority_change_remeasures_against_the_new_priority(
    clock, acme, acme_agent, acme_user, urgent_policy
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="high")
    assert not TicketSla.objects.for_account(acme).filter(ticket=ticket).exists()
    clock.shift(timedelta(minutes=20))
    ticket_update(ticket=ticket, actor=acme_agent, priority="urgent")
    # Measured from creation, from the ticket's history.
    assert row(ticket, "first_reply_time").breach_at == T0 + timedelta(minutes=60)


def test_business_hours_target_skips_the_night(acme, acme_agent, acme_user):
    schedule_create(
        account=acme, name="Office", time_zone="UTC", weekly=[[(540, 1020)]] * 5 + [[], []]
    )
    sla_policy_create(
        account=acme,
        title="Business",
        conditions={},
        metrics=targets(("normal", "first_reply_time", 120), business=True),
    )
    with time_machine.travel(datetime(2026, 3, 2, 16, 0, tzinfo=UTC), tick=False):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, priority="normal"
        )
    # One hour on Monday, the second on Tuesday from 09:00.
    assert row(ticket, "first_reply_time").breach_at == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_deactivating_a_policy_clears_its_breaches(
    clock, acme, acme_agent, acme_user, urgent_policy
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    sla_policy_set_active(policy=urgent_policy, active=False)
    assert next_breach(ticket) is None
    assert row(ticket, "first_reply_time").breach_at is None


def test_breach_selectors_for_automations(
    clock, acme, acme_agent, acme_user, globex, urgent_policy
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    assert list(tickets_sla_breach_within(account=acme, hours=2)) == [ticket]
    assert list(tickets_sla_breached(account=acme)) == []
    clock.shift(timedelta(hours=1, minutes=1))
    assert list(tickets_sla_breached(account=acme)) == [ticket]
    assert list(tickets_sla_breach_within(account=acme, hours=2)) == []
    assert list(tickets_sla_breached(account=globex)) == []


def test_policy_conditions_decide_which_applies_first_match_wins(
    clock, acme, acme_agent, acme_user
):
    sla_policy_create(
        account=acme,
        title="Tagged VIP",
        conditions={"all": [{"field": "current_tags", "operator": "includes", "value": ["vip"]}]},
        metrics=targets(("normal", "first_reply_time", 15)),
    )
    sla_policy_create(
        account=acme,
        title="Everyone",
        conditions={},
        metrics=targets(("normal", "first_reply_time", 120)),
    )
    vip = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, priority="normal", tags="vip"
    )
    plain = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="normal")
    assert row(vip, "first_reply_time").target_minutes == 15
    assert row(plain, "first_reply_time").target_minutes == 120
