from __future__ import annotations

from calls.models import TicketCall
from tickets.models import Ticket


def call_for_ticket(*, ticket: Ticket) -> TicketCall | None:
    """The ticket's call, for its agents and for whoever may see the request."""
    return TicketCall.objects.for_account(ticket.account).filter(ticket=ticket).first()
