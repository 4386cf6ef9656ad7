"""Reads of chats for the visitor's widget: their running chats, a chat's messages after
a seq (the poll), its markers and whether the other side is typing. Every read is scoped
to the account and served by the chat tables' per-account indexes (chat.models)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import Account, User
from chat import presence
from chat.access import SESSION_KEY, visitor_may_follow
from chat.models import Chat, ChatAttachment, ChatMessage

POLL_LIMIT = 200  # messages per poll; the page asks again from the last one it got


def visitor_chats(*, account: Account, user: User | None, session: Any) -> QuerySet[Chat]:
    """The visitor's chats not yet ended, newest first: a signed-in end user's own
    (those an agent started for them from a ticket's page too), an anonymous visitor's
    by their session."""
    qs = Chat.objects.for_account(account).exclude(state=Chat.State.ENDED)
    if user is not None and user.is_authenticated:
        qs = qs.filter(visitor=user, visitor_signed_in=True)
    else:
        ids = session.get(SESSION_KEY, []) if session is not None else []
        qs = qs.filter(pk__in=ids, visitor_signed_in=False)
    return qs.order_by("-started_at")


def chat_for_visitor(*, account: Account, user: User | None, session: Any, number: int) -> Chat:
    """The visitor's chat by its number: Chat.DoesNotExist (a 404) for another
    visitor's chat, another account's, and one that does not exist alike."""
    chat = Chat.objects.for_account(account).select_related("visitor").get(number=number)
    if not visitor_may_follow(user, session, chat):
        raise Chat.DoesNotExist
    return chat


def message_time(moment: Any) -> str:
    """A message's time as every chat page shows it: the active language's TIME_FORMAT
    in the current time zone ("1:41 p.m.", "13:41"), exactly what the templates' ``|time``
    draws, so a message added by a poll reads as the ones drawn with the page."""
    return formats.time_format(timezone.localtime(moment))


def messages_after(*, chat: Chat, after: int) -> list[dict]:
    """The chat's messages after seq ``after`` (oldest first), as the widget shows them:
    never a ticket's comment (internal notes live there, and no chat reads comments)."""
    rows = list(
        ChatMessage.objects.for_account(chat.account)
        .filter(chat=chat, seq__gt=max(0, after))
        .select_related("author")
        .order_by("seq")[:POLL_LIMIT]
    )
    sent = files_by_message(chat=chat, message_ids=[m.pk for m in rows])
    return [
        {
            "seq": m.seq,
            "kind": m.kind,
            "author": m.author.name if m.author else "",
            "body": m.body,
            "created_at": m.created_at.isoformat(),
            "time": message_time(m.created_at),
            "files": [file_json(row, "hc_chat:file", chat) for row in sent.get(m.pk, [])],
        }
        for m in rows
    ]


def file_json(row: ChatAttachment, url_name: str, chat: Chat) -> dict:
    """A file as a chat page shows it: name, size, and its download link (``url_name``:
    the help center's or the workspace's, both by the chat's and the file's numbers)."""
    return {
        "number": row.number,
        "name": row.filename,
        "size": row.size,
        "size_label": filesizeformat(row.size),
        "url": reverse(url_name, args=[chat.number, row.number]),
    }


def visitor_file(
    *, account: Account, user: User | None, session: Any, number: int, file_number: int
) -> ChatAttachment:
    """A file of the visitor's chat: ChatAttachment.DoesNotExist (a 404) for a chat that
    is not theirs (chat_for_visitor) and a number that is not that chat's alike."""
    try:
        chat = chat_for_visitor(account=account, user=user, session=session, number=number)
    except Chat.DoesNotExist:
        raise ChatAttachment.DoesNotExist from None
    return ChatAttachment.objects.for_account(account).get(chat=chat, number=file_number)


def files_by_message(*, chat: Chat, message_ids: Iterable[int]) -> dict[int, list[ChatAttachment]]:
    """The files of these messages of the chat, per message id, in the order sent: one
    query (served by ``chatattachment_chat``)."""
    ids = list(message_ids)
    found: dict[int, list[ChatAttachment]] = {}
    if not ids:
        return found
    for row in ChatAttachment.objects.for_account(chat.account).filter(
        chat=chat, message_id__in=ids
    ):
        found.setdefault(row.message_id, []).append(row)
    return found


@dataclass(frozen=True)
class Markers:
    last_seq: int
    # What the agents' pages fetched and showed of the visitor's messages.
    agent_delivered_seq: int
    agent_read_seq: int


def markers(chat: Chat) -> Markers:
    return Markers(chat.last_seq, chat.agent_delivered_seq, chat.agent_read_seq)


def agent_typing(chat: Chat) -> str:
    """The name of the agent typing in the chat now, or ""."""
    return presence.typing_of(chat.account_id, chat.pk, "agent")


def poll(*, chat: Chat, after: int) -> dict:
    """Everything the widget's poll answers, for one chat."""
    m = markers(chat)
    return {
        "chat": chat.number,
        "state": chat.state,
        "started_by_agent": chat.started_by_agent,
        "messages": messages_after(chat=chat, after=after),
        "markers": {
            "last_seq": m.last_seq,
            "delivered": m.agent_delivered_seq,
            "read": m.agent_read_seq,
        },
        "typing": agent_typing(chat),
    }
