"""Chats under the account's privacy and retention rules (issue 21 applied to issue 28).

- A person permanently deleted (tickets.services.privacy.person_erase, through
  ``accounts.signals.person_erasing``): their chats go whole (messages, files, the name
  and email an anonymous visitor gave live on their user row, which goes too); what they
  wrote in anyone else's chat is redacted and their files there removed; the subjects of
  the tickets their chats opened ("Chat with Pia") lose their name and addresses.
- A person's export (``accounts.signals.person_exporting``): their chats, each message
  with its author, time, text and files' names.
- A ticket deleted for good (``tickets.events.tickets_deleting``: an agent's delete and
  the retention pass alike): the ended chats whose transcript it holds go with it. A chat
  still running keeps going; its next transcript opens a new ticket.
- Retention (``tickets.events.retention_expiring``): ended chats never turned into a
  ticket go after the closed tickets' months, counted from their end; chat files go
  after the attachments' months, as ticket files do.

Rows go first; the stored files after the commit (a failure in between leaves a file
without a row, never a row without a file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Account, User
from chat.models import Chat, ChatAttachment, ChatMessage
from tickets.models import RetentionPolicy, Ticket
from tickets.services.privacy import REDACTED
from tickets.services.retention import BATCH, months_before


def _files_after_commit(rows: Iterable[ChatAttachment]) -> None:
    files = [(row.file.storage, row.file.name) for row in rows if row.file.name]

    def delete() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete)


def chats_delete(account: Account, chats: QuerySet[Chat]) -> int:
    """Delete the chats (their messages, participants and files with them)."""
    ids = list(chats.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        _files_after_commit(ChatAttachment.objects.for_account(account).filter(chat_id__in=ids))
        Chat.objects.for_account(account).filter(pk__in=ids).delete()
    return len(ids)


def chat_files_delete(account: Account, files: QuerySet[ChatAttachment]) -> int:
    with transaction.atomic():
        rows = list(files)
        _files_after_commit(rows)
        ChatAttachment.objects.for_account(account).filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def on_person_erasing(sender, *, account: Account, user: User, addresses, **kwargs) -> None:
    chats = Chat.objects.for_account(account).filter(visitor=user)
    ticket_ids = set(chats.exclude(ticket=None).values_list("ticket_id", flat=True))
    chats_delete(account, chats)
    chat_files_delete(account, ChatAttachment.objects.for_account(account).filter(uploader=user))
    ChatMessage.objects.for_account(account).filter(author=user).update(body=REDACTED, author=None)
    mentions = [m for m in {user.name, *addresses} if m]
    for ticket in Ticket.objects.for_account(account).filter(pk__in=ticket_ids):
        subject = ticket.subject
        for mention in mentions:
            subject = _replace_ignoring_case(subject, mention, REDACTED)
        if subject != ticket.subject:
            Ticket.objects.for_account(account).filter(pk=ticket.pk).update(subject=subject)


def on_person_exporting(sender, *, account: Account, user: User, **kwargs) -> tuple[str, list]:
    """The person's chats for their export: each with its messages and files' names."""
    chats = []
    for chat in (
        Chat.objects.for_account(account)
        .filter(visitor=user)
        .prefetch_related("messages__author", "messages__attachments")
        .order_by("started_at", "id")
    ):
        chats.append(
            {
                "number": chat.number,
                "started_at": chat.started_at,
                "ended_at": chat.ended_at,
                "messages": [
                    {
                        "author": message.author.name if message.author else "",
                        "kind": message.kind,
                        "created_at": message.created_at,
                        "body": message.body,
                        "files": [row.filename for row in message.attachments.all()],
                    }
                    for message in chat.messages.all()
                ],
            }
        )
    return "chats", chats


def _replace_ignoring_case(text: str, old: str, new: str) -> str:
    lowered, target = text.lower(), old.lower()
    out, start = [], 0
    while (found := lowered.find(target, start)) >= 0:
        out += [text[start:found], new]
        start = found + len(old)
    return "".join([*out, text[start:]])


def on_tickets_deleting(sender, *, account_id: int, ticket_ids: list[int], **kwargs) -> None:
    account = Account.objects.get(pk=account_id)
    chats_delete(
        account,
        Chat.objects.for_account(account).filter(ticket_id__in=ticket_ids, state=Chat.State.ENDED),
    )


def expired_chats(policy: RetentionPolicy, now: dt.datetime) -> QuerySet[Chat]:
    """Ended chats without a ticket past the closed tickets' months (from their end)."""
    chats = Chat.objects.for_account(policy.account)
    if policy.closed_ticket_months is None:
        return chats.none()
    return chats.filter(
        state=Chat.State.ENDED,
        ticket__isnull=True,
        ended_at__lt=months_before(now, policy.closed_ticket_months),
    )


def expired_chat_files(
    policy: RetentionPolicy, now: dt.datetime, expired_tickets: QuerySet[Ticket]
) -> QuerySet[ChatAttachment]:
    """Chat files past the attachments' months, outside the chats that go whole."""
    files = ChatAttachment.objects.for_account(policy.account)
    if policy.attachment_months is None:
        return files.none()
    return (
        files.filter(created_at__lt=months_before(now, policy.attachment_months))
        .exclude(chat__in=expired_chats(policy, now))
        .exclude(chat__ticket__in=expired_tickets, chat__state=Chat.State.ENDED)
    )


def on_retention_expiring(
    sender,
    *,
    account: Account,
    policy: RetentionPolicy,
    now: dt.datetime,
    expired_tickets: QuerySet[Ticket],
    dry_run: bool,
    **kwargs,
) -> tuple[int, int]:
    """Counts (dry run) or deletes the expired chats and chat files: (chats, files).
    The chats of expiring tickets are counted here and deleted with their tickets."""
    with_tickets = Chat.objects.for_account(account).filter(
        ticket__in=expired_tickets, state=Chat.State.ENDED
    )
    files = expired_chat_files(policy, now, expired_tickets)
    if dry_run:
        chats = expired_chats(policy, now).count() + with_tickets.count()
        attached = ChatAttachment.objects.for_account(account)
        chat_files = (
            files.count()
            + attached.filter(chat__in=expired_chats(policy, now)).count()
            + attached.filter(chat__in=with_tickets).count()
        )
        return chats, chat_files
    gone = with_tickets.count()
    gone_files = ChatAttachment.objects.for_account(account).filter(chat__in=with_tickets).count()
    removed = 0
    while batch := list(files.values_list("pk", flat=True)[:BATCH]):
        removed += chat_files_delete(
            account, ChatAttachment.objects.for_account(account).filter(pk__in=batch)
        )
    old = expired_chats(policy, now)
    while batch := list(old.values_list("pk", flat=True)[:BATCH]):
        gone_files += ChatAttachment.objects.for_account(account).filter(chat_id__in=batch).count()
        gone += chats_delete(account, Chat.objects.for_account(account).filter(pk__in=batch))
    return gone, removed + gone_files
