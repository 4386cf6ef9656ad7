"""The requester's own actions in the help center: close a request, leave feedback."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.events import TicketChange
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services.common import (
    NotAllowed,
    apply_fields,
    record_event,
    touch,
)
from tickets.text import (
    normalise_newlines,
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


@transaction.atomic
def request_rate(*, ticket: Ticket, user: User, rating: str, comment: str = "") -> Ticket:
    """Leave feedback (good / bad, optional comment) on a solved request."""
    if ticket.requester_id != user.pk or ticket.is_private:
        raise NotAllowed(_("Only the requester can rate this request."))
    if not ticket.is_solved:
        raise NotAllowed(_("You can leave feedback once the request is solved."))
    if rating not in Ticket.Rating.values:
        raise ValidationError({"rating": _("Choose good or bad.")})
    ticket.satisfaction_rating = rating
    ticket.satisfaction_comment = normalise_newlines(comment).strip()[:5000]
    ticket.satisfaction_at = timezone.now()
    ticket.save(update_fields=["satisfaction_rating", "satisfaction_comment", "satisfaction_at"])
    record_event(
        ticket, user, Channel.PORTAL, TicketEvent.Kind.FEEDBACK, field="satisfaction", new=rating
    )
    return ticket
