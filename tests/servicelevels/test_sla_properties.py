"""Property: the SLA state kept event by event (the signal's incremental path) equals the
state computed from scratch from the ticket's stored history, over random sequences of
replies, notes, status and priority changes, in calendar and business hours."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicelevels import clocks
from servicelevels.models import SlaTarget, TicketSla
from servicelevels.policies import sla_policy_create
from servicelevels.services import schedule_create
from servicelevels.tracking import clocks_from_history, measured
from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import NotAllowed, comment_add, ticket_update

T0 = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)  # a Friday, two days before Rome's DST change
STATUSES = ["open", "pending", "hold", "solved", "closed"]
PRIORITIES = ["low", "normal", "high", "urgent"]

action = st.one_of(
    st.tuples(st.just("agent_reply"), st.booleans()),
    st.tuples(st.just("requester_reply"), st.just(True)),
    st.tuples(st.just("status"), st.sampled_from(STATUSES)),
    st.tuples(st.just("priority"), st.sampled_from(PRIORITIES)),
)
steps = st.lists(st.tuples(action, st.integers(min_value=0, max_value=60 * 20)), max_size=12)


@pytest.fixture
def policies(acme):
    schedule_create(
        account=acme, name="Rome", time_zone="Europe/Rome", weekly=[[(540, 1080)]] * 5 + [[], []]
    )
    metrics = [
        {"priority": p, "metric": m, "target": 30 + 45 * i, "business_hours": (i + j) % 2 == 0}
        for i, m in enumerate(clocks.METRICS)
        for j, p in enumerate(PRIORITIES[1:])
    ]
    return sla_policy_create(account=acme, title="All", conditions={}, metrics=metrics)


def _stored(ticket):
    return {
        r.metric: (
            r.stage,
            r.running_since,
            [tuple(s) for s in r.spans],
            r.fulfilled_at,
            r.target_minutes,
            r.breach_at,
        )
        for r in SlaTarget.objects.for_account(ticket.account).filter(ticket=ticket)
    }


def _from_scratch(ticket, policy):
    state = clocks_from_history(ticket)
    targets = measured(state, policy, ticket)
    return {
        m: (
            state[m].stage,
            state[m].running_since,
            [(a.isoformat(), b.isoformat()) for a, b in state[m].spans],
            state[m].fulfilled_at,
            targets[m].minutes if targets[m] else None,
            targets[m].breach_at if targets[m] else None,
        )
        for m in clocks.METRICS
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.sampled_from(PRIORITIES), sequence=steps)
def test_incremental_state_equals_state_from_scratch(
    acme, acme_agent, acme_user, policies, first, sequence
):
    with time_machine.travel(T0, tick=False) as clock:
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, priority=first
        )
        for (kind, value), minutes in sequence:
            clock.shift(timedelta(minutes=minutes))
            try:
                if kind == "agent_reply":
                    comment_add(ticket=ticket, author=acme_agent, body="Reply", public=value)
                elif kind == "requester_reply":
                    comment_add(ticket=ticket, author=acme_user, body="Answer")
                else:
                    ticket_update(ticket=ticket, actor=acme_agent, **{kind: value})
            except NotAllowed:
                pass  # closed is final
        ticket = Ticket.objects.for_account(acme).get(pk=ticket.pk)
        stored = _stored(ticket)
        summary = TicketSla.objects.for_account(acme).filter(ticket=ticket).first()
        if ticket.priority == "low":
            # The policy sets no target for low: not measured, no breach anywhere.
            assert summary is None or (summary.policy_id, summary.next_breach_at) == (None, None)
            assert all(row[4:] == (None, None) for row in stored.values())
            return
        assert stored == _from_scratch(ticket, policies)
        running = [row[5] for row in stored.values() if row[0] == "active" and row[5]]
        assert summary.next_breach_at == (min(running) if running else None)
