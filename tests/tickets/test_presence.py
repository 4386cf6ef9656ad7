"""Who else is here: each open ticket page beats every ~10 s; the others see it until
the beats stop (tickets.presence)."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache

from tests.factories import AgentFactory, make_ticket
from tickets import presence
from tickets.models import View


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_agent, requester=acme_user)


def beat(client, ticket, body=""):
    return client.post(f"/agent/tickets/{ticket.number}/presence/", {"body": body})


def test_the_page_starts_the_heartbeat(agent_client, ticket):
    page = agent_client.get(f"/agent/tickets/{ticket.number}/").text
    assert f'hx-post="/agent/tickets/{ticket.number}/presence/"' in page
    assert 'hx-trigger="load, every 10s"' in page


def test_two_agents_see_each_other_and_who_is_typing(acme, ticket, client_for, agent_client):
    carla = client_for(AgentFactory(account=acme, name="Carla Colleague"))
    alone = beat(agent_client, ticket)
    assert alone.status_code == 200 and "Also viewing" not in alone.text
    beat(carla, ticket, body="Half-written answer")
    seen = beat(agent_client, ticket).text
    assert "Carla Colleague" in seen and "CC" in seen and "typing a reply" in seen
    # The beat never carries the typed text back.
    assert "Half-written answer" not in seen
    # Yours first, then the others.
    assert seen.index("avatar-me") < seen.index("Carla Colleague")


def test_a_viewer_is_gone_once_the_beats_stop(acme, ticket, client_for, agent_client, monkeypatch):
    carla = client_for(AgentFactory(account=acme, name="Carla Colleague"))
    beat(carla, ticket)
    later = time.time() + presence.PRESENCE_TTL + 1
    monkeypatch.setattr(presence.time, "time", lambda: later)
    assert "Carla Colleague" not in beat(agent_client, ticket).text


def test_past_five_viewers_the_rest_are_in_a_drop_down(acme, ticket, client_for, agent_client):
    for i in range(6):
        beat(client_for(AgentFactory(account=acme, name=f"Agent Number{i}")), ticket)
    seen = beat(agent_client, ticket).text
    avatars, menu = seen.split("presence-more", 1)
    assert avatars.count('class="avatar') == 5
    assert "+2 more" in menu


def test_presence_is_per_ticket_and_per_account(
    acme, globex, ticket, client_for, agent_client, globex_agent, globex_user
):
    other = make_ticket(account=acme, submitter=AgentFactory(account=acme))
    beat(client_for(AgentFactory(account=acme, name="Carla Colleague")), other)
    assert "Carla Colleague" not in beat(agent_client, ticket).text
    # Globex's agent cannot beat on (or learn of) acme's ticket.
    globex_client = client_for(globex_agent)
    assert beat(globex_client, ticket).status_code == 404
    assert client_for(globex_user).post(
        f"/agent/tickets/{ticket.number}/presence/"
    ).status_code in (
        302,
        404,
    )


def test_a_cache_that_is_down_leaves_the_list_empty_not_the_page_broken(
    ticket, agent_client, monkeypatch
):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(presence.cache, "get", down)
    response = beat(agent_client, ticket)
    assert response.status_code == 200 and "Also viewing" not in response.text


def test_a_first_heartbeat_costs_one_query_of_its_own(
    ticket, agent_client, django_assert_num_queries
):
    # The account (by subdomain), the session and the user, as every request; then the
    # ticket, looked up by number. Presence itself is in the cache, not the database.
    with django_assert_num_queries(4):
        beat(agent_client, ticket)


def test_lists_mark_tickets_another_agent_is_viewing_with_one_cache_read(
    acme, ticket, client_for, agent_client, acme_agent, acme_user, monkeypatch
):
    quiet = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Quiet")
    mine = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Mine")
    beat(client_for(AgentFactory(account=acme, name="Carla Colleague")), ticket)
    beat(agent_client, mine)  # the agent's own presence marks nothing for them
    reads = []
    real_get_many = presence.cache.get_many
    monkeypatch.setattr(
        presence.cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys)
    )
    unsolved = View.objects.for_account(acme).get(key="unsolved")
    page = agent_client.get(f"/agent/views/{unsolved.number}/").text
    rows = {
        n: page.split(f"#{n}</td>")[1].split("</tr>")[0]
        for n in (ticket.number, quiet.number, mine.number)
    }
    assert "viewing-marker" in rows[ticket.number]
    assert "viewing-marker" not in rows[quiet.number]
    assert "viewing-marker" not in rows[mine.number]
    assert len(reads[-1]) >= 3  # the whole page's tickets in one get_many
    # Once the beats stop, the marker goes.
    later = time.time() + presence.PRESENCE_TTL + 1
    monkeypatch.setattr(presence.time, "time", lambda: later)
    assert "viewing-marker" not in agent_client.get(f"/agent/views/{unsolved.number}/").text


def test_lists_without_the_cache_mark_nothing(acme, ticket, agent_client, monkeypatch):
    def down(keys):
        raise ConnectionError("cache down")

    monkeypatch.setattr(presence.cache, "get_many", down)
    page = agent_client.get("/agent/")
    assert page.status_code == 200 and "viewing-marker" not in page.text


def test_an_unchanged_beat_is_answered_without_a_fragment(acme, ticket, client_for, agent_client):
    first = beat(agent_client, ticket)
    [state] = re.findall(r'name="state" value="([^"]*)"', first.text)
    path = f"/agent/tickets/{ticket.number}/presence/"
    [ref] = re.findall(r'name="ref" value="([^"]*)"', first.text)
    same = agent_client.post(path, {"body": "", "state": state, "ref": ref})
    assert same.status_code == 204 and same.content == b""
    # Someone comes: the state differs, the fragment comes back with them.
    beat(client_for(AgentFactory(account=acme, name="Carla Colleague")), ticket)
    changed = agent_client.post(path, {"body": "", "state": state, "ref": ref})
    assert changed.status_code == 200 and "Carla Colleague" in changed.text
    # Typing changes what the others see, and so the agent's own state too.
    typing = agent_client.post(path, {"body": "draft", "state": state, "ref": ref})
    assert typing.status_code == 200
