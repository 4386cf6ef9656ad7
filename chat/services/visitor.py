"""The visitor's acts: open a chat from the help center, write, say what was seen, type,
end; and, when nobody can answer, leave a message (a ticket).

Who may start: a signed-in end user, or (when the account allows it) an anonymous
visitor who gives a name and an email; they are found or created as an end user by that
email (accounts.services.user_get_or_create, as the workspace's "add requester" and
inbound email do), and may follow this chat only, by their session (chat.access).

Queueing: a chat is queued for the account's chat-enabled groups. With exactly one such
group it is queued to it (so its ticket gets that group); with several it is queued to
none of them, which chat.access reads as "any chat-enabled group's agents may take it":
picking one group by who is available now would hide the chat from the others the
moment that agent steps away."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, User
from accounts.services import user_get_or_create
from chat import presence
from chat.access import SESSION_KEY, chat_agents
from chat.models import AgentChatStatus, Chat, ChatGroup, ChatMessage, ChatSettings
from chat.selectors import visitor_chats
from chat.services import files
from chat.services.core import chat_end, clean_body, locked, message_post, ring
from servicelevels import businesstime
from servicelevels.selectors import default_schedule_for, schedule_value
from tickets.models import Channel, Ticket
from tickets.services.tickets import ticket_create

MAX_NAME = 100
MAX_SUBJECT = 150


def chat_settings(account: Account) -> ChatSettings:
    """The account's chat settings; unsaved defaults (chat off) until an admin saves
    them, so reading them (every help-center page asks) never writes."""
    found = ChatSettings.objects.for_account(account).select_related("schedule").first()
    return found if found is not None else ChatSettings(account=account)


def widget_offered(settings: ChatSettings, user: User | None) -> bool:
    """The help center shows the chat widget: chat is on, and the visitor is anonymous or
    an end user (agents chat from the workspace; ``chat_start`` refuses them too)."""
    return settings.enabled and (user is None or user.is_end_user)


def within_hours(account: Account, settings: ChatSettings, at=None) -> bool:
    """Inside the chat's business hours (its own schedule, else the account's default;
    always, when the account has none)."""
    schedule = settings.schedule or default_schedule_for(account=account)
    if schedule is None:
        return True
    return businesstime.is_open(schedule_value(schedule=schedule), at or timezone.now())


def agent_available(account: Account) -> bool:
    """At least one agent who takes chats (``access.chat_agents``: an admin or a member
    of a chat-enabled group, whose role makes public replies) set themselves available."""
    return (
        AgentChatStatus.objects.for_account(account)
        .filter(available=True, agent__in=chat_agents(account))
        .exists()
    )


def chat_is_open(account: Account, settings: ChatSettings | None = None) -> bool:
    """Chat is offered now: enabled, inside business hours, and someone to answer."""
    settings = settings or chat_settings(account)
    return settings.enabled and within_hours(account, settings) and agent_available(account)


def _refuse_visitor(
    account: Account, settings: ChatSettings, user: User | None
) -> tuple[bool, User | None]:
    """(signed_in, user) for a visitor who may chat, else a ValidationError saying why."""
    if not settings.enabled:
        raise ValidationError(_("Live chat is not offered here."))
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        assert user is not None
        if not user.is_end_user:
            raise ValidationError(_("Agents chat from the agent workspace."))
        return True, user
    if not settings.anonymous_allowed:
        raise ValidationError(_("Please sign in to chat with us."))
    return False, None


def _anonymous_person(account: Account, name: str, email: str) -> User:
    name = (name or "").strip()
    email = (email or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Tell us your name.")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("Keep the name under %(limit)s characters.") % {"limit": MAX_NAME}]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if errors:
        raise ValidationError(errors)
    person, _created = user_get_or_create(account=account, email=email, name=name)
    # The address of a team member, or of a suspended user, is not theirs to chat as.
    if not person.is_end_user or not person.is_active:
        raise ValidationError({"email": [_("Please sign in to chat with this address.")]})
    return person


def _queue_group(account: Account):
    groups = list(ChatGroup.objects.for_account(account).select_related("group")[:2])
    return groups[0].group if len(groups) == 1 else None


@transaction.atomic
def chat_start(
    *,
    account: Account,
    user: User | None,
    session: Any,
    name: str = "",
    email: str = "",
    first_message: str,
    page_url: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> Chat:
    """Open a chat with its first message, queued (module docstring), with files or not
    (under the account's attachment rules, checked before anything is written). A
    signed-in visitor with a chat still running gets that chat, the message added to it."""
    settings = chat_settings(account)
    signed_in, visitor = _refuse_visitor(account, settings, user)
    if not chat_is_open(account, settings):
        raise ValidationError(_("Nobody is available to chat right now. Leave us a message."))
    clean_body(first_message, with_files=bool(uploads))
    files.validate(account=account, uploads=uploads)
    if signed_in and visitor is not None:
        running = visitor_chats(account=account, user=visitor, session=None).first()
        if running is not None:
            message_post(
                chat=running, author=visitor, body=first_message, kind="visitor", uploads=uploads
            )
            return running
    else:
        visitor = _anonymous_person(account, name, email)
    chat = Chat.objects.create(
        account=account,
        visitor=visitor,
        visitor_signed_in=signed_in,
        group=_queue_group(account),
        page_url=(page_url or "")[:500],
    )
    message_post(
        chat=chat,
        author=visitor,
        body=first_message,
        kind=ChatMessage.Kind.VISITOR,
        uploads=uploads,
    )
    if not signed_in and session is not None:
        session[SESSION_KEY] = [*session.get(SESSION_KEY, []), chat.pk][-20:]
    ring(chat, "state", state=chat.state)
    return chat


def visitor_post(*, chat: Chat, body: str, uploads: Sequence[UploadedFile] = ()) -> ChatMessage:
    """The visitor writes, with files or not (into an ended chat too: it is queued
    again, core.message_post)."""
    return message_post(
        chat=chat, author=chat.visitor, body=body, kind=ChatMessage.Kind.VISITOR, uploads=uploads
    )


def visitor_end(*, chat: Chat) -> Chat:
    return chat_end(chat=chat, actor=chat.visitor)


@transaction.atomic
def visitor_seen_upto(*, chat: Chat, seq: int, read: bool) -> Chat:
    """The visitor's page fetched (``read=False``) or showed (``read=True``) the
    messages up to ``seq``. Markers only move forward, and never past the last message."""
    chat = locked(chat)
    seq = max(0, min(int(seq), chat.last_seq))
    moved = False
    if seq > chat.visitor_delivered_seq:
        chat.visitor_delivered_seq = seq
        moved = True
    if read and seq > chat.visitor_read_seq:
        chat.visitor_read_seq = seq
        moved = True
    if moved:
        chat.save(update_fields=["visitor_delivered_seq", "visitor_read_seq", "updated_at"])
        ring(chat, "read", side="visitor", seq=seq)
    return chat


def visitor_typing(*, chat: Chat) -> None:
    presence.typing_set(chat.account_id, chat.pk, "visitor", chat.visitor.name)


@transaction.atomic
def leave_message(
    *,
    account: Account,
    user: User | None,
    name: str = "",
    email: str = "",
    subject: str = "",
    body: str,
) -> Ticket:
    """The offline form: a ticket (channel chat) from the visitor, as their request."""
    settings = chat_settings(account)
    signed_in, visitor = _refuse_visitor(account, settings, user)
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": [_("Write a message first.")]})
    if not signed_in or visitor is None:
        visitor = _anonymous_person(account, name, email)
    subject = (subject or "").strip()[:MAX_SUBJECT] or _("Message from %(name)s") % {
        "name": visitor.name or visitor.email
    }
    return ticket_create(
        account=account, submitter=visitor, subject=subject, body=body, channel=Channel.CHAT
    )
