"""The realtime socket (issue 28): who may open it, which topics it may join, and that
an event published for one account reaches that account's subscribers only, after the
transaction commits. Real ASGI application, real database, in-memory channel layer."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from realtime.consumers import MAX_MESSAGE, MAX_TOPICS
from realtime.publish import group_name, publish
from tests.realtime.conftest import ask, closed_with, cookie_of, open_socket, run_async

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("test_topics")]


def publish_committed(account_id: int, topic: str, event: dict) -> None:
    with transaction.atomic():
        publish(account_id, topic, event)


def publish_rolled_back(account_id: int, topic: str, event: dict) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(account_id, topic, event)
        raise RuntimeError("rolled back")


@pytest.fixture
def acme_socket_cookie(acme_agent, client_for):
    return cookie_of(client_for(acme_agent))


@pytest.fixture
def globex_socket_cookie(globex_agent, client_for):
    return cookie_of(client_for(globex_agent))


def test_signed_in_agent_hears_an_event_published_after_commit(acme, acme_socket_cookie):
    async def scenario():
        socket, connected = await open_socket("acme.localhost", cookie=acme_socket_cookie)
        assert connected
        assert await ask(socket, {"subscribe": "rt-test:room"}) == {"subscribed": "rt-test:room"}
        await database_sync_to_async(publish_committed)(acme.pk, "rt-test:room", {"n": 1})
        assert await socket.receive_json_from(timeout=3) == {
            "topic": "rt-test:room",
            "event": {"n": 1},
        }
        await socket.disconnect()

    run_async(scenario)


def test_publish_in_a_rolled_back_transaction_rings_nobody(acme, acme_socket_cookie):
    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=acme_socket_cookie)
        await ask(socket, {"subscribe": "rt-test:room"})
        await database_sync_to_async(publish_rolled_back)(acme.pk, "rt-test:room", {"n": 1})
        assert await socket.receive_nothing(timeout=0.5)
        # The bell still works for the next, committed, write.
        await database_sync_to_async(publish_committed)(acme.pk, "rt-test:room", {"n": 2})
        assert (await socket.receive_json_from(timeout=3))["event"] == {"n": 2}
        await socket.disconnect()

    run_async(scenario)


def test_two_accounts_sockets_open_at_once_each_hears_only_its_own(
    acme, globex, acme_socket_cookie, globex_socket_cookie
):
    async def scenario():
        in_acme, _ = await open_socket("acme.localhost", cookie=acme_socket_cookie)
        in_globex, _ = await open_socket("globex.localhost", cookie=globex_socket_cookie)
        for socket in (in_acme, in_globex):
            # The same topic name in both accounts: different groups.
            assert await ask(socket, {"subscribe": "rt-test:room"}) == {
                "subscribed": "rt-test:room"
            }
        await database_sync_to_async(publish_committed)(acme.pk, "rt-test:room", {"to": "acme"})
        assert (await in_acme.receive_json_from(timeout=3))["event"] == {"to": "acme"}
        assert await in_globex.receive_nothing(timeout=0.5)
        await database_sync_to_async(publish_committed)(globex.pk, "rt-test:room", {"to": "g"})
        assert (await in_globex.receive_json_from(timeout=3))["event"] == {"to": "g"}
        assert await in_acme.receive_nothing(timeout=0.5)
        await in_acme.disconnect()
        await in_globex.disconnect()

    run_async(scenario)


def test_a_session_of_one_account_is_anonymous_on_another_accounts_host(
    acme, globex, acme_socket_cookie
):
    # Crafting the host (or a topic naming globex) does not carry acme's agent over.
    async def scenario():
        socket, connected = await open_socket("globex.localhost", cookie=acme_socket_cookie)
        assert connected
        for topic in ("rt-test:room", f"rt-test:a{globex.pk}.room", "rt-agents"):
            assert await ask(socket, {"subscribe": topic}) == {"refused": topic}
        await database_sync_to_async(publish_committed)(globex.pk, "rt-test:room", {})
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run_async(scenario)


def test_a_user_hears_no_other_accounts_group_whatever_the_topic_says(acme, globex):
    # The group is the socket's account's: a topic cannot name another account's group.
    assert group_name(acme.pk, "rt-test:room") != group_name(globex.pk, "rt-test:room")
    assert group_name(acme.pk, f"a{globex.pk}.rt-test") != group_name(globex.pk, "rt-test")


def test_topics_differing_only_in_unsafe_characters_or_past_the_limit_get_their_own_groups():
    assert group_name(1, "chat:a/b") != group_name(1, "chat:a_b")
    long = "chat:" + "x" * 150
    assert group_name(1, long + "1") != group_name(1, long + "2")
    assert len(group_name(10**12, long)) < 100


@pytest.mark.parametrize("host", ["nowhere.localhost", "localhost"])
def test_a_host_of_no_account_closes_with_4404(acme, host):
    async def scenario():
        socket, connected = await open_socket(host)
        assert connected
        assert await closed_with(socket) == 4404

    run_async(scenario)


def test_a_page_of_another_subdomain_closes_with_4403(acme, globex, acme_socket_cookie):
    async def scenario():
        socket, connected = await open_socket(
            "acme.localhost", cookie=acme_socket_cookie, origin="http://globex.localhost"
        )
        assert connected
        assert await closed_with(socket) == 4403

    run_async(scenario)


@pytest.mark.parametrize("origin", ["http://evil.example", ""])
def test_an_origin_outside_the_allowed_hosts_or_none_is_refused_at_the_handshake(
    acme, acme_socket_cookie, origin
):
    async def scenario():
        socket, connected = await open_socket(
            "acme.localhost", cookie=acme_socket_cookie, origin=origin
        )
        assert not connected

    run_async(scenario)


def test_unregistered_and_malformed_topics_are_refused(acme, acme_socket_cookie):
    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=acme_socket_cookie)
        for topic in ("nobody-registered:1", "rt-test:bad topic", "rt-test:" + "x" * 300):
            assert await ask(socket, {"subscribe": topic}) == {"refused": topic}
        assert await ask(socket, {"subscribe": ["rt-test:room"]}) == {"refused": None}
        assert await ask(socket, {"subscribe": "rt-test:denied"}) == {"refused": "rt-test:denied"}
        await socket.disconnect()

    run_async(scenario)


def test_a_rule_decides_by_role(acme, acme_agent, acme_user, client_for):
    async def scenario(cookie, expected):
        socket, _ = await open_socket("acme.localhost", cookie=cookie)
        assert await ask(socket, {"subscribe": "rt-agents"}) == expected
        await socket.disconnect()

    run_async(scenario, cookie_of(client_for(acme_agent)), {"subscribed": "rt-agents"})
    run_async(scenario, cookie_of(client_for(acme_user)), {"refused": "rt-agents"})


def anonymous_visitor_session(visits: list[str]) -> str:
    session = SessionStore()
    session["rt_visits"] = visits
    session.save()
    return f"sessionid={session.session_key}"


def test_an_anonymous_socket_reaches_only_topics_open_to_anonymous_visitors(acme):
    cookie = anonymous_visitor_session(["v1"])

    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=cookie)
        # Its own visit, by its session; not another visitor's; no signed-in user's topic.
        assert await ask(socket, {"subscribe": "rt-visitor:v1"}) == {"subscribed": "rt-visitor:v1"}
        for topic in ("rt-visitor:v2", "rt-test:room", "rt-agents"):
            assert await ask(socket, {"subscribe": topic}) == {"refused": topic}
        await database_sync_to_async(publish_committed)(acme.pk, "rt-visitor:v1", {"m": 1})
        assert (await socket.receive_json_from(timeout=3))["event"] == {"m": 1}
        await socket.disconnect()

    run_async(scenario)


def test_a_socket_without_any_session_gets_no_visitor_topic(acme):
    async def scenario():
        socket, _ = await open_socket("acme.localhost")
        assert await ask(socket, {"subscribe": "rt-visitor:v1"}) == {"refused": "rt-visitor:v1"}
        await socket.disconnect()

    run_async(scenario)


def test_a_session_whose_password_changed_since_is_anonymous(acme, acme_agent, client_for):
    cookie = cookie_of(client_for(acme_agent))
    acme_agent.set_password("a new password 123")
    acme_agent.save()

    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=cookie)
        assert await ask(socket, {"subscribe": "rt-test:room"}) == {"refused": "rt-test:room"}
        await socket.disconnect()

    run_async(scenario)


def test_an_agent_who_owes_the_second_factor_is_anonymous(acme, acme_agent, client_for):
    cookie = cookie_of(client_for(acme_agent))
    acme.agents_require_2fa = True
    acme.save()

    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=cookie)
        assert await ask(socket, {"subscribe": "rt-agents"}) == {"refused": "rt-agents"}
        await socket.disconnect()

    run_async(scenario)


def test_unsubscribed_topics_ring_no_more(acme, acme_socket_cookie):
    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=acme_socket_cookie)
        await ask(socket, {"subscribe": "rt-test:room"})
        assert await ask(socket, {"unsubscribe": "rt-test:room"}) == {
            "unsubscribed": "rt-test:room"
        }
        await database_sync_to_async(publish_committed)(acme.pk, "rt-test:room", {})
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run_async(scenario)


def test_ping_pong_bad_messages_and_the_limits(acme, acme_socket_cookie):
    async def scenario():
        socket, _ = await open_socket("acme.localhost", cookie=acme_socket_cookie)
        assert await ask(socket, {"ping": 7}) == {"pong": 7}
        await socket.send_to(text_data="not json")
        assert await socket.receive_json_from(timeout=3) == {"error": "bad message"}
        assert await ask(socket, {"what": 1}) == {"error": "bad message"}
        for n in range(MAX_TOPICS):
            assert await ask(socket, {"subscribe": f"rt-test:{n}"}) == {
                "subscribed": f"rt-test:{n}"
            }
        assert await ask(socket, {"subscribe": "rt-test:one-too-many"}) == {
            "refused": "rt-test:one-too-many"
        }
        await socket.send_to(text_data="x" * (MAX_MESSAGE + 1))
        assert await closed_with(socket) == 1009

    run_async(scenario)
