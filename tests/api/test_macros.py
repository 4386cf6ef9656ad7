"""/api/v2/macros…: Zendesk's shapes, who may list, create, change and apply which macro,
and apply.json answering without saving."""

from __future__ import annotations

import pytest

from macros.models import Macro, MacroApplication
from macros.services import macro_create
from tests.api.zendesk import assert_matches
from tests.factories import AgentFactory, make_ticket
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

ACTIONS = [
    {"field": "status", "value": "solved"},
    {"field": "assignee_id", "value": "current_user"},
    {"field": "current_tags", "value": "answered"},
    {"field": "comment_value", "value": "Thanks {{ticket.requester.first_name}}!"},
]


@pytest.fixture
def shared(acme, acme_admin):
    return macro_create(account=acme, actor=acme_admin, title="Close and thank", actions=ACTIONS)


def test_list_active_and_show_answer_zendesks_shapes(agent_api, shared):
    listed = agent_api.get("macros.json").json()
    assert_matches(listed, "MacrosResponse")
    assert [m["id"] for m in listed["macros"]] == [shared.number]
    assert listed["macros"][0]["usage_7d"] == 0
    assert_matches(agent_api.get("macros/active.json").json(), "MacrosResponse")
    shown = agent_api.get(f"macros/{shared.number}.json").json()
    assert_matches(shown, "MacroResponse")
    assert shown["macro"]["actions"] == ACTIONS


def test_admin_creates_updates_and_deletes_a_shared_macro(api_for, acme, acme_admin):
    api = api_for(acme_admin)
    created = api.post("macros.json", {"macro": {"title": "Hello", "actions": ACTIONS}})
    assert created.status_code == 201, created.json()
    number = created.json()["macro"]["id"]
    updated = api.put(f"macros/{number}.json", {"macro": {"title": "Hi", "active": False}})
    assert updated.json()["macro"]["title"] == "Hi" and not updated.json()["macro"]["active"]
    assert api.delete(f"macros/{number}.json").status_code == 204
    assert not Macro.objects.for_account(acme).filter(number=number).exists()


def test_agents_create_personal_macros_only(agent_api, acme_agent, shared):
    refused = agent_api.post("macros.json", {"macro": {"title": "Shared?", "actions": []}})
    assert refused.status_code == 403
    personal = agent_api.post(
        "macros.json",
        {
            "macro": {
                "title": "Mine",
                "actions": [],
                "restriction": {"type": "User", "id": acme_agent.number},
            }
        },
    )
    assert personal.status_code == 201
    assert personal.json()["macro"]["restriction"] == {"type": "User", "id": acme_agent.number}
    assert (
        agent_api.put(f"macros/{shared.number}.json", {"macro": {"title": "x"}}).status_code == 403
    )


def test_unknown_action_is_a_422_with_a_message(api_for, acme_admin):
    response = api_for(acme_admin).post(
        "macros.json", {"macro": {"title": "Bad", "actions": [{"field": "nope", "value": 1}]}}
    )
    assert response.status_code == 422
    assert "Unknown action: nope." in str(response.json())


def test_a_colleagues_personal_macro_is_not_found(api_for, acme, acme_agent):
    other = AgentFactory(account=acme)
    theirs = macro_create(account=acme, actor=other, title="Theirs", actions=[], shared=False)
    assert api_for(acme_agent).get(f"macros/{theirs.number}.json").status_code == 404


def test_apply_returns_the_result_without_saving(agent_api, acme, acme_agent, acme_user, shared):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    before = TicketEvent.objects.for_account(acme).count()
    body = agent_api.get(f"tickets/{ticket.number}/macros/{shared.number}/apply.json").json()
    assert_matches(body, "MacroApplyTicketResponse")
    result = body["result"]["ticket"]
    assert result["status"] == "solved"
    assert result["assignee_id"] == acme_agent.number
    assert result["comment"]["body"] == "Thanks Uma!"
    assert result["tags"] == ["answered"]
    assert TicketEvent.objects.for_account(acme).count() == before
    assert not MacroApplication.objects.for_account(acme).exists()


def test_apply_on_a_private_ticket_answers_an_internal_comment(
    agent_api, private_enabled, acme_agent, acme_user, acme_admin
):
    macro = macro_create(
        account=private_enabled,
        actor=acme_admin,
        title="Public answer",
        actions=[
            {"field": "comment_mode_is_public", "value": True},
            {"field": "comment_value", "value": "Hello"},
        ],
    )
    ticket = make_ticket(
        account=private_enabled, submitter=acme_agent, requester=acme_user, public=False
    )
    body = agent_api.get(f"tickets/{ticket.number}/macros/{macro.number}/apply.json").json()
    assert body["result"]["ticket"]["comment"]["public"] is False


def test_end_users_and_other_accounts_get_nothing(api_for, user_api, globex_agent, shared):
    assert user_api.get("macros.json").status_code == 403
    assert api_for(globex_agent).get(f"macros/{shared.number}.json").status_code == 404


def test_the_macros_api_does_not_accept_session_cookies(client_for, acme_admin):
    """Exempt from CSRF as the whole API is: a session cookie must not authenticate."""
    response = client_for(acme_admin).post(
        "/api/v2/macros.json",
        {"macro": {"title": "csrf", "actions": []}},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
