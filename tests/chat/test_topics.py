"""The realtime topics' rules (chat.topics, registered in realtime.topics): a chat's topic
for its visitor (signed in, or by the session that started it) and for agents who may
see it; the queue for chat agents; nobody of another account."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from chat.access import SESSION_KEY, NoChats, no_chats_reason
from chat.models import Chat
from chat.services.agents import chat_accept
from realtime.topics import may_subscribe
from tests.accounts.test_roles import builtin
from tests.chat.conftest import chat_agent
from tests.factories import AgentFactory, EndUserFactory

pytestmark = pytest.mark.django_db


def test_a_chats_topic_is_its_visitors_and_its_agents(
    chat_desk, acme, acme_user, acme_agent, acme_admin, globex, globex_agent
):
    chat = Chat.objects.create(account=acme, visitor=acme_user, group=chat_desk)
    topic = f"chat:{chat.number}"
    assert may_subscribe(acme_user, acme, topic)
    assert may_subscribe(acme_agent, acme, topic)  # queued to their group
    assert may_subscribe(acme_admin, acme, topic)
    assert not may_subscribe(EndUserFactory(account=acme), acme, topic)
    assert not may_subscribe(globex_agent, globex, topic)  # globex has no such chat
    assert not may_subscribe(globex_agent, acme, topic)
    assert not may_subscribe(acme_user, acme, "chat:nonsense")


def test_an_anonymous_visitor_hears_the_chat_their_session_started(chat_desk, acme, acme_user):
    chat = Chat.objects.create(account=acme, visitor=acme_user, visitor_signed_in=False)
    topic = f"chat:{chat.number}"
    assert may_subscribe(AnonymousUser(), acme, topic, session={SESSION_KEY: [chat.pk]})
    assert not may_subscribe(AnonymousUser(), acme, topic, session={})
    assert not may_subscribe(AnonymousUser(), acme, "chat-queue", session={SESSION_KEY: [chat.pk]})


def test_the_queue_is_the_chat_agents(chat_desk, acme, acme_user, acme_agent, globex_agent):
    assert may_subscribe(acme_agent, acme, "chat-queue")
    assert not may_subscribe(acme_user, acme, "chat-queue")
    assert not may_subscribe(globex_agent, acme, "chat-queue")


def test_the_queue_topic_is_refused_to_whoever_may_not_accept_a_chat(
    chat_desk, acme, chat_group, queued
):
    # The queue's doorbell rings for those who may take the chat it announces: the same
    # rule as chat_accept's and the queue's rows (chat.access.no_chats_reason). A light
    # agent in a chat group sees the queue without Accept and hears no doorbell; an agent
    # in no chat group neither.
    light = chat_agent(acme, chat_group, agent_role=builtin(acme, "light_agent"))
    outsider = AgentFactory(account=acme)
    for agent, reason in [(light, NoChats.ROLE), (outsider, NoChats.NO_GROUP)]:
        assert no_chats_reason(agent) is reason
        assert not may_subscribe(agent, acme, "chat-queue")
        assert not may_subscribe(agent, acme, f"chat:{queued.number}")  # nor the chat's
        with pytest.raises(ValidationError):
            chat_accept(agent=agent, chat=queued)
    taker = chat_agent(acme, chat_group)
    assert may_subscribe(taker, acme, "chat-queue")
    assert not may_subscribe(taker, acme, "chat-queue:1")
    chat_accept(agent=taker, chat=queued)
