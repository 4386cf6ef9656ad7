"""What the agents' chat workspace reads: the queue, the agent's own chats, a chat's
messages after a seq (with the markers and whether the visitor is typing), and the
colleagues a chat may go to. Each read is served by an index of chat.models: the open
chats by ``chat_acct_open`` (account, started_at WHERE state <> 'ended'), an agent's
running chats by ``chatparticipant_current``, the available agents by
``agentchatstatus_available``. Measured on a copy of the 1M-ticket bench database with
300,030 chats in its account (24 waiting): the queue is an Index Scan using
chat_acct_open, 0.6 ms, 11 buffers (tests/bench/test_chat_plans.py pins the plan)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import GroupMembership, User
from chat import access, presence
from chat.models import (
    AgentChatStatus,
    Chat,
    ChatAttachment,
    ChatMessage,
    ChatParticipant,
    ChatSettings,
)

QUEUE_SHOWN = 50
MESSAGES_SHOWN = 200


def chat_for_agent(*, agent: User, number: int) -> Chat:
    """A chat of the agent's account that access.agent_may_see allows; 404 alike for
    another account's chat, a missing number and one the agent may not see."""
    if not agent.is_agent:
        raise Http404
    chat = get_object_or_404(
        Chat.objects.for_account(agent.account).select_related("visitor", "ticket", "group"),
        number=number,
    )
    if not access.agent_may_see(agent, chat):
        raise Http404
    return chat


def chat_for_accept(*, agent: User, number: int) -> Chat:
    """chat_for_agent's rule, and also a chat the agent could have taken while it
    waited (one of their groups') that someone else has accepted since: the agent
    pressed Accept a moment too late and is told so (chat_accept), not shown a 404."""
    try:
        return chat_for_agent(agent=agent, number=number)
    except Http404:
        chat = get_object_or_404(Chat.objects.for_account(agent.account), number=number)
        probe = copy.copy(chat)
        probe.state = Chat.State.QUEUED
        if chat.state == Chat.State.QUEUED or not access.agent_may_see(agent, probe):
            raise
        return chat


def waiting_chats(agent: User) -> QuerySet[Chat]:
    """The queue's rows, unordered (tests/bench/test_chat_plans.py explains it).
    Waiting chats the agent may take: none for whoever takes no chat (a light agent:
    ``access.no_chats_reason`` has the rule); every one for an admin; for an agent those
    of their chat-enabled groups (and the ones queued with no group)."""
    qs = Chat.objects.for_account(agent.account).filter(state=Chat.State.QUEUED)
    if access.no_chats_reason(agent) is not None:
        return qs.none()
    if agent.is_admin:
        return qs
    groups = list(
        GroupMembership.objects.for_account(agent.account)
        .filter(user=agent, group_id__in=access.chat_group_ids(agent.account))
        .values_list("group_id", flat=True)
    )
    return qs.filter(Q(group_id__in=groups) | Q(group__isnull=True))


@dataclass(frozen=True)
class Waiting:
    chat: Chat
    waited: timedelta


def queue_for_agent(*, agent: User, now: datetime | None = None) -> list[Waiting]:
    """The waiting chats, oldest first, with how long each has waited."""
    now = now or timezone.now()
    rows = (
        waiting_chats(agent)
        .exclude(state=Chat.State.ENDED)  # the index's predicate, spelled for the planner
        .select_related("visitor")
        .order_by("started_at")[:QUEUE_SHOWN]
    )
    return [Waiting(chat=row, waited=now - row.started_at) for row in rows]


def queue_count(*, agent: User) -> int:
    return waiting_chats(agent).exclude(state=Chat.State.ENDED).count()


def chats_of_agent(*, agent: User) -> list[Chat]:
    """The chats the agent is on now (as owner or guest), oldest first."""
    return list(
        Chat.objects.for_account(agent.account)
        .filter(
            participants__agent=agent,
            participants__left_at__isnull=True,
        )
        .exclude(state=Chat.State.ENDED)
        .select_related("visitor", "ticket")
        .order_by("started_at")
    )


def role_on(*, agent: User, chat: Chat) -> str:
    """ "owner", "guest", or "" when the agent is not on the chat now."""
    row = (
        ChatParticipant.objects.for_account(chat.account)
        .filter(chat=chat, agent=agent, left_at__isnull=True)
        .values_list("role", flat=True)
        .first()
    )
    return row or ""


def _files(account) -> Prefetch:
    """The messages' files (``message.attachments.all``), in one query for them all."""
    return Prefetch("attachments", queryset=ChatAttachment.objects.for_account(account))


def file_for_agent(*, agent: User, number: int, file_number: int) -> ChatAttachment:
    """A file of a chat the agent may see (chat_for_agent); 404 alike for another
    chat's file, another account's and a missing one."""
    chat = chat_for_agent(agent=agent, number=number)
    return get_object_or_404(
        ChatAttachment.objects.for_account(chat.account), chat=chat, number=file_number
    )


