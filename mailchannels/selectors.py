"""Reads for the email settings page: at most MAX_ADDRESSES addresses (a fixed number
of queries whatever their count) and a channel's recent failed messages."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Account
from mailchannels.models import FetchedMessage, MailboxChannel, SupportAddress

FAILED_SHOWN = 50


def addresses_for_account(*, account: Account) -> list[SupportAddress]:
    return list(
        SupportAddress.objects.for_account(account).select_related("group").order_by("email")
    )


def sending_domains(addresses: list[SupportAddress]) -> list[str]:
    """The domains the account's mail goes out from, each once: those of its support
    addresses (a ticket's replies leave from the address it came in on)."""
    return sorted({address.email.rpartition("@")[2].lower() for address in addresses})


def channels_for_account(*, account: Account) -> list[MailboxChannel]:
    return list(
        MailboxChannel.objects.for_account(account).select_related("address").order_by("number")
    )


def failed_messages(*, channel: MailboxChannel) -> QuerySet[FetchedMessage]:
    """Served by the fetched_status index (account, channel, status, -id)."""
    return (
        FetchedMessage.objects.for_account(channel.account)
        .filter(channel=channel, status=FetchedMessage.Status.FAILED)
        .defer("raw")
        .order_by("-id")[:FAILED_SHOWN]
    )
