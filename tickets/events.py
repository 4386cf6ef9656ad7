"""What the domain tells the rest of the system after a ticket changes.

Services send ``ticket_changed`` once per change set, inside their transaction; the
notifications app receives it, evaluates the account's triggers and schedules emails
with ``transaction.on_commit``. The tickets domain knows nothing about email.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

if TYPE_CHECKING:
    from accounts.models import User
    from tickets.models import Comment, Ticket

ticket_changed = Signal()  # kwargs: change=TicketChange
# Many tickets changed by one bulk UPDATE (an organization deleted empties its tickets'),
# no change set each: the rollups (reports.receivers) refresh them after commit.
tickets_changed_in_bulk = Signal()  # kwargs: account_id=int, ticket_ids=list[int]


@dataclass
class TicketChange:
    ticket: Ticket
    actor: User | None
    channel: str
    created: bool = False
    comment: Comment | None = None
    # field name → (old value, new value), as stored (ids for foreign keys)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # True when this change set made a private ticket public: held-back events fire now.
    became_public: bool = False
    mentioned: list[User] = field(default_factory=list)
    # Issue 20: no change of the ticket, an SLA target reaching its warning time or its
    # breach ("warning", "breached"), found by the scheduled pass (servicelevels.alerts).
    sla_alert: str = ""

    def changed(self, name: str) -> bool:
        return name in self.changes

    def send(self) -> None:
        ticket_changed.send(sender=type(self.ticket), change=self)
