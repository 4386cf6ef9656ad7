"""Custom statuses through the API (issue 19): tickets answer ``status`` (the category)
and ``custom_status_id``; custom_statuses.json in Zendesk's shape, ids per account."""

from __future__ import annotations

import pytest

from tests.factories import AdminFactory, make_ticket
from tickets.models import CustomStatus

pytestmark = pytest.mark.django_db


def named(account, label: str) -> CustomStatus:
    return CustomStatus.objects.for_account(account).get(agent_label=label)


def default(account, category: str) -> CustomStatus:
    return CustomStatus.objects.for_account(account).get(category=category, is_default=True)


@pytest.fixture
def admin_api(api_for, acme):
    return api_for(AdminFactory(account=acme))


def _create(api, **ticket):
    ticket.setdefault("subject", "Printer on fire")
    ticket.setdefault("comment", {"body": "It is on fire."})
    return api.post("tickets.json", {"ticket": ticket})


def test_a_ticket_created_with_a_custom_status_answers_both(agent_api, acme):
    engineering = named(acme, "Engineering")
    response = _create(agent_api, custom_status_id=engineering.number)
    assert response.status_code == 201
    ticket = response.json()["ticket"]
    assert (ticket["status"], ticket["custom_status_id"]) == ("open", engineering.number)
    shown = agent_api.get(f"tickets/{ticket['id']}.json").json()["ticket"]
    assert (shown["status"], shown["custom_status_id"]) == ("open", engineering.number)


def test_setting_only_the_status_picks_the_categorys_default(agent_api, acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    response = agent_api.put(f"tickets/{ticket.number}.json", {"ticket": {"status": "pending"}})
    assert response.status_code == 200
    body = response.json()["ticket"]
    assert body["custom_status_id"] == default(acme, "pending").number


def test_setting_a_custom_status_sets_the_status(agent_api, acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    verify = named(acme, "Verify resolution")
    response = agent_api.put(
        f"tickets/{ticket.number}.json", {"ticket": {"custom_status_id": verify.number}}
    )
    assert response.status_code == 200
    body = response.json()["ticket"]
    assert (body["status"], body["custom_status_id"]) == ("pending", verify.number)


@pytest.mark.parametrize("bad", [999_999, 0, -1, "engineering", 10**20])
def test_a_bad_custom_status_id_is_a_clear_422(agent_api, acme, acme_agent, bad):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    response = agent_api.put(f"tickets/{ticket.number}.json", {"ticket": {"custom_status_id": bad}})
    assert response.status_code == 422
    assert "custom_status_id" in response.json()["details"]
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_another_accounts_custom_status_is_refused(agent_api, acme, acme_agent, globex):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ours = {s.number for s in CustomStatus.objects.for_account(acme)}
    theirs = CustomStatus.objects.for_account(globex).create(
        account=globex, category="open", agent_label="Globex only"
    )
    assert theirs.number not in ours
    response = agent_api.put(
        f"tickets/{ticket.number}.json", {"ticket": {"custom_status_id": theirs.number}}
    )
    assert response.status_code == 422
    assert agent_api.get(f"custom_statuses/{theirs.number}.json").status_code == 404


def test_an_inactive_status_is_a_422(agent_api, acme, acme_agent):
    engineering = named(acme, "Engineering")
    engineering.is_active = False
    engineering.save()
    ticket = make_ticket(account=acme, submitter=acme_agent)
    response = agent_api.put(
        f"tickets/{ticket.number}.json", {"ticket": {"custom_status_id": engineering.number}}
    )
    assert response.status_code == 422


def test_list_and_show_in_zendesks_shape(agent_api, acme):
    body = agent_api.get("custom_statuses.json").json()
    statuses = body["custom_statuses"]
    assert [s["status_category"] for s in statuses][:2] == ["new", "open"]
    engineering = next(s for s in statuses if s["raw_agent_label"] == "Engineering")
    assert engineering["status_category"] == "open"
    assert engineering["end_user_label"] == "Engineering in progress"
    assert engineering["active"] is True and engineering["default"] is False
    for key in ("id", "description", "end_user_description", "created_at", "updated_at"):
        assert key in engineering
    shown = agent_api.get(f"custom_statuses/{engineering['id']}.json").json()["custom_status"]
    assert shown == engineering
    pending = agent_api.get("custom_statuses.json?status_categories=pending&default=true").json()
    assert [s["agent_label"] for s in pending["custom_statuses"]] == ["Pending"]


def test_admin_creates_and_updates_a_status(admin_api, acme):
    response = admin_api.post(
        "custom_statuses.json",
        {"custom_status": {"status_category": "pending", "agent_label": "Awaiting parts"}},
    )
    assert response.status_code == 201
    created = response.json()["custom_status"]
    assert created["status_category"] == "pending" and created["end_user_label"] == "Awaiting parts"
    response = admin_api.put(
        f"custom_statuses/{created['id']}.json",
        {"custom_status": {"end_user_label": "On its way", "active": False}},
    )
    assert response.status_code == 200
    assert response.json()["custom_status"]["end_user_label"] == "On its way"
    assert response.json()["custom_status"]["active"] is False


@pytest.mark.parametrize(
    "payload",
    [
        {"custom_status": {"status_category": "closed", "agent_label": "X"}},
        {"custom_status": {"status_category": "open", "agent_label": ""}},
        {"custom_status": {"status_category": "open", "agent_label": "x" * 49}},
        {"custom_status": {"status_category": "open", "agent_label": 5}},
        {"custom_status": "open"},
        ["nonsense"],
    ],
)
def test_bad_status_payloads_are_422(admin_api, payload):
    response = admin_api.post("custom_statuses.json", payload)
    assert response.status_code == 422


def test_a_built_in_status_cannot_be_deactivated_or_moved_to_another_category(admin_api, acme):
    pending = default(acme, "pending")
    url = f"custom_statuses/{pending.number}.json"
    assert admin_api.put(url, {"custom_status": {"active": False}}).status_code == 422
    moved = {"custom_status": {"status_category": "open"}}
    assert admin_api.put(url, moved).status_code == 422


def test_agents_read_but_do_not_write_and_end_users_see_nothing(agent_api, user_api, acme):
    engineering = named(acme, "Engineering")
    assert agent_api.get("custom_statuses.json").status_code == 200
    create = {"custom_status": {"status_category": "open", "agent_label": "Mine"}}
    assert agent_api.post("custom_statuses.json", create).status_code == 403
    update = {"custom_status": {"agent_label": "Mine"}}
    assert agent_api.put(f"custom_statuses/{engineering.number}.json", update).status_code == 403
    assert user_api.get("custom_statuses.json").status_code == 403
    assert user_api.get(f"custom_statuses/{engineering.number}.json").status_code == 403


def test_update_many_sets_a_custom_status(
    agent_api, acme, acme_agent, django_capture_on_commit_callbacks
):
    first = make_ticket(account=acme, submitter=acme_agent)
    second = make_ticket(account=acme, submitter=acme_agent)
    evaluation = named(acme, "In evaluation")
    with django_capture_on_commit_callbacks() as callbacks:
        response = agent_api.put(
            f"tickets/update_many.json?ids={first.number},{second.number}",
            {"ticket": {"custom_status_id": evaluation.number}},
        )
    for callback in callbacks:
        callback()
    assert response.status_code == 200
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.custom_status) == ("open", evaluation)
    bad = agent_api.put(
        f"tickets/update_many.json?ids={first.number}", {"ticket": {"custom_status_id": 999_999}}
    )
    assert bad.status_code == 422
