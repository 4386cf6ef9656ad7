"""The survey email's signed links: one per choice, for the ticket's requester.

A link carries the account, the ticket's number and the requester it was sent to,
signed with the site's key; nothing else. It needs no sign-in, so it proves only
"the person this email was sent to chose this": it may record a rating, never read the
ticket. A link stops working when the ticket's requester changes, and each choice's
link records once (SatisfactionRating.links_used).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tickets.models import Ticket

SALT = "sportello.satisfaction"
CHOICES = ("good", "bad")


@dataclass(frozen=True)
class LinkClaim:
    account_id: int
    ticket_number: int
    requester_id: int


def token_for(ticket: Ticket) -> str:
    return signing.dumps(
        [ticket.account_id, ticket.number, ticket.requester_id], salt=SALT, compress=False
    )


def read_token(token: str) -> LinkClaim | None:
    """The token's claim, or None when it was not signed by us (tampered, truncated)."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, int) for v in value)):
        return None
    return LinkClaim(*value)


def rating_url(ticket: Ticket, choice: str | None = None) -> str:
    token = token_for(ticket)
    if choice is None:
        path = reverse(
            "portal:satisfaction", kwargs={"token": token}, urlconf=settings.TENANT_URLCONF
        )
    else:
        path = reverse(
            "portal:satisfaction_choice",
            kwargs={"token": token, "choice": choice},
            urlconf=settings.TENANT_URLCONF,
        )
    return f"{ticket.account.base_url}{path}"
