"""An organization is deleted: its tickets keep their history, their organization emptied
and the change written in each ticket's Activity (accounts.signals.organization_deleting);
the rollups follow them after commit (tickets.events.tickets_changed_in_bulk)."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Organization, User
from tickets.events import tickets_changed_in_bulk
from tickets.models import Ticket, TicketEvent


def on_organization_deleting(
    sender: object, organization: Organization, actor: User, **kwargs: object
) -> int:
    tickets = Ticket.objects.for_account(organization.account).filter(organization=organization)
    ids = list(tickets.values_list("pk", flat=True))
    if not ids:
        return 0
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                account_id=organization.account_id,
                ticket_id=pk,
                actor=actor,
                kind=TicketEvent.Kind.CHANGE,
                field="organization",
                old_value=organization.name,
                new_value="",
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    Ticket.objects.for_account(organization.account).filter(pk__in=ids).update(
        organization=None, updated_at=timezone.now()
    )
    tickets_changed_in_bulk.send(sender=Ticket, account_id=organization.account_id, ticket_ids=ids)
    return len(ids)
