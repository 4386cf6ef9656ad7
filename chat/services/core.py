"""The two acts every side of a chat shares: writing a message, and ending the chat
(which writes its transcript into a ticket). The visitor's acts (chat.services.visitor)
and the agents' (chat.services.agents) are built on these.

A message is a row first, then a doorbell (realtime.publish, after commit) on the chat's
topic ``chat:<number>``; the queue's topic ``chat-queue`` rings when a chat is queued,
accepted or ended, so every agent's workspace looks again."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from chat.models import Chat, ChatMessage, ChatParticipant
from chat.presence import typing_clear
from chat.selectors import files_by_message
from chat.services import files
from realtime.publish import publish
from tickets.models import Channel, Ticket
from tickets.services.tickets import comment_add, ticket_open, ticket_update

MAX_MESSAGE = 10_000
QUEUE_TOPIC = "chat-queue"


def chat_topic(chat: Chat) -> str:
    return f"chat:{chat.number}"


def ring(chat: Chat, kind: str, **extra: object) -> None:
    """Tell the chat's pages (and, for a change of state, every workspace) to look."""
    publish(chat.account_id, chat_topic(chat), {"kind": kind, "chat": chat.number, **extra})
    if kind == "state":
        publish(chat.account_id, QUEUE_TOPIC, {"kind": "queue", "chat": chat.number})


def locked(chat: Chat) -> Chat:
    """The chat's row, locked for the rest of the transaction: messages take their seq
    from it, and two agents accepting at once are told apart by it."""
    return Chat.objects.for_account(chat.account).select_for_update().get(pk=chat.pk)


def clean_body(body: str, *, with_files: bool = False) -> str:
    """The message's text; empty only beside a file."""
    body = (body or "").replace("\r\n", "\n").strip()
    if not body and not with_files:
        raise ValidationError({"body": _("Write a message first.")})
    if len(body) > MAX_MESSAGE:
        raise ValidationError(
            {"body": _("Keep a message under %(limit)s characters.") % {"limit": MAX_MESSAGE}}
        )
    return body


@transaction.atomic
def message_post(
    *,
    chat: Chat,
    author: User | None,
    body: str,
    kind: str,
    uploads: Sequence[UploadedFile] = (),
) -> ChatMessage:
    """Append a message (``kind`` visitor, agent or system): text, files (``uploads``,
    under the account's attachment rules: chat.services.files) or both. An ended chat
    takes no agent message; a visitor writing into an ended chat reopens it (queued
    again, or back with its owner while they are still on it), so "later messages in
    the same chat" land in the same ticket at its next end."""
    body = clean_body(body, with_files=bool(uploads))
    files.validate(account=chat.account, uploads=uploads)
    chat = locked(chat)
    reopened = False
    if chat.state == Chat.State.ENDED:
        if kind != ChatMessage.Kind.VISITOR:
            raise ValidationError(_("This chat has ended."))
        chat.state = Chat.State.QUEUED
        chat.ended_at = None
        chat.accepted_at = None
        reopened = True
    chat.last_seq += 1
    message = ChatMessage.objects.create(
        account=chat.account, chat=chat, seq=chat.last_seq, kind=kind, author=author, body=body
    )
    files.store(message=message, uploader=author, uploads=uploads)
    # The writer has read everything up to their own message.
    if kind == ChatMessage.Kind.VISITOR:
        chat.visitor_delivered_seq = chat.visitor_read_seq = chat.last_seq
    elif kind == ChatMessage.Kind.AGENT:
        chat.agent_delivered_seq = chat.agent_read_seq = chat.last_seq
    chat.save()
    if kind in (ChatMessage.Kind.VISITOR, ChatMessage.Kind.AGENT):
        # What they were typing is sent: the other side's indicator stops now, not when
        # the indicator would have faded.
        typing_clear(chat.account_id, chat.pk, kind)
    ring(chat, "message", seq=message.seq)
    if reopened:
        ring(chat, "state", state=chat.state)
    return message


