"""Links (related, duplicate, problem and incidents) and splitting, through the services and
the ticket page; the ticket page's query count does not grow with its links."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EndUserFactory, make_ticket
from ticketlinks.models import TicketLink
from ticketlinks.services import (
    problem_solve_incidents,
    ticket_link_add,
    ticket_link_remove,
    ticket_split,
)
from tickets.models import Ticket
from tickets.services import NotAllowed, comment_add, ticket_update

pytestmark = pytest.mark.django_db


def _reload(ticket):
    return Ticket.objects.for_account(ticket.account).get(pk=ticket.pk)


@pytest.fixture
def two(acme, acme_user):
    return (
        make_ticket(account=acme, submitter=acme_user, subject="Alpha"),
        make_ticket(account=acme, submitter=acme_user, subject="Beta"),
    )


def test_related_link_shown_on_both_tickets_and_removable_from_either(
    two, acme_agent, agent_client
):
    a, b = two
    answer = agent_client.post(
        f"/agent/tickets/{a.number}/links/", {"kind": "related", "other": b.number}
    )
    assert answer.status_code == 302
    assert f"#{b.number} Beta" in agent_client.get(f"/agent/tickets/{a.number}/").content.decode()
    assert f"#{a.number} Alpha" in agent_client.get(f"/agent/tickets/{b.number}/").content.decode()
    agent_client.post(
        f"/agent/tickets/{b.number}/links/remove/", {"kind": "related", "other": a.number}
    )
    assert not TicketLink.objects.for_account(a.account).exists()


def test_duplicate_reads_both_ways_and_is_in_both_activities(two, acme_agent, agent_client):
    a, b = two
    ticket_link_add(ticket=a, other=b, kind="duplicate", actor=acme_agent)
    assert "Duplicate of" in agent_client.get(f"/agent/tickets/{a.number}/").content.decode()
    assert "Has duplicate" in agent_client.get(f"/agent/tickets/{b.number}/").content.decode()
    assert a.events.filter(field="duplicate_of", new_value=f"#{b.number}").exists()
    assert b.events.filter(field="duplicates", new_value=f"#{a.number}").exists()


def test_links_refused_to_itself_twice_and_to_unknown_tickets(two, acme_agent, agent_client):
    a, b = two
    with pytest.raises(NotAllowed):
        ticket_link_add(ticket=a, other=a, kind="related", actor=acme_agent)
    ticket_link_add(ticket=a, other=b, kind="related", actor=acme_agent)
    with pytest.raises(NotAllowed):
        ticket_link_add(ticket=b, other=a, kind="related", actor=acme_agent)
    with pytest.raises(NotAllowed):
        ticket_link_remove(ticket=a, other=b, kind="duplicate", actor=acme_agent)
    answer = agent_client.post(
        f"/agent/tickets/{a.number}/links/", {"kind": "related", "other": 999999}
    )
    assert answer.status_code == 302
    answer = agent_client.post(f"/agent/tickets/{a.number}/links/", {"kind": "x", "other": "y"})
    assert answer.status_code == 302
    assert TicketLink.objects.for_account(a.account).count() == 1


def test_incident_needs_a_problem_and_becomes_an_incident(two, acme_agent):
    incident, problem = two
    with pytest.raises(NotAllowed):
        ticket_link_add(ticket=incident, other=problem, kind="incident", actor=acme_agent)
    ticket_update(ticket=problem, actor=acme_agent, type=Ticket.Type.PROBLEM)
    ticket_link_add(ticket=incident, other=_reload(problem), kind="incident", actor=acme_agent)
    assert _reload(incident).type == Ticket.Type.INCIDENT
    third = make_ticket(account=incident.account, subject="Other problem", type="problem")
    with pytest.raises(NotAllowed):  # one problem per incident
        ticket_link_add(ticket=incident, other=third, kind="incident", actor=acme_agent)


def test_solving_a_problem_solves_its_incidents_with_one_reply_each(
    acme, acme_agent, acme_user, agent_client
):
    acme.private_tickets_enabled = True
    acme.save()
    problem = make_ticket(account=acme, subject="Outage", type="problem")
    public = make_ticket(account=acme, submitter=acme_user, subject="Down for me")
    private = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, body="x", public=False
    )
    for incident in (public, private):
        ticket_link_add(ticket=incident, other=problem, kind="incident", actor=acme_agent)
    page = agent_client.get(f"/agent/tickets/{problem.number}/").content.decode()
    assert "2 linked incidents are not solved." in page
    agent_client.post(
        f"/agent/tickets/{problem.number}/incidents/solve/", {"body": "Fixed: try again."}
    )
    public, private = _reload(public), _reload(private)
    assert public.status == private.status == Ticket.Status.SOLVED
    assert public.comments.filter(body="Fixed: try again.", public=True).count() == 1
    # A reply for many tickets never makes a private one public.
    assert private.is_private
    assert private.comments.filter(body="Fixed: try again.", public=False).count() == 1


def test_only_a_problem_solves_incidents(two, acme_agent):
    with pytest.raises(NotAllowed):
        problem_solve_incidents(problem=two[0], actor=acme_agent, body="x")


def test_split_a_comment_and_the_later_ones_for_the_same_requester(
    acme, acme_agent, acme_user, agent_client
):
    ticket = make_ticket(account=acme, submitter=acme_user, body="first question")
    comment_add(ticket=ticket, author=acme_user, body="another topic", public=True)
    comment_add(ticket=ticket, author=acme_agent, body="answer on it", public=True)
    answer = agent_client.post(
        f"/agent/tickets/{ticket.number}/split/",
        {"comment": 2, "with_later": "on", "subject": "Another topic"},
    )
    assert answer.status_code == 302
    new = Ticket.objects.for_account(acme).get(subject="Another topic")
    assert new.requester == acme_user
    bodies = list(new.comments.order_by("created_at", "id").values_list("body", "public"))
    assert bodies == [("another topic", True), ("answer on it", True)]
    assert new.comments.order_by("created_at").first().author == acme_user
    link = TicketLink.objects.for_account(acme).get(kind="split")
    assert (link.ticket, link.other) == (new, ticket)
    assert ticket.comments.count() == 3  # the original keeps its conversation


def test_split_for_another_requester_copies_as_internal_notes(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_user, body="first question")
    extra = comment_add(ticket=ticket, author=acme_user, body="my address is 3 Via Roma")
    stranger = EndUserFactory(account=acme)
    new = ticket_split(
        ticket=ticket, comments=[extra], actor=acme_agent, subject="Other", requester=stranger
    )
    assert not new.comments.filter(public=True).exists()


def test_split_page_bad_input_is_a_message(acme, acme_user, agent_client):
    ticket = make_ticket(account=acme, submitter=acme_user)
    for data in ({}, {"comment": 9, "subject": "x"}, {"comment": "a", "subject": ""}):
        answer = agent_client.post(f"/agent/tickets/{ticket.number}/split/", data)
        assert answer.status_code == 400
    assert Ticket.objects.for_account(acme).count() == 1
    assert agent_client.get(f"/agent/tickets/{ticket.number}/split/").status_code == 200


def test_ticket_page_query_count_does_not_grow_with_links(acme, acme_agent, agent_client):
    ticket = make_ticket(account=acme, subject="Hub", type="problem")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert agent_client.get(f"/agent/tickets/{ticket.number}/").status_code == 200
        return len(ctx.captured_queries)

    agent_client.get(f"/agent/tickets/{ticket.number}/")  # warm the per-process caches
    baseline = queries()
    for kind in ("related", "duplicate", "incident", "related", "incident"):
        other = make_ticket(account=acme, subject=f"Spoke {kind}")
        ticket_link_add(ticket=other, other=ticket, kind=kind, actor=acme_agent)
    assert queries() == baseline
