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
from accounts.models import Account
from mailchannels.models import SupportAddress, TicketAddress
from notifications.inbound import current_message
from tickets.models import Channel, Ticket
from tickets.services import ticket_update

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


def _account_addresses(account_id: int) -> dict[str, SupportAddress]:
    """The account's support addresses by email (at most MAX_ADDRESSES), read once per
    inbound mail (kept on the mail being received) and else once per call."""
    message = current_message()
    cached = getattr(message, "_support_addresses", None) if message is not None else None
    if cached is not None and cached[0] == account_id:
        return cached[1]
    found = {
        a.email: a
        for a in SupportAddress.objects.for_account(Account(pk=account_id)).select_related(
            "account", "group"
        )
    }
    if message is not None:
        message._support_addresses = (account_id, found)
    return found


def _addressed_to(account: Account, message) -> SupportAddress | None:
    """The account's support address the mail was sent to (To, Cc, Delivered-To): a
    forwarded or webhook-delivered mail keeps the customer's original recipients."""
    wanted = []
    for header in ("To", "Cc", "Delivered-To"):
        try:
            found = message.get_address_header(header)
        except Exception:  # noqa: BLE001 - a malformed header reads as absent
            found = []
        wanted += [a.addr_spec.lower() for a in found][:50]
    if not wanted:
        return None
    known = _account_addresses(account.pk)
    return next((known[w] for w in wanted if w in known), None)


def address_of_mail(account: Account, message) -> SupportAddress | None:
    """The support address a mail came in on: the mailbox being read, else its recipient."""
    current = _receiving.get()
    if current is not None and current.account_id == account.pk:
        return current
    return _addressed_to(account, message) if message is not None else None


def _recorded(ticket: Ticket) -> str | None:
    """The ticket's recorded address, formatted; read once per ticket object (a change's
    emails to several recipients ask for it each)."""
    if not hasattr(ticket, "_support_sender"):
        row = (
            TicketAddress.objects.for_account(ticket.account)
            .filter(ticket=ticket)
            .select_related("address", "address__account")
            .first()
        )
        ticket._support_sender = formatted(row.address) if row is not None else None  # type: ignore[attr-defined]
    return ticket._support_sender  # type: ignore[attr-defined]


def sender_for_ticket(ticket: Ticket) -> str | None:
    recorded = _recorded(ticket)
    if recorded is not None:
        return recorded
    # The mail opening the ticket, while it is received (its first emails are composed
    # before the received hook records the address).
    message = current_message()
    if message is None and _receiving.get() is None:
        return None
    address = address_of_mail(ticket.account, message)
    return formatted(address) if address is not None else None


def ticket_received(account: Account, message, result) -> None:
    """notifications.inbound's received hook: remember the ticket's support address
    and put the new ticket in that address's default group."""
    address = address_of_mail(account, message)
    if address is None:
        return
    ticket = result.ticket
    # A ticket just opened: no row can exist yet.
    TicketAddress.objects.create(account=account, ticket=ticket, address=address)
    ticket._support_sender = formatted(address)
    if address.group_id is not None and ticket.group_id is None:
        ticket_update(ticket=ticket, actor=None, channel=Channel.SYSTEM, group=address.group)


def is_support_address(address: str) -> bool:
    """Mail from one of the current account's support addresses is our own (a loop)."""
    account_id = current_account_id()
    if account_id is None:
        return False
    return address.strip().lower() in _account_addresses(account_id)
