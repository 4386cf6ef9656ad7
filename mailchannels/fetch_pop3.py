"""Importing a POP3 channel, exactly once by UIDL (the server's unique id of each message,
RFC 1939): each message is imported in one transaction that locks the channel, finds no
FetchedMessage with its UIDL (a unique constraint besides), imports it and writes that
row. A worker killed mid-fetch rolls back the message in hand and never sent QUIT, so the
server deleted nothing; the next fetch skips what is recorded and, with "delete after
import", deletes then the messages imported before (never the ones that failed, which
stay in the maildrop and are kept for the admin with their bytes). "Mark as read" means
"leave on the server" for POP3, which has no flags; "move" is not offered."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from mailchannels import pop3
from mailchannels.importing import FetchReport, locked_channel, record
from mailchannels.models import FetchedMessage, MailboxChannel

POP3_UIDVALIDITY = 0  # POP3 rows: no UIDVALIDITY; their UID counts them per channel


def import_pop3(channel: MailboxChannel, uidl: str, raw: bytes) -> str:
    """One message, exactly once: "imported", "failed" or "skipped" (done already)."""
    with transaction.atomic():
        locked = locked_channel(channel)
        rows = FetchedMessage.objects.for_account(channel.account).filter(channel=locked)
        if rows.filter(uidl=uidl).exists():
            return "skipped"
        last = rows.filter(uidvalidity=POP3_UIDVALIDITY).aggregate(m=Max("uid"))["m"] or 0
        return record(locked, raw, uidvalidity=POP3_UIDVALIDITY, uid=last + 1, uidl=uidl)


def _known(channel: MailboxChannel, uidls: list[str]) -> dict[str, str]:
    return dict(
        FetchedMessage.objects.for_account(channel.account)
        .filter(channel=channel, uidl__in=uidls)
        .values_list("uidl", "status")
    )


def fetch_pop3(channel: MailboxChannel, limit: int, report: FetchReport) -> None:
    delete = channel.after_import == MailboxChannel.AfterImport.DELETE
    try:
        with pop3.opened(channel) as client:
            listed = pop3.listing(client)
            known = _known(channel, [uidl for _number, uidl in listed])
            if delete:  # imported by a fetch that died before its QUIT
                for number, uidl in listed:
                    if known.get(uidl) == FetchedMessage.Status.IMPORTED:
                        pop3.mark_deleted(client, number)
            for number, uidl in [(n, u) for n, u in listed if u not in known][:limit]:
                result = import_pop3(channel, uidl, pop3.retrieve(client, number))
                setattr(report, result, getattr(report, result) + 1)
                if result == "imported" and delete:
                    pop3.mark_deleted(client, number)
    except pop3.MailboxError as exc:
        report.error = str(exc)
