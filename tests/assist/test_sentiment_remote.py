"""Sentiment through the account's remote provider (issue 28): the lexicon scores an
end user's comment at once, then, when the account uses an OpenAI-compatible server (a
local fake one here), a task asks it and keeps its answer; a failure leaves the
lexicon's word, and the budget and the log of writing help apply."""

from __future__ import annotations

import pytest

from assist.models import AssistRequest
from tests.assist.conftest import FakeLLM, use_server
from tests.factories import make_ticket
from tickets.services import comment_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(acme, acme_user):
    return make_ticket(account=acme, submitter=acme_user, requester=acme_user, body="Hello.")


def _comment(ticket, author, body, capture):
    with capture(execute=True):
        comment = comment_add(ticket=ticket, author=author, body=body)
    comment.refresh_from_db()
    ticket.refresh_from_db()
    return comment


def test_the_remote_providers_answer_replaces_the_lexicons(
    acme, acme_user, ticket, llm, django_capture_on_commit_callbacks
):
    use_server(acme, llm)
    FakeLLM.content = "Negative."
    comment = _comment(
        ticket, acme_user, "Thanks a lot, great work.", django_capture_on_commit_callbacks
    )
    assert (comment.sentiment, ticket.sentiment) == ("negative", "negative")
    _path, _auth, payload = FakeLLM.seen[-1]
    assert payload["messages"][1]["content"] == "Thanks a lot, great work."
    logged = AssistRequest.objects.for_account(acme).get()
    assert (logged.feature, logged.state, logged.result) == ("sentiment", "done", "negative")


@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
def test_a_failing_provider_leaves_the_lexicons_word(
    acme, acme_user, ticket, llm, django_capture_on_commit_callbacks, mode
):
    use_server(acme, llm)
    FakeLLM.mode = mode
    comment = _comment(
        ticket, acme_user, "Thanks a lot, great work.", django_capture_on_commit_callbacks
    )
    assert (comment.sentiment, ticket.sentiment) == ("positive", "positive")
    assert AssistRequest.objects.for_account(acme).get().state == "failed"


def test_an_unreadable_answer_leaves_the_lexicons_word(
    acme, acme_user, ticket, llm, django_capture_on_commit_callbacks
):
    use_server(acme, llm)
    FakeLLM.content = "I think the customer is rather happy."
    comment = _comment(ticket, acme_user, "Thanks a lot.", django_capture_on_commit_callbacks)
    assert comment.sentiment == "positive"


def test_the_lexicon_is_the_default_and_agents_comments_are_not_scored(
    acme, acme_agent, acme_user, ticket, llm, django_capture_on_commit_callbacks
):
    comment = _comment(ticket, acme_user, "Terrible.", django_capture_on_commit_callbacks)
    assert comment.sentiment == "negative" and FakeLLM.seen == []
    use_server(acme, llm)
    _comment(ticket, acme_agent, "Sorry to hear that.", django_capture_on_commit_callbacks)
    assert FakeLLM.seen == []


def test_the_monthly_budget_stops_remote_scoring(
    acme, acme_user, ticket, llm, django_capture_on_commit_callbacks
):
    use_server(acme, llm, monthly_budget=1)
    FakeLLM.content = "neutral"
    first = _comment(ticket, acme_user, "Great.", django_capture_on_commit_callbacks)
    second = _comment(ticket, acme_user, "Great again.", django_capture_on_commit_callbacks)
    assert (first.sentiment, second.sentiment) == ("neutral", "positive")
    assert len(FakeLLM.seen) == 1


def test_agents_cannot_ask_for_sentiment_from_the_reply_box(
    acme, acme_agent, ticket, llm, client_for
):
    use_server(acme, llm)
    client = client_for(acme_agent)
    tools = client.get(f"/agent/tickets/{ticket.number}/assist/").content.decode()
    assert "/assist/sentiment/" not in tools
    client.post(f"/agent/tickets/{ticket.number}/assist/sentiment/", {"body": "x"})
    assert not AssistRequest.objects.for_account(acme).exists()
