"""One message into the helpdesk, inside the fetch's transaction that holds the channel's
lock: through the webhook path's service (notifications.inbound.email_receive), its
FetchedMessage row (a failure kept with its bytes and reason), the channel's counters.
Shared by the IMAP (mailchannels.fetch) and POP3 (mailchannels.fetch_pop3) fetches."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.db import transaction
from django.db.models import F

from mailchannels.models import FetchedMessage, MailboxChannel
from mailchannels.senders import receiving_on
from notifications.inbound import email_receive

logger = logging.getLogger(__name__)


@dataclass
class FetchReport:
    imported: int = 0
    failed: int = 0
    skipped: int = 0
    error: str = ""
    outcomes: dict[str, int] = field(default_factory=dict)


def _max_bytes() -> int:
    return int(getattr(settings, "MAILBOX_MAX_MESSAGE_BYTES", 30 * 1024 * 1024))


def _subject(raw: bytes) -> str:
    for line in raw[:8192].split(b"\n"):
        if line.lower().startswith(b"subject:"):
            return line[8:].decode("utf-8", "replace").strip()[:255]
    return ""


def _receive(channel: MailboxChannel, raw: bytes) -> str:
    """The message through the webhook path's service; its outcome. Raises on failure."""
    if len(raw) > _max_bytes():
        raise ValueError(f"message of {len(raw)} bytes is over the {_max_bytes()} byte limit")
    if not raw.strip():
        raise ValueError("empty message")
    message = AnymailInboundMessage.parse_raw_mime_bytes(raw)
    # The support address (TicketAddress, default group) is recorded by the received
    # hook (mailchannels.senders.ticket_received), as for mail from the webhooks.
    with receiving_on(channel.address):
        result = email_receive(message=message, esp_name="imap", account=channel.account)
    return result.outcome


def locked_channel(channel: MailboxChannel) -> MailboxChannel:
    return (
        MailboxChannel.objects.for_account(channel.account)
        .select_for_update(of=("self",))
        .select_related("address", "address__group", "account")
        .get(pk=channel.pk)
    )


def record(
    locked: MailboxChannel, raw: bytes, *, uidvalidity: int, uid: int, uidl: str = ""
) -> str:
    """Inside the caller's transaction holding the channel lock: the message through the
    service, its FetchedMessage row, the channel's counters. "imported" or "failed"."""
    account = locked.account
    status, outcome, reason = FetchedMessage.Status.IMPORTED, "", ""
    try:
        with transaction.atomic():
            outcome = _receive(locked, raw)
    except Exception as exc:  # noqa: BLE001 - any failure is kept for the admin
        logger.warning("Mailbox channel %s: UID %s not imported: %r", locked.pk, uid, exc)
        status, reason = FetchedMessage.Status.FAILED, f"{type(exc).__name__}: {exc}"[:300]
    FetchedMessage.objects.create(
        account=account,
        channel=locked,
        uidvalidity=uidvalidity,
        uid=uid,
        uidl=uidl,
        status=status,
        outcome=outcome,
        reason=reason,
        subject=_subject(raw),
        raw=raw if status == FetchedMessage.Status.FAILED else None,
    )
    counter = "imported_count" if status == FetchedMessage.Status.IMPORTED else "failed_count"
    MailboxChannel.objects.for_account(account).filter(pk=locked.pk).update(
        last_uid=uid, **{counter: F(counter) + 1}
    )
    return str(status)
