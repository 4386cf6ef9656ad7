"""Stale writes: a form or an API update carries the ``updated_at`` it was read at, and
is refused when the ticket changed since, with the changes made meanwhile, so a
colleague's change is never silently overwritten. The one check of the agent page, the
sidebar and the API (``safe_update`` with ``updated_stamp``)."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_datetime

from tickets.models import Ticket, TicketEvent


class TicketConflict(Exception):
    """The ticket changed after ``updated_stamp``; ``events`` are the changes since,
    oldest first, and ``ticket`` the ticket as it is now."""

    def __init__(self, *, ticket: Ticket, events: list[TicketEvent]):
        super().__init__("The ticket changed since it was read.")
        self.ticket = ticket
        self.events = events


def ticket_stamp(ticket: Ticket) -> str:
    """The version a form carries: ``updated_at`` to the microsecond."""
    return ticket.updated_at.isoformat()


def parse_stamp(value: object) -> dt.datetime | None:
    """A stamp from a form or a payload; None when missing or not a date-time."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_datetime(value.strip())
    except ValueError:
        return None


def ticket_check_fresh(*, ticket: Ticket, updated_stamp: dt.datetime | None) -> Ticket:
    """Lock the ticket for the caller's transaction and raise TicketConflict when it was
    updated after ``updated_stamp`` (None: no check). A stamp without a fraction of a
    second (Zendesk's API gives whole seconds) is compared to the second. The lock holds
    until the caller's change is written, so two writers that read the same version
    cannot both pass."""
    locked = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if updated_stamp is None:
        return locked
    whole_seconds = updated_stamp.microsecond == 0
    current = locked.updated_at.replace(microsecond=0) if whole_seconds else locked.updated_at
    if current <= updated_stamp:
        return locked
    since = updated_stamp + dt.timedelta(seconds=1) if whole_seconds else updated_stamp
    field = "created_at__gte" if whole_seconds else "created_at__gt"
    events = list(
        locked.events.filter(**{field: since})
        .exclude(kind=TicketEvent.Kind.CREATED)
        .select_related("actor", "comment")
        .order_by("created_at", "id")
    )
    raise TicketConflict(ticket=locked, events=events)
