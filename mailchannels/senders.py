"""What outgoing mail of a ticket says it is from: the support address the ticket came
in on (TicketAddress, or — while the mail that opens the ticket is being imported, when
the first notifications are composed — the address being read), shown with its display
name. Registered with notifications.addresses.from_address in AppConfig.ready."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from email.utils import formataddr

from accounts.dbsession import current_account_id
from mailchannels.models import SupportAddress, TicketAddress
from tickets.models import Ticket

_receiving: ContextVar[SupportAddress | None] = ContextVar("mailchannels_receiving", default=None)


@contextlib.contextmanager
def receiving_on(address: SupportAddress) -> Iterator[None]:
    token = _receiving.set(address)
    try:
        yield
    finally:
        _receiving.reset(token)


def formatted(address: SupportAddress) -> str:
    return formataddr((address.display_name or address.account.name, address.email))


def sender_for_ticket(ticket: Ticket) -> str | None:
    row = (
        TicketAddress.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .select_related("address", "address__account")
        .first()
    )
    if row is not None:
        return formatted(row.address)
    current = _receiving.get()
    if current is not None and current.account_id == ticket.account_id:
        return formatted(current)
    return None


def is_support_address(address: str) -> bool:
    """Mail from one of the current account's support addresses is our own (a loop)."""
    account_id = current_account_id()
    if account_id is None:
        return False
    return (
        SupportAddress.objects.filter(account_id=account_id, email__iexact=address.strip())
        .exists()
    )
