"""Who may subscribe to the chat topics (realtime.topics): ``chat:<number>`` for the
chat's visitor (chat.access.visitor_may_follow: a signed-in end user's own chat, an
anonymous visitor's by their session) and for the agents who may see it; ``chat-queue``
for those who may accept the chats it announces (``is_chat_agent``, the rule chat_accept
and the queue's rows ask: a light agent in a chat group takes no chat, so hears no
doorbell). The rules only ask chat.access, which the pages ask too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chat.access import agent_may_see, is_chat_agent, visitor_may_follow
from chat.models import Chat

if TYPE_CHECKING:
    from realtime.topics import Subscriber


def chat_rule(subscriber: Subscriber, rest: str) -> bool:
    if not rest.isdigit():
        return False
    chat = Chat.objects.for_account(subscriber.account).filter(number=int(rest)).first()
    if chat is None:
        return False
    user = None if subscriber.is_anonymous else subscriber.user
    if user is not None and user.is_agent:
        return agent_may_see(user, chat)
    return visitor_may_follow(user, subscriber.session, chat)


def queue_rule(subscriber: Subscriber, rest: str) -> bool:
    return not rest and is_chat_agent(subscriber.user)


def register() -> None:
    from realtime import topics

    # An anonymous visitor follows the chats their session started.
    topics.register("chat", chat_rule, anonymous=True)
    topics.register("chat-queue", queue_rule)
