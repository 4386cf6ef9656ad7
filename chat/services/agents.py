"""What agents do with chats: say whether they take chats, accept a waiting one, write,
bring a colleague in or hand the chat over, leave, end it, and start one from a ticket.

Every act that could race another (two agents accepting the same chat, a transfer and
an accept) locks the chat's row first (core.locked) and re-reads its state under the
lock: the second agent sees the first one's result and is told so in words."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from accounts.roles import role_label
from chat import access, presence
from chat.models import AgentChatStatus, Chat, ChatMessage, ChatParticipant
from chat.services.core import QUEUE_TOPIC, chat_end, locked, message_post, ring
from chat.services.visitor import chat_settings
from realtime.publish import publish
from tickets.models import Ticket


def _system(chat: Chat, text: str) -> None:
    """A line for both sides and the transcript, in the account's language (it is
    written once, into a ticket everyone reads)."""
    message_post(chat=chat, author=None, body=text, kind=ChatMessage.Kind.SYSTEM)


def _say(chat: Chat, text: Callable[[], str]) -> None:
    """``text`` is called in the account's language (a lambda around a gettext call, so
    the catalogues find the string)."""
    with override(chat.account.default_locale):
        said = text()
    _system(chat, said)
    chat.refresh_from_db()


def is_available(agent: User) -> bool:
    return (
        AgentChatStatus.objects.for_account(agent.account)
        .filter(agent=agent, available=True)
        .exists()
    )


def current_chat_count(agent: User) -> int:
    return (
        ChatParticipant.objects.for_account(agent.account)
        .filter(agent=agent, left_at__isnull=True)
        .exclude(chat__state=Chat.State.ENDED)
        .count()
    )


def _current(chat: Chat, agent: User) -> ChatParticipant | None:
    return (
        ChatParticipant.objects.for_account(chat.account)
        .filter(chat=chat, agent=agent, left_at__isnull=True)
        .first()
    )


def no_chats_message(agent: User, *, you: bool) -> str | None:
    """Why ``agent`` takes no chat, in words for them (``you``) or for a colleague who
    would bring them in; None when they do (``access.no_chats_reason`` has the rule)."""
    reason = access.no_chats_reason(agent)
    if reason is None:
        return None
    if reason is access.NoChats.ROLE:
        role = role_label(agent)
        if you:
            return _(
                "You don't take chats: your role, %(role)s, writes internal notes only, "
                "and every chat message reaches the visitor."
            ) % {"role": role}
        return _(
            "%(name)s doesn't take chats: their role, %(role)s, writes internal notes only."
        ) % {"name": agent.name, "role": role}
    if not you:
        return _("%(name)s doesn't take chats.") % {"name": agent.name}
    return _("You don't take chats: you are not in a chat group.")


def _require_ready(agent: User, *, you: bool, available: bool = True) -> None:
    """``agent`` may take one more chat now: a chat agent, available (unless the agent
    starts the chat themselves), under the limit."""
    refusal = no_chats_message(agent, you=you)
    if refusal is not None:
        raise ValidationError(refusal)
    if available and not is_available(agent):
        raise ValidationError(
            _("Set yourself available for chat first.")
            if you
            else _("%(name)s is away.") % {"name": agent.name}
        )
    limit = chat_settings(agent.account).max_chats_per_agent  # type: ignore[arg-type]  # an agent has one
    if current_chat_count(agent) >= limit:
        raise ValidationError(
            _("You already have %(limit)s chats, the most an agent may have at once.")
            % {"limit": limit}
            if you
            else _("%(name)s already has %(limit)s chats, the most an agent may have at once.")
            % {"name": agent.name, "limit": limit}
        )


def _require_on(agent: User, chat: Chat) -> ChatParticipant:
    row = _current(chat, agent)
    if row is None:
        raise ValidationError(_("You are not on this chat."))
    return row


@transaction.atomic
def availability_set(*, agent: User, available: bool) -> AgentChatStatus:
    refusal = no_chats_message(agent, you=True)
    if refusal is not None:
        raise ValidationError(refusal)
    status, _created = AgentChatStatus.objects.for_account(agent.account).get_or_create(
        account=agent.account, agent=agent
    )
    status.available = available
    status.changed_at = timezone.now()
    status.save()
    publish(status.account_id, QUEUE_TOPIC, {"kind": "agents"})
    return status


@transaction.atomic
def chat_accept(*, agent: User, chat: Chat) -> Chat:
    """Take a waiting chat as its owner. Of two agents accepting at once, the row lock
    lets one through; the other finds the chat no longer waiting."""
    chat = locked(chat)
    if chat.state != Chat.State.QUEUED:
        raise ValidationError(_("Another agent has already accepted this chat."))
    # Whoever takes no chat (a light agent) is told why before "not for you": a waiting
    # chat is for nobody who takes none (access.agent_may_see).
    _require_ready(agent, you=True)
    if not access.agent_may_see(agent, chat):
        raise ValidationError(_("This chat is not for you."))
    now = timezone.now()
    ChatParticipant.objects.create(
        account=chat.account, chat=chat, agent=agent, role=ChatParticipant.Role.OWNER, joined_at=now
    )
    chat.state = Chat.State.ACTIVE
    chat.accepted_at = now
    chat.save()
    _say(chat, lambda: _("%(name)s joined the chat") % {"name": agent.name})
    ring(chat, "state", state=chat.state)
    return chat


def agent_post(
    *, agent: User, chat: Chat, body: str, uploads: Sequence[UploadedFile] = ()
) -> ChatMessage:
    """An agent on the chat writes, with files or not (core.message_post)."""
    if _current(chat, agent) is None:
        raise ValidationError(_("You are not on this chat."))
    return message_post(
        chat=chat, author=agent, body=body, kind=ChatMessage.Kind.AGENT, uploads=uploads
    )


@transaction.atomic
def chat_invite(*, agent: User, chat: Chat, other: User) -> ChatParticipant:
    """Bring a colleague in beside the owner (they may write; the chat stays the owner's)."""
    chat = locked(chat)
    _require_on(agent, chat)
    if chat.state != Chat.State.ACTIVE:
        raise ValidationError(_("This chat is not in progress."))
    if other.account_id != chat.account_id or _current(chat, other) is not None:
        raise ValidationError(_("%(name)s is already on this chat.") % {"name": other.name})
    _require_ready(other, you=False)
    row = ChatParticipant.objects.create(
        account=chat.account, chat=chat, agent=other, role=ChatParticipant.Role.GUEST
    )
    _say(chat, lambda: _("%(name)s joined the chat") % {"name": other.name})
    ring(chat, "state", state=chat.state)
    return row


@transaction.atomic
def chat_transfer(*, agent: User, chat: Chat, other: User) -> Chat:
    """Hand the chat over: the new owner must be ready to take one more chat (a guest
    already on it becomes its owner)."""
    chat = locked(chat)
    row = _require_on(agent, chat)
    if row.role != ChatParticipant.Role.OWNER:
        raise ValidationError(_("Only the agent who has the chat can transfer it."))
    if other.pk == agent.pk or other.account_id != chat.account_id:
        raise ValidationError(_("Choose another agent."))
    guest = _current(chat, other)
    if guest is None:
        _require_ready(other, you=False)
    now = timezone.now()
    row.left_at = now
    row.save(update_fields=["left_at"])
    if guest is not None:
        guest.role = ChatParticipant.Role.OWNER
        guest.save(update_fields=["role"])
    else:
        ChatParticipant.objects.create(
            account=chat.account, chat=chat, agent=other, role=ChatParticipant.Role.OWNER
        )
    _say(
        chat,
        lambda: (
            _("%(old)s transferred the chat to %(new)s") % {"old": agent.name, "new": other.name}
        ),
    )
    ring(chat, "state", state=chat.state)
    return chat


@transaction.atomic
def chat_leave(*, agent: User, chat: Chat) -> Chat:
    """A guest leaves; an owner leaving without a transfer puts the chat back in the
    queue (with a guest still on it, the guest becomes the owner instead)."""
    chat = locked(chat)
    row = _require_on(agent, chat)
    row.left_at = timezone.now()
    row.save(update_fields=["left_at"])
    _say(chat, lambda: _("%(name)s left the chat") % {"name": agent.name})
    if row.role == ChatParticipant.Role.OWNER and chat.state == Chat.State.ACTIVE:
        guest = (
            ChatParticipant.objects.for_account(chat.account)
            .filter(chat=chat, left_at__isnull=True)
            .order_by("joined_at")
            .first()
        )
        if guest is not None:
            guest.role = ChatParticipant.Role.OWNER
            guest.save(update_fields=["role"])
        else:
            chat = locked(chat)
            chat.state = Chat.State.QUEUED
            chat.accepted_at = None
            chat.save()
    ring(chat, "state", state=chat.state)
    return chat


def agent_end(*, agent: User, chat: Chat) -> Chat:
    if not agent.is_admin and _current(chat, agent) is None:
        raise ValidationError(_("You are not on this chat."))
    return chat_end(chat=chat, actor=agent)


@transaction.atomic
def agent_seen_upto(*, agent: User, chat: Chat, delivered: int, read: int) -> Chat:
    """The agents' side's markers: the highest seq a page of theirs fetched and showed.
    Markers only move forward and never past the last message."""
    if _current(chat, agent) is None:
        return chat
    chat = locked(chat)
    delivered = min(max(delivered, read), chat.last_seq)
    read = min(read, chat.last_seq)
    if delivered <= chat.agent_delivered_seq and read <= chat.agent_read_seq:
        return chat
    chat.agent_delivered_seq = max(chat.agent_delivered_seq, delivered)
    chat.agent_read_seq = max(chat.agent_read_seq, read)
    chat.save(update_fields=["agent_delivered_seq", "agent_read_seq", "updated_at"])
    ring(chat, "seen", side="agent")
    return chat


def agent_typing(*, agent: User, chat: Chat) -> None:
    if _current(chat, agent) is None:
        return
    presence.typing_set(chat.account_id, chat.pk, "agent", agent.name)
    ring(chat, "typing", side="agent")


@transaction.atomic
def chat_start_from_ticket(*, agent: User, ticket: Ticket) -> Chat:
    """Seed 002: an agent opens a chat with a ticket's requester while they have the
    help center open. Its transcript goes into this ticket (core.write_transcript)."""
    requester = ticket.requester
    if ticket.account_id != agent.account_id or not agent.is_agent:
        raise ValidationError(_("This ticket is not for you."))
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError(_("This ticket is closed."))
    if not requester.is_end_user or not presence.visitor_online(ticket.account_id, requester.pk):
        raise ValidationError(_("The requester is not on the help center now."))
    open_chat = (
        Chat.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .exclude(state=Chat.State.ENDED)
        .first()
    )
    if open_chat is not None:
        raise ValidationError(_("This ticket already has a chat in progress."))
    _require_ready(agent, you=True, available=False)
    now = timezone.now()
    chat = Chat.objects.create(
        account=ticket.account,
        visitor=requester,
        visitor_signed_in=True,
        group=ticket.group,
        ticket=ticket,
        state=Chat.State.ACTIVE,
        started_by_agent=True,
        started_at=now,
        accepted_at=now,
    )
    ChatParticipant.objects.create(
        account=chat.account, chat=chat, agent=agent, role=ChatParticipant.Role.OWNER, joined_at=now
    )
    _say(
        chat,
        lambda: (
            _("%(name)s started a chat about ticket #%(number)s")
            % {"name": agent.name, "number": ticket.number}
        ),
    )
    ring(chat, "state", state=chat.state)
    return chat
