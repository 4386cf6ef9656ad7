"""The request page's sidebar offers "Leave feedback" only while there is none to leave:
once the requester has rated, the thanks card (with its "Change your rating") says it."""

import pytest

from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db

LINK = 'href="#feedback">Leave feedback</a>'


@pytest.fixture
def solved(acme, acme_agent, acme_user):
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Printer on fire"
    )
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    return ticket


def test_unrated_solved_request_offers_feedback_in_the_sidebar(solved, acme_user, client_for):
    text = client_for(acme_user).get(f"/hc/requests/{solved.number}/").text
    assert LINK in text


def test_rated_request_no_longer_asks_for_feedback(solved, acme_user, client_for):
    client = client_for(acme_user)
    client.post(f"/hc/requests/{solved.number}/feedback/", {"rating": "good", "comment": "Quick!"})
    text = client.get(f"/hc/requests/{solved.number}/").text
    assert "Thank you for your feedback." in text
    assert "Change your rating" in text
    assert LINK not in text
