"""What the domain tells the rest of the system: every signal the tickets app sends for
the apps above it, here and nowhere else in the app.

- ``ticket_changed``: once per change set (``TicketChange``), inside the service's
  transaction; the notifications app receives it, evaluates the account's triggers and
  schedules emails with ``transaction.on_commit``. The tickets domain knows nothing about
  email.
- ``tickets_changed_in_bulk``: many tickets changed by one bulk UPDATE (an organization
  deleted empties its tickets'), no change set each, with ``account_id`` and
  ``ticket_ids``: the rollups (reports.receivers) refresh them after commit.
- ``tickets_deleting``: inside the transaction of tickets.services.tickets_delete_recorded
  (an agent's permanent delete and the retention pass alike), before the rows go, with
  ``account_id`` and ``ticket_ids``. Live chat deletes the ended chats whose transcript
  those tickets hold.
- ``retention_expiring``: from tickets.services.retention.retention_run, with ``account``,
  ``policy``, ``now``, ``expired_tickets`` (the queryset of tickets that go) and
  ``dry_run``. A receiver counts (dry run) or deletes its own expired rows by the same
  policy and answers ``(rows, files)``; they are added to the pass's report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

if TYPE_CHECKING:
    from accounts.models import User
    from tickets.models import Comment, Ticket

ticket_changed = Signal()  # kwargs: change=TicketChange
tickets_changed_in_bulk = Signal()  # kwargs: account_id=int, ticket_ids=list[int]
tickets_deleting = Signal()  # kwargs: account_id=int, ticket_ids=list[int]
retention_expiring = Signal()  # kwargs: account, policy, now, expired_tickets, dry_run


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
