"""A socket hears no longer than the session it was opened under (realtime.sessions):
signing out, a session revoked from another device or a password changed elsewhere
closes it (4001, the page reconnects anonymous); what no bell announces is found when a
doorbell rings (realtime.consumers.RECHECK_EVERY)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.urls import reverse as _reverse

from accounts.user_sessions import session_revoke, sessions_of
from realtime import consumers, topics
from realtime.publish import publish
from realtime.sessions import CLOSE_SESSION_ENDED, session_group
from tests.realtime.conftest import ask, closed_with, cookie_of, open_socket, run_async


def reverse(name: str) -> str:
    return _reverse(name, urlconf="helpdesk.urls_tenant")


pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("test_topics")]


def ring(account_id: int, topic: str, event: dict) -> None:
    with transaction.atomic():
        publish(account_id, topic, event)


async def subscribed_socket(cookie: str, topic: str = "rt-test:room"):
    socket, connected = await open_socket("acme.localhost", cookie=cookie)
    assert connected
    assert await ask(socket, {"subscribe": topic}) == {"subscribed": topic}
    return socket


def test_signing_out_closes_the_sockets_of_that_session_and_they_hear_nothing_more(
    acme, acme_agent, client_for
):
    client = client_for(acme_agent)
    cookie = cookie_of(client)

    async def scenario():
        socket = await subscribed_socket(cookie)
        response = await database_sync_to_async(client.post)(reverse("accounts:logout"))
        assert response.status_code == 302
        assert await closed_with(socket) == CLOSE_SESSION_ENDED
        await database_sync_to_async(ring)(acme.pk, "rt-test:room", {"after": "sign-out"})
        assert await socket.receive_nothing(timeout=0.3)

    run_async(scenario)


def test_after_signing_out_the_same_cookie_opens_an_anonymous_socket(acme, acme_agent, client_for):
    client = client_for(acme_agent)
    cookie = cookie_of(client)

    async def scenario():
        socket = await subscribed_socket(cookie)
        await database_sync_to_async(client.post)(reverse("accounts:logout"))
        assert await closed_with(socket) == CLOSE_SESSION_ENDED
        again, _ = await open_socket("acme.localhost", cookie=cookie)
        assert await ask(again, {"subscribe": "rt-test:room"}) == {"refused": "rt-test:room"}
        await again.disconnect()

    run_async(scenario)


def test_signing_out_leaves_the_users_other_sessions_sockets_open(acme, acme_agent, client_for):
    leaving, staying = client_for(acme_agent), client_for(acme_agent)

    async def scenario():
        closing = await subscribed_socket(cookie_of(leaving))
        open_one = await subscribed_socket(cookie_of(staying))
        await database_sync_to_async(leaving.post)(reverse("accounts:logout"))
        assert await closed_with(closing) == CLOSE_SESSION_ENDED
        await database_sync_to_async(ring)(acme.pk, "rt-test:room", {"n": 1})
        assert (await open_one.receive_json_from(timeout=3))["event"] == {"n": 1}
        await open_one.disconnect()

    run_async(scenario)


def test_a_session_revoked_from_another_device_closes_its_sockets(acme, acme_agent, client_for):
    revoked = client_for(acme_agent)
    cookie = cookie_of(revoked)
    key = revoked.session.session_key

    def revoke():
        row = sessions_of(acme_agent).get(session_key=key)
        assert session_revoke(user=acme_agent, session_id=row.pk)

    async def scenario():
        socket = await subscribed_socket(cookie)
        await database_sync_to_async(revoke)()
        assert await closed_with(socket) == CLOSE_SESSION_ENDED

    run_async(scenario)


def test_a_password_changed_in_another_session_closes_this_sessions_sockets(
    acme, acme_agent, client_for, password
):
    here, elsewhere = client_for(acme_agent), client_for(acme_agent)
    new = "another password 4567!"
    form = {"old_password": password, "new_password1": new, "new_password2": new}

    async def scenario():
        socket = await subscribed_socket(cookie_of(here))
        response = await database_sync_to_async(elsewhere.post)(
            reverse("accounts:password_change"), form
        )
        assert response.status_code == 302, response.content[:2000]
        assert await closed_with(socket) == CLOSE_SESSION_ENDED

    run_async(scenario)


def test_a_password_set_without_a_bell_is_found_at_the_next_doorbell(
    acme, acme_agent, client_for, monkeypatch
):
    # A password reset by email, say: no session row is deleted, so nothing rings the
    # session's group; the next event on the topic checks the session again.
    monkeypatch.setattr(consumers, "RECHECK_EVERY", 0.0)
    cookie = cookie_of(client_for(acme_agent))

    def set_password():
        acme_agent.set_password("a password from the reset link 890")
        acme_agent.save()

    async def scenario():
        socket = await subscribed_socket(cookie)
        await database_sync_to_async(ring)(acme.pk, "rt-test:room", {"n": 1})
        assert (await socket.receive_json_from(timeout=3))["event"] == {"n": 1}
        await database_sync_to_async(set_password)()
        await database_sync_to_async(ring)(acme.pk, "rt-test:room", {"n": 2})
        assert await closed_with(socket) == CLOSE_SESSION_ENDED

    run_async(scenario)


def test_a_topic_the_user_may_no_longer_hear_is_dropped_at_the_next_doorbell(
    acme, acme_agent, client_for, monkeypatch
):
    monkeypatch.setattr(consumers, "RECHECK_EVERY", 0.0)
    allowed = {"yes"}
    topics.register("rt-flag", lambda subscriber, rest: bool(allowed))
    cookie = cookie_of(client_for(acme_agent))

    async def scenario():
        socket = await subscribed_socket(cookie, "rt-flag")
        allowed.clear()  # moved out of the group, say
        await database_sync_to_async(ring)(acme.pk, "rt-flag", {"secret": 1})
        assert await socket.receive_json_from(timeout=3) == {"refused": "rt-flag"}
        await database_sync_to_async(ring)(acme.pk, "rt-flag", {"secret": 2})
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run_async(scenario)


def test_within_the_recheck_interval_a_doorbell_reads_no_session_again(
    acme, acme_agent, client_for, monkeypatch
):
    cookie = cookie_of(client_for(acme_agent))
    calls = []

    async def counted(scope):
        calls.append(scope)
        raise AssertionError("read again within the interval")

    monkeypatch.setattr(consumers, "user_now", counted)

    async def scenario():
        socket = await subscribed_socket(cookie)
        for n in range(3):
            await database_sync_to_async(ring)(acme.pk, "rt-test:room", {"n": n})
            assert (await socket.receive_json_from(timeout=3))["event"] == {"n": n}
        await socket.disconnect()

    run_async(scenario)
    assert calls == []


def test_the_session_group_does_not_carry_the_session_key():
    key = "abcdefghijklmnopqrstuvwxyz012345"
    group = session_group(key)
    assert key not in group and key[:8] not in group
    assert group != session_group(key[:-1] + "6")
    assert len(group) < 100
