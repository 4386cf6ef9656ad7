"""The demo's service level policy (servicelevels/demo.py): tickets whose history
predates any policy are measured from that history exactly as tracking measures a
ticket living the same history under the policy, so the reports' SLA table on the demo
shows what the policy would have shown."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from servicelevels.demo import TARGETS, TITLE, seed_demo_policy
from servicelevels.models import SlaPolicy, SlaTarget
from tests.factories import make_ticket
from tickets.services import comment_add, ticket_update

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIELDS = ("stage", "fulfilled_at", "target_minutes", "breach_at", "spans")


def _live_a_history(acme, agent, user, priority):
    """Created at T0, answered after 30 minutes, solved after five hours."""
    with time_machine.travel(T0, tick=False) as clock:
        ticket = make_ticket(account=acme, submitter=user, requester=user)
        ticket_update(ticket=ticket, actor=agent, priority=priority)
        clock.move_to(T0 + timedelta(minutes=30))
        comment_add(ticket=ticket, author=agent, body="On it.")
        clock.move_to(T0 + timedelta(hours=5))
        ticket_update(ticket=ticket, actor=agent, status="solved")
    return ticket


def _rows(ticket):
    return {
        row.metric: tuple(getattr(row, f) for f in FIELDS)
        for row in SlaTarget.objects.for_account(ticket.account).filter(ticket=ticket)
    }


@pytest.mark.parametrize("priority", ["urgent", "low"])
def test_history_is_measured_as_tracking_would_have(acme, acme_agent, acme_user, priority):
    before = _live_a_history(acme, acme_agent, acme_user, priority)
    assert not _rows(before)  # no policy yet: nothing measured
    assert seed_demo_policy(acme) == 1
    first_reply, resolution = TARGETS[priority]
    measured = _rows(before)
    assert measured["first_reply_time"][:4] == (
        "achieved",
        T0 + timedelta(minutes=30),
        first_reply,
        T0 + timedelta(minutes=first_reply),
    )
    assert measured["resolution_time"][2] == resolution
    # The same history lived under the policy, measured change by change.
    after = _live_a_history(acme, acme_agent, acme_user, priority)
    assert _rows(after) == measured


def test_the_policy_is_made_once_and_untracked_tickets_stay_so(acme, acme_agent, acme_user):
    no_priority = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    assert seed_demo_policy(acme) == 0  # nothing with a priority to measure
    assert seed_demo_policy(acme) == 0
    assert list(SlaPolicy.objects.for_account(acme).values_list("title", flat=True)) == [TITLE]
    assert not _rows(no_priority)
