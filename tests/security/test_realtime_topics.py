"""The sockets' topics, as the crawler treats pages: every topic prefix an app registers
is listed here with who may hear it, and a socket without a session, or with another
account's session, is refused every topic not registered for anonymous visitors,
whatever is crafted after the prefix (realtime/topics.py, realtime/connection.py)."""

from __future__ import annotations

import pytest

from chat.models import Chat
from realtime import topics
from tests.accounts.test_roles import builtin
from tests.chat.conftest import chat_agent, desk_group
from tests.realtime.conftest import ask, cookie_of, open_socket, run_async

# prefix -> who may subscribe: "signed-in" (users of the socket's account, per the rule)
# or "anonymous" (the rule identifies a help-center visitor by session or signed token).
# A new prefix goes here, with its rule's tests beside the app's.
REALTIME_TOPICS: dict[str, str] = {
    # Live chat (chat.topics): a chat's visitor, signed in or by the session that started
    # it, and the agents who may see it; the waiting queue for those who may accept its
    # chats (chat_accept's rule: a light agent in a chat group may not, nor hear it).
    "chat": "anonymous",
    "chat-queue": "signed-in",
}

CRAFTED_RESTS = ["", "1", "0", "-1", "999999999", "a1.x", "../1", "1:2", "x" * 150]


def test_every_registered_topic_is_listed_with_who_may_hear_it():
    listed = {p: kind == "anonymous" for p, kind in REALTIME_TOPICS.items()}
    assert topics.registered() == listed


def _topics(prefix: str) -> list[str]:
    return [prefix] + [f"{prefix}:{rest}" for rest in CRAFTED_RESTS]


@pytest.mark.django_db(transaction=True)
def test_sockets_without_a_session_of_this_account_hear_only_anonymous_topics(
    acme, globex_agent, client_for
):
    signed_in_only = [p for p, anonymous in topics.registered().items() if not anonymous]
    foreign = cookie_of(client_for(globex_agent))

    async def scenario(cookie: str) -> None:
        socket, connected = await open_socket("acme.localhost", cookie=cookie)
        assert connected
        for prefix in signed_in_only:
            for topic in _topics(prefix):
                assert await ask(socket, {"subscribe": topic}) == {"refused": topic}
        await socket.disconnect()

    run_async(scenario, "")
    run_async(scenario, foreign)


@pytest.mark.django_db(transaction=True)
def test_a_light_agent_in_a_chat_group_is_refused_the_queue_and_its_waiting_chats(
    acme, acme_user, client_for
):
    # They see the queue without Accept (chat.access.no_chats_reason); the doorbell
    # would only make them fetch rows that are empty for them, and a waiting chat of
    # their group is for whoever may take it (chat.access.agent_may_see), as its page.
    group = desk_group(acme)
    light = chat_agent(acme, group, agent_role=builtin(acme, "light_agent"))
    taker = chat_agent(acme, group)
    waiting = Chat.objects.create(account=acme, visitor=acme_user, group=group)

    async def scenario(cookie: str, answer: str) -> None:
        socket, connected = await open_socket("acme.localhost", cookie=cookie)
        assert connected
        for topic in ("chat-queue", f"chat:{waiting.number}"):
            assert await ask(socket, {"subscribe": topic}) == {answer: topic}
        await socket.disconnect()

    run_async(scenario, cookie_of(client_for(light)), "refused")
    run_async(scenario, cookie_of(client_for(taker)), "subscribed")
