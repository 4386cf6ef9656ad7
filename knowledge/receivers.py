"""A deflection stands while the end user does not submit the request after all: a
request they submit from the help center within ``WINDOW`` of opening a suggested
article takes back their deflections of that time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from knowledge.models import Deflection
from tickets.events import TicketChange
from tickets.models import Channel

WINDOW = dt.timedelta(hours=2)


def on_ticket_changed(sender: object, *, change: TicketChange, **kwargs: object) -> None:
    if not change.created or change.channel != Channel.PORTAL or change.actor is None:
        return
    Deflection.objects.for_account(change.ticket.account).filter(
        user=change.actor, created_at__gte=timezone.now() - WINDOW
    ).delete()
