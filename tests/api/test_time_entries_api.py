"""Time worked through the API (seed 002): a Sportello-specific object on the ticket
(``/tickets/{id}/time_entries``) and ``time_entry`` beside an update's comment, with the
ticket page's rules: roles that may not edit tickets log no time, end users see none,
an account that requires time refuses an agent's comment without it."""

import pytest

from accounts.role_models import AgentRole
from tests.factories import AgentFactory, make_ticket
from tickets.models import Comment
from timeworked.models import TimeEntry
from timeworked.services import time_settings_update


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="API")


def path(ticket):
    return f"/api/v2/tickets/{ticket.number}/time_entries.json"


def test_an_agent_logs_and_lists_time(agent_api, ticket, acme_agent):
    created = agent_api.post(path(ticket), {"time_entry": {"minutes": 45}})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["time_entry"]["minutes"] == 45
    assert body["time_entry"]["agent_id"] == acme_agent.number
    assert body["time_worked"] == {"total_seconds": 2700}
    listed = agent_api.get(path(ticket)).json()
    assert [e["minutes"] for e in listed["time_entries"]] == [45]
    shown = agent_api.get(f"/api/v2/tickets/{ticket.number}.json").json()["ticket"]
    assert shown["time_worked"] == {"total_seconds": 2700}


@pytest.mark.parametrize(
    "data", [{}, {"time_entry": {}}, {"time_entry": {"minutes": "ten"}}, {"time_entry": 5}]
)
def test_bad_input_is_a_clear_422(agent_api, ticket, data):
    answer = agent_api.post(path(ticket), data)
    assert answer.status_code == 422
    assert "minutes" in answer.content.decode()


@pytest.mark.parametrize("minutes", [0, -5, 1441])
def test_out_of_range_minutes_are_refused(agent_api, ticket, minutes):
    assert agent_api.post(path(ticket), {"time_entry": {"minutes": minutes}}).status_code == 422
    assert not TimeEntry.objects.for_account(ticket.account).exists()


def test_a_role_that_may_not_edit_logs_no_time_and_end_users_see_none(
    acme, api_for, user_api, ticket
):
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    assert api_for(light).post(path(ticket), {"time_entry": {"minutes": 5}}).status_code == 403
    assert user_api.get(path(ticket)).status_code in (403, 404)
    assert user_api.post(path(ticket), {"time_entry": {"minutes": 5}}).status_code in (403, 404)
    assert not TimeEntry.objects.for_account(acme).exists()


def test_another_accounts_ticket_is_404(api_for, globex_agent, ticket):
    assert api_for(globex_agent).get(path(ticket)).status_code == 404


def test_time_entry_on_an_update_is_logged_on_its_comment(agent_api, ticket):
    answer = agent_api.put(
        f"/api/v2/tickets/{ticket.number}.json",
        {
            "ticket": {
                "comment": {"body": "Patched", "public": False},
                "time_entry": {"minutes": 20},
            }
        },
    )
    assert answer.status_code == 200, answer.content
    entry = TimeEntry.objects.for_account(ticket.account).get()
    assert entry.comment.body == "Patched" and entry.seconds == 1200
    assert agent_api.get(path(ticket)).json()["time_entries"][0]["with_comment"] is True


def test_time_entry_without_a_comment_is_refused(agent_api, ticket):
    answer = agent_api.put(
        f"/api/v2/tickets/{ticket.number}.json",
        {"ticket": {"priority": "high", "time_entry": {"minutes": 20}}},
    )
    assert answer.status_code == 422
    assert "time_entries.json" in answer.content.decode()


def test_required_time_refuses_an_agents_comment_without_it(acme, acme_admin, agent_api, ticket):
    time_settings_update(account=acme, actor=acme_admin, require_on_update=True)
    update = f"/api/v2/tickets/{ticket.number}.json"
    refused = agent_api.put(update, {"ticket": {"comment": {"body": "No time"}}})
    assert refused.status_code == 422
    assert "time spent" in refused.content.decode()
    assert not Comment.objects.for_account(acme).filter(body="No time").exists()
    done = agent_api.put(
        update, {"ticket": {"comment": {"body": "With time"}, "time_entry": {"minutes": 5}}}
    )
    assert done.status_code == 200
