"""The only road from a number in a settings URL to a support address or a mailbox
channel (per-account numbers; 404 alike for another account's and a missing one)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import Account
from mailchannels.models import FetchedMessage, MailboxChannel, SupportAddress


def address_for_admin(*, account: Account, number: int) -> SupportAddress:
    return get_object_or_404(SupportAddress.objects.for_account(account), number=number)


def channel_for_admin(*, account: Account, number: int) -> MailboxChannel:
    return get_object_or_404(
        MailboxChannel.objects.for_account(account).select_related("address", "account"),
        number=number,
    )


def failed_message_for_admin(
    *, channel: MailboxChannel, uidvalidity: int, uid: int
) -> FetchedMessage:
    """A message of this channel that could not be imported (its bytes are kept); 404
    for an imported one, another channel's or another account's."""
    return get_object_or_404(
        FetchedMessage.objects.for_account(channel.account),
        channel=channel,
        uidvalidity=uidvalidity,
        uid=uid,
        status=FetchedMessage.Status.FAILED,
    )
