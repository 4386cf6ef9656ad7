"""Zendesk's collision protection on PUT /tickets/{id}: ``safe_update`` with
``updated_stamp`` answers 409 when the ticket changed since, and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import AgentFactory, make_ticket
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    # Read a minute ago: the API's stamps are whole seconds, so a change within the
    # same second as the read cannot be told from it (as at Zendesk).
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=1)
    )
    ticket.refresh_from_db()
    return ticket


def _stamp(agent_api, ticket) -> str:
    return agent_api.get(f"tickets/{ticket.number}.json").json()["ticket"]["updated_at"]


@pytest.mark.parametrize(
    "colleague_change",
    [{"priority": "urgent"}, {"status": "pending"}, {"type": "problem"}, {"tags": "vip"}],
)
def test_safe_update_after_a_colleagues_change_is_a_conflict(
    agent_api, acme, ticket, colleague_change
):
    stamp = _stamp(agent_api, ticket)
    ticket_update(ticket=ticket, actor=AgentFactory(account=acme), **colleague_change)
    body = {
        "ticket": {
            "priority": "low",
            "comment": {"body": "Mine"},
            "safe_update": True,
            "updated_stamp": stamp,
        }
    }
    response = agent_api.put(f"tickets/{ticket.number}.json", body)
    assert response.status_code == 409
    assert response.json()["error"] == "UpdateConflict"
    ticket.refresh_from_db()
    assert ticket.priority != "low" or colleague_change.get("priority") == "low"
    assert not ticket.comments.filter(body="Mine").exists()


def test_safe_update_after_a_colleagues_comment_is_a_conflict(agent_api, acme, ticket):
    stamp = _stamp(agent_api, ticket)
    comment_add(ticket=ticket, author=AgentFactory(account=acme), body="Done already")
    body = {"ticket": {"status": "solved", "safe_update": "true", "updated_stamp": stamp}}
    assert agent_api.put(f"tickets/{ticket.number}.json", body).status_code == 409


def test_safe_update_with_the_current_stamp_goes_through(agent_api, ticket):
    body = {
        "ticket": {
            "priority": "high",
            "safe_update": True,
            "updated_stamp": _stamp(agent_api, ticket),
        }
    }
    response = agent_api.put(f"tickets/{ticket.number}.json", body)
    assert response.status_code == 200, response.json()
    assert response.json()["ticket"]["priority"] == "high"


def test_an_update_without_safe_update_is_not_checked(agent_api, ticket):
    body = {"ticket": {"priority": "high", "updated_stamp": "2019-09-12T21:45:16Z"}}
    assert agent_api.put(f"tickets/{ticket.number}.json", body).status_code == 200


def test_safe_update_without_a_stamp_is_record_invalid(agent_api, ticket):
    body = {"ticket": {"priority": "high", "safe_update": True}}
    response = agent_api.put(f"tickets/{ticket.number}.json", body)
    assert response.status_code == 422
    assert "updated_stamp" in response.json()["details"]
