"""A person joins or leaves the team (accounts.signals.user_team_changed): no ticket row
changes, but what the reports count of the tickets they opened or commented on does
(reports.metrics counts agents' replies and the tickets agents opened by the author's
role now), so those tickets are announced (tickets.events.tickets_changed_in_bulk)."""

from __future__ import annotations

from accounts.models import Account, User
from tickets.events import tickets_changed_in_bulk
from tickets.models import Comment, Ticket


def on_user_team_changed(sender: object, account: Account, user: User, **kwargs: object) -> None:
    ids = {
        *Ticket.objects.for_account(account).filter(submitter=user).values_list("pk", flat=True),
        *Comment.objects.for_account(account)
        .filter(author=user)
        .values_list("ticket_id", flat=True)
        .distinct(),
    }
    if ids:
        tickets_changed_in_bulk.send(sender=Ticket, account_id=account.pk, ticket_ids=sorted(ids))
