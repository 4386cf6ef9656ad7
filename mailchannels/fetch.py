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

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.dbsession import account_context
from mailchannels import imap
from mailchannels.fetch_pop3 import fetch_pop3
from mailchannels.importing import FetchReport, locked_channel, record
from mailchannels.models import FetchedMessage, MailboxChannel

logger = logging.getLogger(__name__)


def _per_fetch() -> int:
    return int(getattr(settings, "MAILBOX_MESSAGES_PER_FETCH", 500))


CHUNK = 50


def import_one(channel: MailboxChannel, uidvalidity: int, uid: int, raw: bytes) -> str:
    """One message, exactly once: "imported", "failed" or "skipped" (done already)."""
    with transaction.atomic():
        locked = locked_channel(channel)
        if locked.uidvalidity != uidvalidity or uid <= locked.last_uid:
            return "skipped"
        return record(locked, raw, uidvalidity=uidvalidity, uid=uid)


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
    if channel.protocol == MailboxChannel.Protocol.POP3:
        fetch_pop3(channel, limit, report)
        return _status(channel, report)
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
    return _status(channel, report)


def _status(channel: MailboxChannel, report: FetchReport) -> FetchReport:
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
