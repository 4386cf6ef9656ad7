"""Chat fixtures: acme offering chat, with a chat-enabled group whose agent is available."""

from __future__ import annotations

import pytest

from accounts.models import AgentGroup, GroupMembership
from chat.models import AgentChatStatus, ChatGroup, ChatSettings


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
