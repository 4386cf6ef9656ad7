"""Who may see a chat. One place for the rule: the pages, the polling endpoints and
the realtime topics (``chat:<number>``, ``chat-queue``) all ask here.

- The visitor: a signed-in end user follows their own chats; an anonymous visitor only
  the chats their session started (``SESSION_KEY``), never the account's other rows of
  the person their email names.
- Agents: admins every chat; an agent the chats they are or were on, and, if they take
  chats (``no_chats_reason``: a light agent does not), the waiting chats of their
  chat-enabled groups (a chat queued with no group: of any such group).
- Nobody of another account, whatever number they guess (the callers look chats up
  inside the request's account only)."""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import GroupMembership, User
from accounts.roles import permissions_of
from chat.models import Chat, ChatGroup, ChatParticipant

SESSION_KEY = "chat_ids"  # an anonymous visitor's chats: ids, kept server-side


def chat_group_ids(account: Any) -> list[int]:
    return list(ChatGroup.objects.for_account(account).values_list("group_id", flat=True))


class NoChats(enum.Enum):
    """Why an agent takes no chat (``no_chats_reason``)."""

    NOT_AN_AGENT = "not_an_agent"  # an end user, or deactivated
    ROLE = "role"  # a role without public replies: a light agent
    NO_GROUP = "no_group"  # in none of the account's chat-enabled groups


def no_chats_reason(agent: User) -> NoChats | None:
    """None for an admin, or a member of one of the account's chat-enabled groups whose
    role allows public replies: every chat message reaches the visitor, and a chat's
    ticket is assigned to its agent (a light agent writes internal notes only, and is
    never assigned). Otherwise why not, the first reason of ``NoChats`` that holds."""
    if not agent.is_agent or not agent.is_active:
        return NoChats.NOT_AN_AGENT
    if not permissions_of(agent).public_replies:
        return NoChats.ROLE
    if agent.is_admin:
        return None
    in_group = (
        GroupMembership.objects.for_account(agent.account)
        .filter(user=agent, group_id__in=chat_group_ids(agent.account))
        .exists()
    )
    return None if in_group else NoChats.NO_GROUP


def is_chat_agent(agent: User) -> bool:
    """``agent`` takes chats (``no_chats_reason`` has the rule)."""
    return no_chats_reason(agent) is None


def chat_agents(account: Any) -> QuerySet[User]:
    """The account's users who take chats: ``no_chats_reason``'s rule as a query (kept
    beside it; tests/chat/test_agents.py holds the two to the same answers)."""
    members = GroupMembership.objects.for_account(account).filter(
        group_id__in=chat_group_ids(account)
    )
    return (
        User.objects.for_account(account)
        .filter(is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .filter(Q(agent_role__isnull=True) | Q(agent_role__public_replies=True))
        .filter(Q(role=User.Role.ADMIN) | Q(pk__in=members.values("user_id")))
    )


def visitor_may_follow(user: Any, session: Any, chat: Chat) -> bool:
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if signed_in and user.pk == chat.visitor_id and chat.visitor_signed_in and user.is_end_user:
        return True
    ids = session.get(SESSION_KEY, []) if session is not None else []
    return not chat.visitor_signed_in and chat.pk in ids


def agent_may_see(agent: User, chat: Chat) -> bool:
    if not agent.is_agent or not agent.is_active or agent.account_id != chat.account_id:
        return False
    if agent.is_admin:
        return True
    if ChatParticipant.objects.for_account(chat.account).filter(chat=chat, agent=agent).exists():
        return True
    # A waiting chat: for whoever may take it (``no_chats_reason``: not a light agent,
    # in a chat group), of the chat's group; one queued with no group, of any.
    if chat.state != Chat.State.QUEUED or no_chats_reason(agent) is not None:
        return False
    if chat.group_id is None:
        return True
    return (
        GroupMembership.objects.for_account(chat.account)
        .filter(user=agent, group_id=chat.group_id)
        .exists()
    )
