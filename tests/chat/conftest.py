"""Chat fixtures: acme offering chat, with a chat-enabled group whose agent is available
(the visitor's side); a chat-enabled group ("Chat desk") with acme's agent in it, and a
waiting chat of acme's end user queued to it (the agents' side)."""

from __future__ import annotations

import pytest

from accounts.models import AgentGroup, GroupMembership
from chat.models import AgentChatStatus, Chat, ChatGroup, ChatSettings
from tests.factories import AgentFactory, AgentGroupFactory


def offer_chat(account, agent, *, anonymous: bool = False, available: bool = True):
    ChatSettings.objects.update_or_create(
        account=account, defaults={"enabled": True, "anonymous_allowed": anonymous}
    )
    group = AgentGroup.objects.create(account=account, name="Chat desk")
    GroupMembership.objects.create(account=account, group=group, user=agent)
    ChatGroup.objects.create(account=account, group=group)
    AgentChatStatus.objects.create(account=account, agent=agent, available=available)
    return group


@pytest.fixture
def chat_desk(acme, acme_agent):
    return offer_chat(acme, acme_agent)


@pytest.fixture
def anonymous_chat_desk(acme, acme_agent):
    return offer_chat(acme, acme_agent, anonymous=True)


@pytest.fixture
def chat_group(acme):
    group = AgentGroupFactory(account=acme, name="Chat desk")
    ChatGroup.objects.create(account=acme, group=group)
    return group


def chat_agent(account, group, *, available=True, **kwargs):
    agent = AgentFactory(account=account, **kwargs)
    GroupMembership.objects.create(account=account, group=group, user=agent)
    AgentChatStatus.objects.create(account=account, agent=agent, available=available)
    return agent


@pytest.fixture
def desk_agent(acme, chat_group, acme_agent):
    GroupMembership.objects.create(account=acme, group=chat_group, user=acme_agent)
    AgentChatStatus.objects.create(account=acme, agent=acme_agent, available=True)
    return acme_agent


@pytest.fixture
def queued(acme, acme_user, chat_group):
    return Chat.objects.create(account=acme, visitor=acme_user, group=chat_group)
