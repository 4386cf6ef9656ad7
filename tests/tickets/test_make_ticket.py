"""tests.factories.make_ticket builds a ticket as the product does: a priority asked of
it is the new ticket's own, with the stored events and SLA targets the new-ticket page
gives the same ticket; an end user's ticket takes no agent's field, and the factory says
so instead of dropping it as ticket_open does."""

import pytest

from servicelevels.models import SlaTarget
from tests.factories import make_ticket
from tests.servicelevels.test_sla_tracking import urgent_policy_of
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgent_policy(acme):
    return urgent_policy_of(acme)


def _as_stored(ticket: Ticket) -> dict:
    """What the ticket holds of its priority: the field, its events, its SLA targets."""
    events = TicketEvent.objects.for_account(ticket.account).filter(ticket=ticket)
    targets = SlaTarget.objects.for_account(ticket.account).filter(ticket=ticket)
    return {
        "priority": ticket.priority,
        "events": [(e.kind, e.field, e.old_value, e.new_value) for e in events.order_by("pk")],
        "targets": sorted((t.metric, t.stage, t.target_minutes, t.policy_id) for t in targets),
    }


def test_a_priority_is_set_as_the_new_ticket_page_sets_it(
    acme, acme_agent, acme_user, agent_client, urgent_policy
):
    answer = agent_client.post(
        "/agent/tickets/new/",
        {
            "subject": "Printer on fire",
            "body": "It is on fire.",
            "comment_type": "public",
            "requester": acme_user.email,
            "priority": "urgent",
        },
    )
    assert answer.status_code == 302
    by_page = Ticket.objects.for_account(acme).order_by("-number").first()
    made = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, priority="urgent")
    made.refresh_from_db()
    assert _as_stored(made) == _as_stored(by_page)
    assert _as_stored(made)["priority"] == "urgent"
    timed = {(t[0], t[2]) for t in _as_stored(made)["targets"] if t[2] is not None}
    assert timed == {
        ("first_reply_time", 60),
        ("next_reply_time", 30),
        ("requester_wait_time", 240),
        ("resolution_time", 600),
    }


def test_an_end_users_ticket_refuses_an_agents_field_rather_than_dropping_it(acme, acme_user):
    with pytest.raises(TypeError, match="takes no priority"):
        make_ticket(account=acme, submitter=acme_user, priority="urgent")
    with pytest.raises(TypeError, match="takes no group, tags"):
        make_ticket(account=acme, submitter=acme_user, tags="vip", group=object())
    # Values ticket_open would keep anyway are no mistake.
    ticket = make_ticket(account=acme, submitter=acme_user, assignee=None, status="new")
    assert ticket.priority == "" and ticket.requester == acme_user
