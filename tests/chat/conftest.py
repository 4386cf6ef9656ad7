"""Chat fixtures, from one builder: a chat-enabled group ("Chat desk", ``desk_group``),
agents in it with their availability (``desk_join``, ``chat_agent`` for a new one), and
the account's chat turned on (``chat_offer``; ``offer_chat`` does all three for the
visitor's side).

- ``chat_group``: acme's chat desk, nobody in it;
- ``desk_agent``: acme's agent in it, available;
- ``chat_desk``: the same desk, with acme offering chat (signed-in visitors only);
  ``anonymous_chat_desk`` offering it to anonymous visitors too;
- ``queued``: acme's end user's chat waiting in the desk."""

from __future__ import annotations

import pytest

from accounts.models import AgentGroup, GroupMembership
from chat.models import AgentChatStatus, Chat, ChatGroup, ChatSettings
from tests.factories import AgentFactory, AgentGroupFactory


def desk_group(account, *, name: str = "Chat desk") -> AgentGroup:
    """A group of ``account`` that takes chats."""
    group = AgentGroupFactory(account=account, name=name)
    ChatGroup.objects.create(account=account, group=group)
    return group


def desk_join(account, group, agent, *, available: bool = True):
    """``agent`` joins the chat group, available for chat or away."""
    GroupMembership.objects.create(account=account, group=group, user=agent)
    AgentChatStatus.objects.create(account=account, agent=agent, available=available)
    return agent


def chat_agent(account, group, *, available: bool = True, **kwargs):
    """A new agent of ``account`` (``kwargs`` for the factory) in the chat group."""
    return desk_join(account, group, AgentFactory(account=account, **kwargs), available=available)


def chat_offer(account, *, anonymous: bool = False) -> None:
    """``account`` offers chat in its help center (to anonymous visitors if ``anonymous``)."""
    ChatSettings.objects.update_or_create(
        account=account, defaults={"enabled": True, "anonymous_allowed": anonymous}
    )


def offer_chat(account, agent, *, anonymous: bool = False, available: bool = True):
    """The visitor's side in one call: chat offered, a desk with ``agent`` in it."""
    chat_offer(account, anonymous=anonymous)
    group = desk_group(account)
    desk_join(account, group, agent, available=available)
    return group


@pytest.fixture
def chat_group(acme):
    return desk_group(acme)


@pytest.fixture
def desk_agent(acme, chat_group, acme_agent):
    return desk_join(acme, chat_group, acme_agent)


@pytest.fixture
def chat_desk(acme, chat_group, desk_agent):
    chat_offer(acme)
    return chat_group


@pytest.fixture
def anonymous_chat_desk(acme, chat_group, desk_agent):
    chat_offer(acme, anonymous=True)
    return chat_group


@pytest.fixture
def queued(acme, acme_user, chat_group):
    return Chat.objects.create(account=acme, visitor=acme_user, group=chat_group)
