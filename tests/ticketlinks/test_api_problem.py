"""The API's ticket JSON carries Zendesk's problem_id (the incident's problem, by number)
and has_incidents (a problem with linked incidents), read in the list's one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_ticket
from ticketlinks.services import ticket_link_add
from tickets.models import Ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def test_problem_id_and_has_incidents(acme, acme_agent, acme_user, api_for):
    problem = make_ticket(account=acme, submitter=acme_user, subject="Outage")
    problem = ticket_update(ticket=problem, actor=acme_agent, type=Ticket.Type.PROBLEM).ticket
    incident = make_ticket(account=acme, submitter=acme_user, subject="Down for me")
    plain = make_ticket(account=acme, submitter=acme_user, subject="Unrelated")
    api = api_for(acme_agent)

    def shown():
        tickets = api.get("tickets.json").json()["tickets"]
        return {t["id"]: (t["problem_id"], t["has_incidents"]) for t in tickets}

    assert shown()[problem.number] == (None, False)
    with CaptureQueriesContext(connection) as before:
        shown()
    ticket_link_add(
        ticket=incident,
        other=Ticket.objects.for_account(acme).get(pk=problem.pk),
        kind="incident",
        actor=acme_agent,
    )
    with CaptureQueriesContext(connection) as after:
        answer = shown()
    assert answer[problem.number] == (None, True)
    assert answer[incident.number] == (problem.number, False)
    assert answer[plain.number] == (None, False)
    one = api.get(f"tickets/{incident.number}.json").json()["ticket"]
    assert one["problem_id"] == problem.number
    # The links are read in the list's own query: no query per ticket.
    assert len(after) == len(before)
