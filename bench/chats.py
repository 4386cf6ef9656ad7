"""Live chat's bench data (issue 28): ``HISTORY`` ended chats of the bench account's end
users over the last 90 days, ``MESSAGES`` messages each, then ``WAITING`` chats in the
queue and ``MINE`` in progress with the admin; loaded once (bulk, then the tables are
analysed); scenarios 11c (the workspace) and 11q (the queue's poll) read them. Without
them both scenarios measured an empty workspace at 1M tickets: the chat tables were
empty, and the queue's and the agent's indexes (chat_acct_open, chatparticipant_current)
had nothing to skip."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

HISTORY = 20_000
MESSAGES = 8
WAITING = 30
MINE = 3
BATCH = 2_000


def chat_context(account) -> dict:
    from accounts.models import AgentGroup, User
    from chat.models import AgentChatStatus, Chat, ChatGroup, ChatSettings

    chats = Chat.objects.for_account(account)
    if not chats.exists():
        people = User.objects.for_account(account)
        admin = people.filter(role=User.Role.ADMIN).order_by("pk").first()
        visitors = list(
            people.filter(role=User.Role.END_USER)
            .order_by("pk")
            .values_list("pk", flat=True)[:5_000]
        )
        with transaction.atomic():
            ChatSettings.objects.for_account(account).update_or_create(
                account=account, defaults={"enabled": True, "max_chats_per_agent": 10}
            )
            group = AgentGroup.objects.for_account(account).order_by("pk").first()
            if group is not None:
                ChatGroup.objects.for_account(account).get_or_create(account=account, group=group)
            AgentChatStatus.objects.for_account(account).update_or_create(
                account=account, agent=admin, defaults={"available": True}
            )
            now = timezone.now()
            for start in range(0, HISTORY, BATCH):
                _load(account, admin, visitors, range(start, start + BATCH), now, ended=True)
            _load(account, admin, visitors, range(WAITING), now, ended=False)
            _take(account, admin, now)
        with connection.cursor() as cursor:
            for table in ("chat_chat", "chat_chatmessage", "chat_chatparticipant"):
                cursor.execute(f"ANALYZE {table}")  # noqa: S608 - our own table names
    return {"chats": chats.count()}


def _load(account, admin, visitors: list[int], indexes: range, now, *, ended: bool) -> None:
    from chat.models import Chat, ChatMessage, ChatParticipant

    made = Chat.objects.bulk_create(
        Chat(
            account=account,
            visitor_id=visitors[i % len(visitors)],
            state=Chat.State.ENDED if ended else Chat.State.QUEUED,
            visitor_signed_in=True,
            started_at=(start := now - dt.timedelta(minutes=(i * 7 % 129_600) if ended else i)),
            accepted_at=start + dt.timedelta(seconds=30) if ended else None,
            ended_at=start + dt.timedelta(minutes=9) if ended else None,
            last_seq=MESSAGES if ended else 1,
            transcribed_seq=MESSAGES if ended else 0,
            page_url="/hc/",
        )
        for i in indexes
    )
    ChatMessage.objects.bulk_create(
        ChatMessage(
            account=account,
            chat=chat,
            seq=seq,
            kind="visitor" if seq % 2 else "agent",
            author_id=chat.visitor_id if seq % 2 else admin.pk,
            body=f"Message {seq} of this chat: the printer prints blank pages again.",
            created_at=chat.started_at + dt.timedelta(seconds=40 * seq),
        )
        for chat in made
        for seq in range(1, chat.last_seq + 1)
    )
    if ended:
        ChatParticipant.objects.bulk_create(
            ChatParticipant(
                account=account,
                chat=chat,
                agent=admin,
                joined_at=chat.accepted_at,
                left_at=chat.ended_at,
            )
            for chat in made
        )


def _take(account, admin, now) -> None:
    """The admin's own chats in progress: the oldest waiting ones, accepted."""
    from chat.models import Chat, ChatParticipant

    mine = list(
        Chat.objects.for_account(account)
        .filter(state=Chat.State.QUEUED)
        .order_by("started_at")[:MINE]
    )
    for chat in mine:
        chat.state, chat.accepted_at = Chat.State.ACTIVE, now
        chat.save(update_fields=["state", "accepted_at"])
        ChatParticipant.objects.create(account=account, chat=chat, agent=admin, joined_at=now)
