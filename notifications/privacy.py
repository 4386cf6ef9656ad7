"""A person permanently deleted (tickets.services.privacy.person_erase): the emails sent
to them and received from them keep their place in the logs, without their address,
subject or text."""

from __future__ import annotations

from notifications.models import Delivery, InboundEmail

REDACTED = "[deleted]"
NOWHERE = "deleted@deleted.invalid"


def on_person_erasing(sender, *, account, user, addresses, **kwargs) -> None:
    deliveries = Delivery.objects.for_account(account)
    deliveries.filter(recipient=user).update(
        to_email=NOWHERE, subject=REDACTED, body_text=REDACTED, body_html=""
    )
    deliveries.filter(to_email__in=addresses).update(
        to_email=NOWHERE, subject=REDACTED, body_text=REDACTED, body_html=""
    )
    InboundEmail.objects.for_account(account).filter(sender__in=addresses).update(
        sender=NOWHERE, subject=REDACTED
    )
