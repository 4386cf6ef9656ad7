"""Calls' writes, for every entry point. Only tickets opened by phone or as a meeting
carry a call; a meeting link is an https URL (it is shown to the requester as a link)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import TicketCall
from tickets.events import TicketChange
from tickets.models import Channel, Comment, Ticket, TicketEvent
from tickets.services import comment_add
from tickets.services.common import NotAllowed, record_event

CALL_CHANNELS = (Channel.PHONE, Channel.MEETING)
_https = URLValidator(schemes=["https"])


def _check(ticket: Ticket, actor: User) -> None:
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents can schedule or log a call."))
    if ticket.channel not in CALL_CHANNELS:
        raise NotAllowed(_("Only tickets opened by phone or as a meeting carry a call."))


def clean_meeting_url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 500:
        raise ValidationError({"meeting_url": _("The meeting link is at most 500 characters.")})
    try:
        _https(value)
    except ValidationError:
        raise ValidationError({"meeting_url": _("Enter the meeting's https:// link.")}) from None
    return value


def _status_of(ticket: Ticket) -> str:
    found = TicketCall.objects.for_account(ticket.account).filter(ticket=ticket)
    return found.values_list("status", flat=True).first() or ""


def _announce(ticket: Ticket, actor: User, old: str, new: str) -> None:
    """A changed call status: its Activity line, and a change set the triggers see (the
    condition "Call status changed to")."""
    if old == new:
        return
    record_event(
        ticket, actor, Channel.WEB, TicketEvent.Kind.CHANGE, field="call", old=old, new=new
    )
    TicketChange(
        ticket=ticket, actor=actor, channel=Channel.WEB, changes={"call": (old, new)}
    ).send()


@transaction.atomic
def call_schedule(
    *,
    ticket: Ticket,
    actor: User,
    scheduled_at: datetime.datetime | None,
    meeting_url: str = "",
    status: str = TicketCall.Status.SCHEDULED,
) -> TicketCall:
    """Set (or change) the ticket's call: its time, link and status."""
    _check(ticket, actor)
    if status not in TicketCall.Status.values:
        raise ValidationError({"status": _("Choose scheduled, held or missed.")})
    old = _status_of(ticket)
    call, _created = TicketCall.objects.for_account(ticket.account).update_or_create(
        ticket=ticket,
        defaults={
            "account": ticket.account,
            "scheduled_at": scheduled_at,
            "meeting_url": clean_meeting_url(meeting_url),
            "status": status,
            "updated_at": timezone.now(),
        },
    )
    _announce(ticket, actor, old, status)
    return call


@transaction.atomic
def call_log(
    *, ticket: Ticket, actor: User, body: str, status: str, public: bool = False
) -> Comment:
    """Log the call: a comment of channel "phone" (an internal note unless ``public``)
    and the call's status (held or missed)."""
    _check(ticket, actor)
    if status not in (TicketCall.Status.HELD, TicketCall.Status.MISSED):
        raise ValidationError({"status": _("Choose held or missed.")})
    if not (body or "").strip():
        raise ValidationError({"body": _("Write what was said, or why the call was missed.")})
    old = _status_of(ticket)
    comment = comment_add(
        ticket=ticket, author=actor, body=body, public=public, channel=Channel.PHONE
    )
    TicketCall.objects.for_account(ticket.account).update_or_create(
        ticket=ticket,
        defaults={"account": ticket.account, "status": status, "updated_at": timezone.now()},
    )
    _announce(ticket, actor, old, status)
    return comment
