"""Support access (seed 004): the requester grants or revokes, per request, the support
team's access to its conversation; who then may read it is tickets.support_access's."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services.common import NotAllowed, record_event

GRANTED, REVOKED = "granted", "revoked"


@transaction.atomic
def support_access_set(*, ticket: Ticket, user: User, granted: bool) -> Ticket:
    """The requester's switch; recorded in the Activity (field "support_access", from
    "granted"/"revoked" to the other). Setting it to what it is records nothing."""
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if ticket.requester_id != user.pk or ticket.is_private:
        raise NotAllowed(_("Only the requester can change support access to this request."))
    if ticket.support_access == granted:
        return ticket
    ticket.support_access = granted
    ticket.save(update_fields=["support_access"])
    record_event(
        ticket,
        user,
        Channel.PORTAL,
        TicketEvent.Kind.CHANGE,
        field="support_access",
        old=REVOKED if granted else GRANTED,
        new=GRANTED if granted else REVOKED,
    )
    return ticket
