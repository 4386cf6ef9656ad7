"""Live chat's rows for the portability fixture (issue 28): every chat table has a row
(a chat file too), and the chat's foreign keys (visitor, group, its transcript ticket,
the agent on it) point at rows the round trip has to map."""

from __future__ import annotations

from django.core.files.base import ContentFile

from chat.models import (
    AgentChatStatus,
    Chat,
    ChatAttachment,
    ChatGroup,
    ChatParticipant,
    ChatSettings,
)
from chat.services.core import chat_end, message_post


def fill_chat(account, *, agent, group, user, ticket) -> None:
    ChatSettings.objects.create(account=account, enabled=True, max_chats_per_agent=4)
    ChatGroup.objects.create(account=account, group=group)
    AgentChatStatus.objects.create(account=account, agent=agent, available=True)
    # Started from the ticket's page: the transcript is appended to that ticket.
    chat = Chat.objects.create(
        account=account,
        visitor=user,
        group=group,
        ticket=ticket,
        started_by_agent=True,
        page_url="/hc/",
    )
    ChatParticipant.objects.create(account=account, chat=chat, agent=agent)
    asked = message_post(chat=chat, author=user, body="Is my order shipped?", kind="visitor")
    message_post(chat=chat, author=agent, body="Yes, this morning.", kind="agent")
    chat_end(chat=chat, actor=user)
    # A file on the chat, added after its transcript: the ticket's attachments stay the
    # fixture's one file (message_post's upload would be copied onto the transcript).
    ChatAttachment.objects.create(
        account=account,
        chat=chat,
        message=asked,
        uploader=user,
        file=ContentFile(b"Order 1234\n", name="order.txt"),
        filename="order.txt",
        content_type="text/plain",
        size=11,
    )
