"""Forwarding verification: an address whose mail is forwarded to the account's
internal address (support@<subdomain>.<BASE_DOMAIN>) is verified when a confirmation
email sent TO it comes back THROUGH the forward, carrying its token in the subject."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dbsession import account_context
from accounts.models import Account
from mailchannels.models import SupportAddress
from notifications import addresses
from notifications.models import Delivery
from notifications.outbox import enqueue_after_commit

_TOKEN = re.compile(r"\[sportello-verify ([0-9a-f]{32})\]")


def verification_queue(address: SupportAddress) -> Delivery:
    account = address.account
    internal = addresses.support_address(account)
    check = _("Sportello forwarding check")
    row = Delivery.objects.create(
        account=account,
        kind=Delivery.Kind.VERIFY,
        to_email=address.email,
        from_email=addresses.from_address(account),
        subject=f"{check} [sportello-verify {address.verify_token}]",
        body_text=_(
            "This message checks that mail sent to %(address)s is forwarded to "
            "%(internal)s. Nothing to do: when it arrives, the address is verified."
        )
        % {"address": address.email, "internal": internal},
    )
    enqueue_after_commit([row.pk])
    return row


def verification_received(account: Account, message) -> str:
    """notifications.inbound's receive hook: the confirmation, come back, verifies its
    address (and is taken: never a ticket). "" for any other mail."""
    match = _TOKEN.search(str(message.subject or ""))
    if not match:
        return ""
    with account_context(account):
        updated = (
            SupportAddress.objects.for_account(account)
            .filter(
                verify_token=match.group(1),
                arrival=SupportAddress.Arrival.FORWARD,
                verified_at__isnull=True,
            )
            .update(verified_at=timezone.now())
        )
    return "forwarding verified" if updated else ""
