"""Importing a mailbox channel (Celery beat every minute: mailchannels.tasks), through
the same domain service as the ESP webhooks (notifications.inbound.email_receive), so
threading, auto-reply and bounce drops, attachment rules, the 64K rule, private tickets
never from email and strangers' replies behave exactly alike.

Exactly-once, by (UIDVALIDITY, UID):

- each message is imported in ONE transaction that locks the channel row, checks the
  UID is above the channel's ``last_uid`` (under the same UIDVALIDITY), creates the
  ticket or comment, writes its FetchedMessage row and raises ``last_uid``; a worker
  killed mid-fetch rolls back the message in hand, which the next fetch imports whole;
  two fetches at once queue on the channel lock and the second skips what the first did;
- mark read / move / delete happen after the commit; a fetch killed before them does
  them at its next start for the UIDs already imported (``_catch_up``);
- a new UIDVALIDITY (the server renumbered the folder) starts the count again; the
  Message-ID duplicate check of email_receive keeps a re-read message from doubling;
- a message that cannot be imported (too big, unparseable, the service raising) is kept
  with its bytes and the reason (FetchedMessage, status failed), shown to the admin,
  and left in the mailbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.dbsession import account_context
from mailchannels import imap
from mailchannels.models import FetchedMessage, MailboxChannel
from mailchannels.senders import receiving_on
from notifications.inbound import email_receive

logger = logging.getLogger(__name__)

CHUNK = 50


@dataclass
class FetchReport:
    imported: int = 0
    failed: int = 0
    skipped: int = 0
    error: str = ""
    outcomes: dict[str, int] = field(default_factory=dict)


def _max_bytes() -> int:
    return int(getattr(settings, "MAILBOX_MAX_MESSAGE_BYTES", 30 * 1024 * 1024))


def _per_fetch() -> int:
    return int(getattr(settings, "MAILBOX_MESSAGES_PER_FETCH", 500))


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


def import_one(channel: MailboxChannel, uidvalidity: int, uid: int, raw: bytes) -> str:
    """One message, exactly once: "imported", "failed" or "skipped" (done already)."""
    account = channel.account
    with transaction.atomic():
        locked = (
            MailboxChannel.objects.for_account(account)
            .select_for_update(of=("self",))
            .select_related("address", "address__group", "account")
            .get(pk=channel.pk)
        )
        if locked.uidvalidity != uidvalidity or uid <= locked.last_uid:
            return "skipped"
        status, outcome, reason = FetchedMessage.Status.IMPORTED, "", ""
        try:
            with transaction.atomic():
                outcome = _receive(locked, raw)
        except Exception as exc:  # noqa: BLE001 - any failure is kept for the admin
            logger.warning("Mailbox channel %s: UID %s not imported: %r", channel.pk, uid, exc)
            status, reason = FetchedMessage.Status.FAILED, f"{type(exc).__name__}: {exc}"[:300]
        FetchedMessage.objects.create(
            account=account,
            channel=locked,
            uidvalidity=uidvalidity,
            uid=uid,
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


def _failed_uids(channel: MailboxChannel, uidvalidity: int) -> set[int]:
    return set(
        FetchedMessage.objects.for_account(channel.account)
        .filter(channel=channel, uidvalidity=uidvalidity, status=FetchedMessage.Status.FAILED)
        .values_list("uid", flat=True)
    )


def _catch_up(box, channel: MailboxChannel, uidvalidity: int) -> None:
    """Finish the after-import action of messages imported by a fetch that died."""
    criteria = "UNSEEN" if channel.after_import == MailboxChannel.AfterImport.MARK_READ else "ALL"
    left = imap.uids_upto(box, channel.last_uid, criteria)
    if left:
        failed = _failed_uids(channel, uidvalidity)
        imap.after_import(box, channel, [u for u in left if u not in failed])


def _start(box, channel: MailboxChannel) -> int:
    validity = imap.uidvalidity(box, channel.folder)
    if channel.uidvalidity != validity:
        logger.info("Mailbox channel %s: UIDVALIDITY now %s", channel.pk, validity)
        MailboxChannel.objects.for_account(channel.account).filter(pk=channel.pk).update(
            uidvalidity=validity, last_uid=0
        )
        channel.uidvalidity, channel.last_uid = validity, 0
    return validity


def channel_fetch(channel: MailboxChannel, *, limit: int | None = None) -> FetchReport:
    """Import the channel's new messages (at most ``limit``); the status is recorded."""
    with account_context(channel.account):
        return _fetch(channel, limit or _per_fetch())


def _fetch(channel: MailboxChannel, limit: int) -> FetchReport:
    report = FetchReport()
    try:
        with imap.opened(channel) as box:
            validity = _start(box, channel)
            _catch_up(box, channel, validity)
            uids = imap.uids_after(box, channel.last_uid)[:limit]
            for start in range(0, len(uids), CHUNK):
                done = []
                for message in imap.fetch_raw(box, uids[start : start + CHUNK]):
                    result = import_one(channel, validity, message.uid, message.raw)
                    setattr(report, result, getattr(report, result) + 1)
                    if result == "imported":
                        done.append(message.uid)
                imap.after_import(box, channel, done)
    except imap.MailboxError as exc:
        report.error = str(exc)
    now = timezone.now()
    status = {"last_fetch_at": now, "last_error": report.error[:300]}
    if not report.error:
        status["last_success_at"] = now
    MailboxChannel.objects.for_account(channel.account).filter(pk=channel.pk).update(**status)
    return report


def fetch_sweep() -> dict[str, int]:
    """Every active channel, one account at a time under that account's context.
    Platform-level only to list the channels."""
    channels = list(
        MailboxChannel.all_accounts.select_related("account", "address")
        .filter(active=True)
        .order_by("account_id", "id")
    )
    imported: dict[str, int] = {}
    for channel in channels:
        with account_context(channel.account):
            fresh = (
                MailboxChannel.objects.for_account(channel.account)
                .select_related("account", "address")
                .get(pk=channel.pk)
            )
        try:
            report = channel_fetch(fresh)
        except Exception:  # one broken channel never stops the others' fetch
            logger.exception("Mailbox channel %s: fetch failed", channel.pk)
            continue
        key = f"{channel.account.subdomain}/{channel.number}"
        imported[key] = report.imported
    return imported
