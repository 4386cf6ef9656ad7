"""The requester's own actions in the help center: close a request (their rating is
satisfaction.services.rate)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.events import TicketChange
from tickets.models import Channel, Ticket
from tickets.services.common import (
    NotAllowed,
    apply_fields,
    touch,
)


@transaction.atomic
def request_solve_by_requester(*, ticket: Ticket, user: User) -> Ticket:
    """Help center "Close request": the requester marks their open request solved."""
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if ticket.requester_id != user.pk or ticket.is_private:
        raise NotAllowed(_("Only the requester can close this request."))
    if ticket.is_solved:
        raise NotAllowed(_("This request is already closed."))
    changes = apply_fields(ticket, user, Channel.PORTAL, {"status": Ticket.Status.SOLVED})
    touch(ticket, activity=True)
    ticket.save()
    TicketChange(ticket=ticket, actor=user, channel=Channel.PORTAL, changes=changes).send()
    return ticket
