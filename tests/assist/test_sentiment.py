"""The sentiment marker (issue 28): the built-in lexicon scorer in English, Italian and
Spanish, kept on end users' comments and on the ticket, shown to agents only, usable in
views (a condition and a column) and in triggers."""

from __future__ import annotations

import pytest

from notifications.services import trigger_create
from tests.factories import make_ticket
from tickets.sentiment import sentiment_of
from tickets.services import comment_add
from tickets.services.saved_views import view_create


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("en", "Thanks, that works perfectly!", "positive"),
        ("en", "It is still not working and I am frustrated.", "negative"),
        ("en", "I need the invoice for March.", "neutral"),
        ("en", "Not bad at all.", "positive"),
        ("it", "Grazie mille, ora funziona!", "positive"),
        ("it", "Il servizio è pessimo, non funziona niente.", "negative"),
        ("it", "Vorrei la fattura di marzo.", "neutral"),
        ("es", "Muchas gracias, excelente atención.", "positive"),
        ("es", "Es inaceptable, el producto llegó roto.", "negative"),
        ("es", "El pedido no funciona.", "negative"),
        ("es", "Necesito la factura de marzo.", "neutral"),
    ],
)
def test_the_lexicon_scorer(locale, text, expected):
    assert sentiment_of(text, locale) == expected


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_end_users_comments_carry_it_and_the_ticket_the_latest(acme, acme_user, acme_agent):
    ticket = make_ticket(
        account=acme, submitter=acme_user, requester=acme_user, body="This is unacceptable!"
    )
    ticket.refresh_from_db()
    assert ticket.sentiment == "negative"
    comment_add(ticket=ticket, author=acme_agent, body="Terrible news, sorry: it is broken.")
    ticket.refresh_from_db()
    assert ticket.sentiment == "negative"  # an agent's words are not the customer's mood
    comment = comment_add(ticket=ticket, author=acme_user, body="Thanks, it works now!")
    ticket.refresh_from_db()
    assert (comment.sentiment, ticket.sentiment) == ("positive", "positive")


@pytestmark_db
def test_agents_see_the_marker_end_users_do_not(acme, acme_user, acme_agent, client_for):
    ticket = make_ticket(
        account=acme, submitter=acme_user, requester=acme_user, body="Awful service, I am angry."
    )
    agent_page = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").text
    assert 'class="sentiment sentiment-negative"' in agent_page
    request_page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").text
    assert "sentiment-negative" not in request_page and "Negative" not in request_page


@pytestmark_db
def test_a_view_filters_and_shows_it(acme, acme_admin, acme_user, acme_agent, client_for):
    make_ticket(
        account=acme,
        submitter=acme_user,
        requester=acme_user,
        subject="Angry one",
        body="This is horrible and useless.",
    )
    make_ticket(
        account=acme,
        submitter=acme_user,
        requester=acme_user,
        subject="Happy one",
        body="Great, thank you!",
    )
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Unhappy customers",
        conditions={"all": [{"field": "sentiment", "operator": "is", "value": "negative"}]},
        columns=["number", "subject", "sentiment"],
    )
    page = client_for(acme_agent).get(f"/agent/views/{view.number}/").text
    assert "Angry one" in page and "Happy one" not in page
    assert "Sentiment" in page and "Negative" in page
    italian = (
        client_for(acme_agent)
        .get(f"/agent/views/{view.number}/", headers={"accept-language": "it"})
        .text
    )
    assert "Negativo" in italian


@pytestmark_db
def test_a_trigger_acts_on_it_in_the_same_update(acme, acme_user, acme_agent):
    trigger_create(
        account=acme,
        name="Angry mail first",
        conditions=[{"field": "sentiment", "operator": "is", "value": "negative"}],
        actions=[{"action": "set_priority", "value": "urgent"}],
    )
    calm = make_ticket(account=acme, submitter=acme_user, requester=acme_user, body="Hello.")
    calm.refresh_from_db()
    assert calm.priority != "urgent"
    comment_add(ticket=calm, author=acme_user, body="Still broken. I am furious.")
    calm.refresh_from_db()
    assert (calm.sentiment, calm.priority) == ("negative", "urgent")


@pytestmark_db
def test_a_new_ticket_scores_its_first_comment_once(acme, acme_user, monkeypatch):
    from tickets.services import common

    calls = []

    def counting(text, locale="en"):
        calls.append(text)
        return sentiment_of(text, locale)

    monkeypatch.setattr(common, "sentiment_of", counting)
    ticket = make_ticket(
        account=acme, submitter=acme_user, requester=acme_user, body="This is unacceptable!"
    )
    assert len(calls) == 1
    assert ticket.comments.get().sentiment == "negative"
