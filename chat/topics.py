"""Who may subscribe to the chat topics (realtime.topics): ``chat:<number>`` for the
chat's visitor (chat.access.visitor_may_follow: a signed-in end user's own chat, an
anonymous visitor's by their session) and for the agents who may see it; ``chat-queue``
for the chat agents. One place, so that a change of the rule's signature (the socket
may pass a subscriber carrying the session) is made here only."""

from __future__ import annotations

from typing import Any

from chat.access import agent_may_see, is_chat_agent, visitor_may_follow
from chat.models import Chat


def chat_rule(user: Any, account: Any, rest: str, session: Any = None) -> bool:
    if not rest.isdigit():
        return False
    chat = Chat.objects.for_account(account).filter(number=int(rest)).first()
    if chat is None:
        return False
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if signed_in and user.is_agent:
        return user.account_id == account.pk and agent_may_see(user, chat)
    return visitor_may_follow(user if signed_in else None, session, chat)


def queue_rule(user: Any, account: Any, rest: str, session: Any = None) -> bool:
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return bool(signed_in and user.account_id == account.pk and is_chat_agent(user))


def register() -> None:
    from realtime import topics

    topics.register("chat", chat_rule)
    topics.register("chat-queue", queue_rule)