@dataclass(frozen=True)
class ChatUpdate:
    chat: Chat
    messages: list[ChatMessage]
    visitor_typing: str
    others_typing: str


def chat_update(*, agent: User, chat: Chat, after: int = 0) -> ChatUpdate:
    """Messages after ``after`` (the last MESSAGES_SHOWN of them), the chat's markers
    (fresh from its row) and who of the visitor's side is typing."""
    qs = (
        ChatMessage.objects.for_account(chat.account)
        .filter(chat=chat, seq__gt=max(after, 0))
        .select_related("author")
        .prefetch_related(_files(chat.account))
        .order_by("-seq")[:MESSAGES_SHOWN]
    )
    messages = sorted(qs, key=lambda m: m.seq)
    agent_typing = presence.typing_of(chat.account_id, chat.pk, "agent")
    return ChatUpdate(
        chat=chat,
        messages=messages,
        visitor_typing=presence.typing_of(chat.account_id, chat.pk, "visitor"),
        others_typing="" if agent_typing == agent.name else agent_typing,
    )


@dataclass(frozen=True)
class Pane:
    chat: Chat
    update: ChatUpdate
    role: str
    handover: list[User]


def workspace_panes(*, agent: User) -> list[Pane]:
    """The agent's chats, each with its last messages, the agent's role on it and the
    colleagues it may go to: a fixed number of queries whatever the number of chats
    (the messages of every chat in one, the participants of every chat in one)."""
    chats = chats_of_agent(agent=agent)
    if not chats:
        return []
    account = agent.account
    window = Q()
    for chat in chats:
        window |= Q(chat=chat, seq__gt=chat.last_seq - MESSAGES_SHOWN)
    by_chat: dict[int, list[ChatMessage]] = {chat.pk: [] for chat in chats}
    for message in (
        ChatMessage.objects.for_account(account)
        .filter(window)
        .select_related("author")
        .prefetch_related(_files(account))
        .order_by("chat_id", "seq")
    ):
        by_chat[message.chat_id].append(message)
    on: dict[int, dict[int, str]] = {chat.pk: {} for chat in chats}
    for chat_id, agent_id, role in (
        ChatParticipant.objects.for_account(account)
        .filter(chat__in=chats, left_at__isnull=True)
        .values_list("chat_id", "agent_id", "role")
    ):
        on[chat_id][agent_id] = role
    colleagues = handover_candidates(account=account, exclude=agent)
    panes = []
    for chat in chats:
        typing = presence.typing_of(chat.account_id, chat.pk, "agent")
        update = ChatUpdate(
            chat=chat,
            messages=by_chat[chat.pk],
            visitor_typing=presence.typing_of(chat.account_id, chat.pk, "visitor"),
            others_typing="" if typing == agent.name else typing,
        )
        handover = [user for user in colleagues if user.pk not in on[chat.pk]]
        panes.append(Pane(chat, update, on[chat.pk].get(agent.pk, ""), handover))
    return panes


def agents_for_handover(*, chat: Chat, exclude: User) -> list[User]:
    """Chat agents who are available and under the limit, other than ``exclude`` and
    those already on the chat: whom the chat may be transferred to or shared with."""
    on_chat = set(
        ChatParticipant.objects.for_account(chat.account)
        .filter(chat=chat, left_at__isnull=True)
        .values_list("agent_id", flat=True)
    )
    return [
        user
        for user in handover_candidates(account=chat.account, exclude=exclude)
        if user.pk not in on_chat
    ]


def handover_candidates(*, account, exclude: User) -> list[User]:
    """Chat agents (admins, members of a chat group) who are available and under the
    limit, other than ``exclude``."""
    limit = (
        ChatSettings.objects.for_account(account)
        .values_list("max_chats_per_agent", flat=True)
        .first()
    )
    if limit is None:
        limit = ChatSettings._meta.get_field("max_chats_per_agent").get_default()
    available = list(
        AgentChatStatus.objects.for_account(account)
        .filter(available=True)
        .values_list("agent_id", flat=True)
    )
    running = dict(
        ChatParticipant.objects.for_account(account)
        .filter(agent_id__in=available, left_at__isnull=True)
        .exclude(chat__state=Chat.State.ENDED)
        .values("agent_id")
        .annotate(n=Count("id"))
        .values_list("agent_id", "n")
    )
    members = set(
        GroupMembership.objects.for_account(account)
        .filter(group_id__in=access.chat_group_ids(account), user_id__in=available)
        .values_list("user_id", flat=True)
    )
    candidates = (
        User.objects.for_account(account)
        .filter(pk__in=available, is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .order_by("name")
    )
    return [
        user
        for user in candidates
        if user.pk != exclude.pk
        and running.get(user.pk, 0) < limit
        and (user.is_admin or user.pk in members)
    ]


def agent_by_number(*, account, number: int | None) -> User | None:
    """An agent (or admin) of ``account`` by their number, for invite and transfer."""
    if number is None:
        return None
    return (
        User.objects.for_account(account)
        .filter(number=number, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .first()
    )
