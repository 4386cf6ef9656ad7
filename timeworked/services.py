"""Time worked's writes: log a typed duration, start and stop a timer. Agents who may
edit tickets (their role, accounts.roles) log time on the tickets they can see; each
entry adds to the ticket's total and writes an Activity line."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import permissions_of
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services.common import NotAllowed, record_event
from timeworked.models import TimeEntry, TimeTimer

MAX_SECONDS = 24 * 3600  # one entry is at most a day
_PARTS = re.compile(r"^(?:(?P<h>\d{1,3})\s*h)?\s*(?:(?P<m>\d{1,4})\s*m(?:in)?)?$", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Seconds from "1h 30m", "1h", "45m", "45" (minutes) or "1:30" (hours:minutes)."""
    value = (text or "").strip().lower()
    seconds = None
    if value.isdigit():
        seconds = int(value) * 60
    elif re.fullmatch(r"\d{1,3}:\d{2}", value):
        hours, minutes = value.split(":")
        seconds = int(hours) * 3600 + int(minutes) * 60
    elif value and (found := _PARTS.match(value)) and (found["h"] or found["m"]):
        seconds = int(found["h"] or 0) * 3600 + int(found["m"] or 0) * 60
    if seconds is None:
        raise ValidationError(
            {"duration": _("Type the time as 1h 30m, 45m or 1:30.")}, code="invalid"
        )
    return seconds


def format_duration(seconds: int) -> str:
    """ "1h 30m", "45m", "0m": the way the ticket page, lists and reports show it."""
    minutes = (seconds or 0) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def _check(ticket: Ticket, actor: User) -> None:
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents log time worked."))
    if not permissions_of(actor).edit_tickets:
        raise NotAllowed(_("Your role does not let you log time worked."))


def _add(ticket: Ticket, actor: User, seconds: int) -> TimeEntry:
    if seconds <= 0:
        raise ValidationError({"duration": _("Log at least one minute.")})
    if seconds > MAX_SECONDS:
        raise ValidationError({"duration": _("One entry is at most 24 hours.")})
    entry = TimeEntry.objects.create(
        account=ticket.account, ticket=ticket, agent=actor, seconds=seconds
    )
    before = Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk)
    old = before.values_list("time_worked", flat=True).get()
    before.update(time_worked=F("time_worked") + seconds)
    ticket.time_worked = old + seconds
    record_event(
        ticket,
        actor,
        Channel.WEB,
        TicketEvent.Kind.CHANGE,
        field="time_worked",
        old=format_duration(old),
        new=format_duration(old + seconds),
    )
    return entry


@transaction.atomic
def time_log(*, ticket: Ticket, actor: User, seconds: int) -> TimeEntry:
    """A typed duration, added to the ticket's total."""
    _check(ticket, actor)
    return _add(ticket, actor, seconds)


@transaction.atomic
def timer_start(*, ticket: Ticket, actor: User) -> TimeTimer:
    """Start the agent's timer on the ticket (a running one keeps its start)."""
    _check(ticket, actor)
    timer, _created = TimeTimer.objects.for_account(ticket.account).get_or_create(
        ticket=ticket, agent=actor, defaults={"account": ticket.account}
    )
    return timer


@transaction.atomic
def timer_stop(*, ticket: Ticket, actor: User) -> TimeEntry | None:
    """Stop the agent's timer and log what it measured (rounded down to the minute; under
    a minute logs nothing). None when no timer was running."""
    _check(ticket, actor)
    timer = (
        TimeTimer.objects.for_account(ticket.account)
        .select_for_update()
        .filter(ticket=ticket, agent=actor)
        .first()
    )
    if timer is None:
        return None
    seconds = int((timezone.now() - timer.started_at).total_seconds())
    timer.delete()
    seconds = min(seconds - seconds % 60, MAX_SECONDS)
    if seconds <= 0:
        return None
    return _add(ticket, actor, seconds)
