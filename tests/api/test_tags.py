"""/api/v2/tags.json and /api/v2/tickets/{id}/tags.json: Zendesk's Tags API, each change
made through ticket_update (recorded in the history, triggers run)."""

from __future__ import annotations

import pytest

from notifications.services import trigger_create
from tests.api.zendesk import assert_matches, example
from tests.factories import make_ticket
from tickets.models import TicketEvent
from tickets.selectors import tickets_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(acme, acme_agent):
    return make_ticket(account=acme, submitter=acme_agent, tags="printer")


def _tags_of(agent, ticket) -> list[str]:
    return tickets_visible_to(viewer=agent).get(pk=ticket.pk).tags.split()


def test_list_a_tickets_tags(agent_api, ticket):
    response = agent_api.get(f"tickets/{ticket.number}/tags.json")
    assert response.status_code == 200
    assert_matches(response.json(), "TagsByObjectIdResponse")
    assert response.json() == {"tags": ["printer"]}


def test_post_sets_put_adds_delete_removes_with_zendesks_example_body(
    agent_api, ticket, acme_agent
):
    body = example("TagsByObjectIdResponse")  # {"tags": ["urgent", "printer", "fire"]}
    url = f"tickets/{ticket.number}/tags.json"

    put = agent_api.put(url, {"tags": ["Urgent", "fire"]})
    assert put.status_code == 200
    assert_matches(put.json(), "TagsByObjectIdResponse")
    assert put.json()["tags"] == ["fire", "printer", "urgent"]

    posted = agent_api.post(url, {"tags": ["billing"]})
    assert posted.status_code == 201 and posted.json() == {"tags": ["billing"]}

    posted = agent_api.post(url, body)
    assert sorted(posted.json()["tags"]) == sorted(body["tags"])

    deleted = agent_api.delete(url, {"tags": ["fire", "nonexistent"]}, format="json")
    assert deleted.status_code == 204
    assert _tags_of(acme_agent, ticket) == ["printer", "urgent"]


def test_a_tag_change_is_recorded_in_the_history_and_the_audits(agent_api, ticket):
    agent_api.put(f"tickets/{ticket.number}/tags.json", {"tags": ["vip"]})

    event = TicketEvent.objects.for_account(ticket.account).filter(ticket=ticket).last()
    assert (event.field, event.old_value, event.new_value) == ("tags", "printer", "printer vip")
    audits = agent_api.get(f"tickets/{ticket.number}/audits.json").json()["audits"]
    # (any emails the change set made follow it as Notification events)
    change = [e for e in audits[-1]["events"] if e["type"] == "Change"][-1]
    assert (change["field_name"], change["value"]) == ("tags", ["printer", "vip"])
    assert change["via"]["channel"] == "api"


def test_a_tag_change_fires_triggers_like_any_update(agent_api, acme, ticket):
    trigger_create(
        account=acme,
        name="VIP is urgent",
        conditions=[{"field": "tags", "operator": "includes", "value": "vip"}],
        actions=[{"action": "set_priority", "value": "urgent"}],
    )
    agent_api.put(f"tickets/{ticket.number}/tags.json", {"tags": ["vip"]})
    shown = agent_api.get(f"tickets/{ticket.number}.json").json()["ticket"]
    assert shown["priority"] == "urgent"


def test_safe_update_with_a_stale_stamp_is_a_conflict(agent_api, ticket, acme_agent):
    url = f"tickets/{ticket.number}/tags.json"
    stale = {"tags": ["x"], "safe_update": "true", "updated_stamp": "2019-09-12T21:45:16Z"}
    response = agent_api.put(url, stale)
    assert response.status_code == 409
    assert _tags_of(acme_agent, ticket) == ["printer"]

    stamp = agent_api.get(f"tickets/{ticket.number}.json").json()["ticket"]["updated_at"]
    fresh = {"tags": ["x"], "safe_update": "true", "updated_stamp": stamp}
    assert agent_api.put(url, fresh).status_code == 200


def test_bad_tag_bodies_are_record_invalid(agent_api, ticket):
    url = f"tickets/{ticket.number}/tags.json"
    for body in ({}, {"tags": 5}, {"tags": [1, 2]}, {"tags": ["a"], "safe_update": "true"}):
        response = agent_api.put(url, body)
        assert response.status_code == 422, body
        assert response.json()["error"] == "RecordInvalid"


def test_a_closed_ticket_refuses_tag_changes(agent_api, ticket, acme_agent):
    from tickets.services import ticket_update

    ticket_update(ticket=ticket, actor=acme_agent, status="closed")
    response = agent_api.put(f"tickets/{ticket.number}/tags.json", {"tags": ["late"]})
    assert response.status_code in (403, 422)
    assert _tags_of(acme_agent, ticket) == ["printer"]


def test_account_tags_with_counts_most_used_first(agent_api, acme, acme_agent, globex):
    make_ticket(account=acme, submitter=acme_agent, tags="printer fire")
    make_ticket(account=acme, submitter=acme_agent, tags="printer")
    make_ticket(account=globex, tags="globex-secret printer")

    response = agent_api.get("tags.json")

    assert response.status_code == 200
    assert_matches(response.json(), "TagsResponse")
    body = response.json()
    assert body["tags"] == [{"name": "printer", "count": 2}, {"name": "fire", "count": 1}]
    assert body["count"] == 2 and body["next_page"] is None
    page = agent_api.get("tags.json", {"per_page": 1}).json()
    assert page["tags"] == [{"name": "printer", "count": 2}]
    assert agent_api.get(page["next_page"]).json()["tags"] == [{"name": "fire", "count": 1}]


def test_end_users_are_refused_tags(user_api, ticket, acme_agent):
    assert user_api.get("tags.json").status_code == 403
    for method in ("get", "put", "post", "delete"):
        response = getattr(user_api, method)(f"tickets/{ticket.number}/tags.json")
        assert response.status_code == 403, method
    assert _tags_of(acme_agent, ticket) == ["printer"]


def test_another_accounts_ticket_tags_are_not_found(api_for, globex_agent, ticket, acme_agent):
    globex_api = api_for(globex_agent)
    url = f"tickets/{ticket.number}/tags.json"
    assert globex_api.get(url).status_code == 404
    assert globex_api.put(url, {"tags": ["x"]}).status_code == 404
    assert globex_api.delete(url, {"tags": ["printer"]}, format="json").status_code == 404
    assert _tags_of(acme_agent, ticket) == ["printer"]
    assert globex_api.get("tags.json").json()["tags"] == []


def test_openapi_description_lists_audits_and_tags(api_for, acme):
    paths = api_for(account=acme).get("openapi.json").json()["paths"]
    assert set(paths["/tickets/{id}/audits.json"]) == {"get"}
    assert set(paths["/tickets/{id}/audits/{audit_id}.json"]) == {"get"}
    assert set(paths["/tags.json"]) == {"get"}
    assert set(paths["/tickets/{id}/tags.json"]) == {"get", "post", "put", "delete"}
