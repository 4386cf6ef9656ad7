"""/api/v2/views…: Zendesk's shapes, ids as per-account numbers, writes for those the
services allow, a clear 422 for a bad condition."""

from __future__ import annotations

import pytest

from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets.models import View
from tickets.services.saved_views import view_create


@pytest.fixture
def billing(acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Billing")
    group.memberships.create(account=acme, user=acme_agent)
    return group


URGENT_BILLING = {
    "title": "Urgent billing",
    "all": [
        {"field": "status", "operator": "less_than", "value": "solved"},
        {"field": "group_id", "operator": "is", "value": None},  # replaced per test
    ],
    "any": [
        {"field": "priority", "operator": "is", "value": "urgent"},
        {"field": "priority", "operator": "is", "value": "high"},
    ],
    "output": {
        "columns": ["status", "subject", "priority"],
        "sort_by": "created",
        "sort_order": "asc",
    },
}


def urgent_billing(group) -> dict:
    body = {**URGENT_BILLING, "all": [URGENT_BILLING["all"][0]]}
    body["all"] = body["all"] + [
        {"field": "group_id", "operator": "is", "value": str(group.number)}
    ]
    return {"view": body}


def test_admin_creates_a_view_and_reads_it_back_in_zendesks_shape(
    acme, acme_admin, acme_agent, billing, api_for
):
    created = api_for(acme_admin).post("views.json", urgent_billing(billing))
    assert created.status_code == 201, created.json()
    view = created.json()["view"]
    assert view["title"] == "Urgent billing" and view["active"] is True
    assert view["restriction"] is None and view["default"] is False
    assert view["conditions"]["all"][1] == {
        "field": "group_id",
        "operator": "is",
        "value": billing.number,
    }
    assert [c["id"] for c in view["execution"]["columns"]] == ["status", "subject", "priority"]
    assert view["execution"]["sort"]["id"] == "created"
    number = view["id"]
    assert View.objects.for_account(acme).get(number=number).title == "Urgent billing"

    agent = api_for(acme_agent)
    assert agent.get(f"views/{number}.json").json()["view"]["id"] == number
    listed = agent.get("views.json").json()
    assert number in [v["id"] for v in listed["views"]] and listed["count"] == 9


def test_view_tickets_and_counts(acme, acme_admin, acme_agent, billing, api_for):
    for subject, priority in (("Card declined", "urgent"), ("Refund", "high"), ("Typo", "low")):
        make_ticket(
            account=acme, submitter=acme_agent, subject=subject, group=billing, priority=priority
        )
    number = api_for(acme_admin).post("views.json", urgent_billing(billing)).json()["view"]["id"]
    agent = api_for(acme_agent)
    tickets = agent.get(f"views/{number}/tickets.json").json()["tickets"]
    assert [t["subject"] for t in tickets] == ["Card declined", "Refund"]  # created, ascending
    count = agent.get(f"views/{number}/count.json").json()["view_count"]
    assert count["view_id"] == number and count["value"] == 2 and count["pretty"] == "2"
    many = agent.get(f"views/count_many.json?ids={number},3").json()["view_counts"]
    assert [(c["view_id"], c["value"]) for c in many] == [(number, 2), (3, 3)]


def test_active_lists_only_active_views(acme, acme_admin, api_for):
    unsolved = View.objects.for_account(acme).get(key="unsolved")
    client = api_for(acme_admin)
    client.put(f"views/{unsolved.number}.json", {"view": {"active": False}})
    active = [v["id"] for v in client.get("views/active.json").json()["views"]]
    every = [v["id"] for v in client.get("views.json").json()["views"]]
    assert unsolved.number not in active and unsolved.number in every


@pytest.mark.parametrize(
    ("condition", "text"),
    [
        ({"field": "colour", "operator": "is", "value": "red"}, "Unknown condition field"),
        ({"field": "status", "operator": "within_last_days", "value": 2}, "takes no operator"),
    ],
)
def test_a_bad_condition_is_a_422_naming_it(acme, acme_admin, api_for, condition, text):
    response = api_for(acme_admin).post(
        "views.json", {"view": {"title": "Bad", "all": [condition]}}
    )
    assert response.status_code == 422
    assert text in str(response.json())


@pytest.mark.parametrize(
    "body", ["not json object", {"view": "x"}, {"view": {"title": "x", "output": 3}}]
)
def test_a_malformed_body_is_a_400(acme, acme_admin, api_for, body):
    assert api_for(acme_admin).post("views.json", body).status_code == 400


def test_agents_cannot_change_shared_views_and_never_see_others_personal_ones(
    acme, acme_admin, acme_agent, api_for
):
    other = AgentFactory(account=acme)
    theirs = view_create(account=acme, actor=other, title="Other's own")
    unsolved = View.objects.for_account(acme).get(key="unsolved")
    agent = api_for(acme_agent)
    assert agent.put(f"views/{unsolved.number}.json", {"view": {"title": "x"}}).status_code == 404
    assert agent.delete(f"views/{unsolved.number}.json").status_code == 404
    assert (
        agent.post("views.json", {"view": {"title": "x", "restriction": None}}).status_code == 403
    )
    for path in ("", "/tickets", "/count"):
        assert agent.get(f"views/{theirs.number}{path}.json").status_code == 404
    assert theirs.number not in [v["id"] for v in agent.get("views.json").json()["views"]]
    assert agent.get(f"views/count_many.json?ids={theirs.number}").json()["view_counts"] == []
    # An agent's own view, through the API too: personal.
    mine = agent.post("views.json", {"view": {"title": "Mine"}}).json()["view"]
    assert mine["restriction"]["type"] == "User"
    assert agent.delete(f"views/{mine['id']}.json").status_code == 204
    assert api_for(acme_admin).delete(f"views/{unsolved.number}.json").status_code == 204


def test_views_never_cross_accounts(acme, globex, acme_agent, api_for):
    globex_admin = AgentFactory(account=globex, role="admin")
    secret = view_create(account=globex, actor=globex_admin, title="Globex secret view")
    client = api_for(acme_agent)
    # Acme has a view with that number, but not globex's.
    response = client.get(f"views/{secret.number}.json")
    assert "Globex secret view" not in response.text
    assert "Globex secret view" not in client.get("views.json").text


def test_position_is_honoured_on_create_update_and_update_many(acme, acme_admin, api_for):
    """Zendesk's ``position``: where the view goes among the shared views (0 first)."""
    admin = api_for(acme_admin)

    def order():
        return [v["title"] for v in admin.get("views.json").json()["views"]]

    first = admin.post("views.json", {"view": {"title": "First", "position": 0}})
    assert first.status_code == 201, first.json()
    assert first.json()["view"]["position"] == 0
    assert order()[:2] == ["First", "Your unsolved tickets"]
    number = first.json()["view"]["id"]
    moved = admin.put(f"views/{number}.json", {"view": {"position": 3}}).json()["view"]
    assert moved["position"] == 3 and order()[3] == "First"
    assert admin.put(f"views/{number}.json", {"view": {"position": -1}}).status_code == 422
    assert admin.put(f"views/{number}.json", {"view": {"position": "x"}}).status_code == 422

    unsolved = View.objects.for_account(acme).get(key="unsolved").number
    body = {
        "views": [{"id": unsolved, "position": 0}, {"id": number, "position": 1, "active": False}]
    }
    answer = admin.put("views/update_many.json", body)
    assert answer.status_code == 200, answer.json()
    assert [(v["id"], v["position"], v["active"]) for v in answer.json()["views"]] == [
        (unsolved, 0, True),
        (number, 1, False),
    ]
    assert order()[:2] == ["All unsolved tickets", "First"]
    assert admin.put("views/update_many.json", {"views": [{"position": 1}]}).status_code == 400
    assert admin.put("views/update_many.json", {"views": [{"id": 10**19}]}).status_code == 400
    assert admin.put("views/update_many.json", {"views": [{"id": 999}]}).status_code == 404
    late = {"views": [{"id": number, "position": "first"}]}
    assert admin.put("views/update_many.json", late).status_code == 422


def test_agents_reorder_only_their_own_views_in_update_many(acme, acme_agent, api_for):
    agent = api_for(acme_agent)
    mine = agent.post("views.json", {"view": {"title": "Mine"}}).json()["view"]["id"]
    unsolved = View.objects.for_account(acme).get(key="unsolved").number
    body = {"views": [{"id": mine, "position": 0}, {"id": unsolved, "position": 1}]}
    assert agent.put("views/update_many.json", body).status_code == 404
    assert (
        agent.put("views/update_many.json", {"views": [{"id": mine, "position": 0}]}).status_code
        == 200
    )
