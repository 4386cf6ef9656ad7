"""Escalations in the API (seed 004): a Sportello-specific object on the ticket, agents
only, through the same services as the ticket page."""

import pytest

from tests.factories import AgentGroupFactory, make_ticket


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="API")


def post(client, path, data):
    return client.post(path, data)


def test_an_agent_escalates_lists_and_moves_an_escalation(agent_api, ticket, acme):
    group = AgentGroupFactory(account=acme, name="Engineering")
    path = f"/api/v2/tickets/{ticket.number}/escalations.json"
    created = post(
        agent_api,
        path,
        {
            "escalation": {
                "description": "Needs a patch",
                "group_id": group.number,
                "estimated_resolution": "2030-03-04",
            }
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()["escalation"]
    assert body["id"] == 1 and body["ticket_id"] == ticket.number
    assert body["stage"] == "Submitted" and body["status"] == "open"
    assert body["group_id"] == group.number and body["description"] == "Needs a patch"
    assert body["estimated_resolution"] == "2030-03-04"
    stages = agent_api.get("/api/v2/escalation_stages.json").json()["escalation_stages"]
    assert [s["name"] for s in stages][-1] == "Resolved"
    moved = agent_api.put(
        f"/api/v2/tickets/{ticket.number}/escalations/1.json",
        {"escalation": {"stage_id": stages[-1]["id"], "estimated_resolution": None}},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["escalation"]["status"] == "resolved"
    assert moved.json()["escalation"]["estimated_resolution"] is None
    listed = agent_api.get(path).json()["escalations"]
    assert [len(e["history"]) for e in listed] == [2]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"escalation": "x"},
        {"escalation": {"description": ""}},
        {"escalation": {"description": 5}},
        {"escalation": {"description": "x", "group_id": 999}},
        {"escalation": {"description": "x", "group_id": True}},
        {"escalation": {"description": "x", "estimated_resolution": "soon"}},
    ],
)
def test_bad_input_is_a_400(agent_api, ticket, data):
    answer = post(agent_api, f"/api/v2/tickets/{ticket.number}/escalations.json", data)
    assert answer.status_code in (400, 422), answer.content


def test_a_second_open_escalation_is_refused(agent_api, ticket):
    path = f"/api/v2/tickets/{ticket.number}/escalations.json"
    assert post(agent_api, path, {"escalation": {"description": "a"}}).status_code == 201
    assert post(agent_api, path, {"escalation": {"description": "b"}}).status_code in (400, 422)


def test_end_users_get_no_escalation_from_the_api(agent_api, user_api, ticket):
    path = f"/api/v2/tickets/{ticket.number}/escalations.json"
    post(agent_api, path, {"escalation": {"description": "secret words"}})
    assert user_api.get(path).status_code in (403, 404)
    assert user_api.get(f"/api/v2/tickets/{ticket.number}/escalations/1.json").status_code in (
        403,
        404,
    )
    assert b"secret words" not in user_api.get(f"/api/v2/requests/{ticket.number}.json").content
