"""The domain's signal, received: each change set advances its ticket's SLA clocks."""

from __future__ import annotations

from servicelevels.tracking import sla_apply_change
from tickets.events import TicketChange


def on_ticket_changed(sender, change: TicketChange, **kwargs) -> None:
    sla_apply_change(change=change)