def transcript(chat: Chat, after_seq: int = 0) -> str:
    """The conversation as plain text, one line per message, in the account's time zone
    and language: "[14:02] Ada Lovelace: Hello"."""
    zone = ZoneInfo(chat.account.time_zone or "UTC")
    lines = []
    messages = list(chat.messages.filter(seq__gt=after_seq).select_related("author"))
    sent = files_by_message(chat=chat, message_ids=[m.pk for m in messages])
    with override(chat.account.default_locale):
        for message in messages:
            when = timezone.localtime(message.created_at, zone).strftime("%H:%M")
            if message.kind == ChatMessage.Kind.SYSTEM:
                lines.append(f"[{when}] — {message.body}")
                continue
            name = message.author.name if message.author else _("Visitor")
            said = [message.body] if message.body else []
            said += [
                _("(file: %(name)s)") % {"name": row.filename} for row in sent.get(message.pk, [])
            ]
            lines.append(f"[{when}] {name}: {' '.join(said)}")
    return "\n".join(lines)


def current_owner(chat: Chat) -> User | None:
    row = (
        ChatParticipant.objects.for_account(chat.account)
        .filter(chat=chat, left_at__isnull=True, role=ChatParticipant.Role.OWNER)
        .select_related("agent")
        .first()
    )
    return row.agent if row else None


@transaction.atomic
def chat_end(*, chat: Chat, actor: User | None) -> Chat:
    """End the chat (its visitor, an agent on it, or the system for an abandoned one)
    and write what was said since the last transcript into its ticket."""
    chat = locked(chat)
    if chat.state == Chat.State.ENDED:
        return chat
    chat.state = Chat.State.ENDED
    chat.ended_at = timezone.now()
    now = timezone.now()
    ChatParticipant.objects.for_account(chat.account).filter(
        chat=chat, left_at__isnull=True
    ).update(left_at=now)
    write_transcript(chat)
    chat.save()
    ring(chat, "state", state=chat.state)
    return chat


def write_transcript(chat: Chat) -> None:
    """Messages after ``transcribed_seq`` into the chat's ticket: the first comment of a
    new ticket (channel chat, the visitor its requester, assigned to the agent who had
    the chat), or a new public comment of the ticket it already has. A ticket that was
    Closed in between takes no comment: a follow-up ticket is opened, as for email.
    The files sent in those messages become attachments of that comment."""
    if chat.last_seq <= chat.transcribed_seq:
        return
    text = transcript(chat, chat.transcribed_seq)
    ticket = chat.ticket
    if ticket is not None:
        ticket.refresh_from_db(fields=["status"])
        if ticket.status == Ticket.Status.CLOSED:
            ticket = None
    owner = current_owner(chat) or _last_owner(chat)
    if ticket is None:
        with override(chat.account.default_locale):
            subject = _("Chat with %(name)s") % {"name": chat.visitor.name or chat.visitor.email}
        change = ticket_open(
            account=chat.account,
            submitter=chat.visitor,
            subject=subject,
            body=text,
            channel=Channel.CHAT,
        )
        ticket = change.ticket
        comment = change.comment
        fields: dict[str, object] = {}
        if chat.group is not None:
            fields["group"] = chat.group
        if owner is not None and owner.is_active:
            fields["assignee"] = owner
            # An agent who took the chat by transfer from another group keeps it
            # assigned to them, in their own default group.
            if chat.group is not None and not chat.group.memberships.filter(user=owner).exists():
                del fields["group"]
        if fields:
            ticket_update(ticket=ticket, actor=None, channel=Channel.SYSTEM, **fields)
        chat.ticket = ticket
    else:
        comment = comment_add(ticket=ticket, author=chat.visitor, body=text, channel=Channel.CHAT)
    if comment is not None:
        # The files sent go with the transcript: attachments of its comment.
        files.copy_to_comment(chat=chat, after_seq=chat.transcribed_seq, comment=comment)
    chat.transcribed_seq = chat.last_seq


def _last_owner(chat: Chat) -> User | None:
    row = (
        ChatParticipant.objects.for_account(chat.account)
        .filter(chat=chat, role=ChatParticipant.Role.OWNER)
        .order_by("-joined_at")
        .select_related("agent")
        .first()
    )
    return row.agent if row else None
