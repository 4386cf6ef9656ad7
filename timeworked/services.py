"""Time worked's writes: log a typed duration, start and stop a timer. Agents who may
edit tickets (their role, accounts.roles) log time on the tickets they can see; each
entry adds to the ticket's total and writes an Activity line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, User
from accounts.roles import permissions_of
from tickets.models import Channel, Comment, Ticket, TicketEvent
from tickets.services.common import NotAllowed, RoleRefused, record_event
from timeworked.models import TimeEntry, TimeSettings, TimeTimer

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


def may_log_time(actor: User) -> bool:
    return actor.is_agent and permissions_of(actor).edit_tickets


def _check(ticket: Ticket, actor: User) -> None:
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents log time worked."))
    if not permissions_of(actor).edit_tickets:
        raise RoleRefused(_("Your role does not let you log time worked."))


def _check_open(ticket: Ticket) -> None:
    """A closed ticket is read-only (its follow-up takes new work), its time included. A
    timer left running when it closed may still be stopped: that work was done before."""
    if ticket.is_closed:
        raise ValidationError({"duration": _("A closed ticket takes no more time worked.")})


def _add(ticket: Ticket, actor: User, seconds: int, comment: Comment | None = None) -> TimeEntry:
    if seconds <= 0:
        raise ValidationError({"duration": _("Log at least one minute.")})
    if seconds > MAX_SECONDS:
        raise ValidationError({"duration": _("One entry is at most 24 hours.")})
    entry = TimeEntry.objects.create(
        account=ticket.account, ticket=ticket, agent=actor, seconds=seconds, comment=comment
    )
    before = Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk)
    old = before.values_list("time_worked", flat=True).get()
    before.update(time_worked=F("time_worked") + seconds)
    ticket.time_worked = old + seconds
    record_event(
        ticket,
        actor,
        comment.channel if comment is not None else Channel.WEB,
        TicketEvent.Kind.CHANGE,
        field="time_worked",
        old=format_duration(old),
        new=format_duration(old + seconds),
    )
    return entry


@transaction.atomic
def time_log(
    *, ticket: Ticket, actor: User, seconds: int, comment: Comment | None = None
) -> TimeEntry:
    """A typed duration, added to the ticket's total (linked to the comment it was
    logged with, when it was)."""
    _check(ticket, actor)
    _check_open(ticket)
    return _add(ticket, actor, seconds, comment)


@transaction.atomic
def timer_start(*, ticket: Ticket, actor: User) -> TimeTimer:
    """Start the agent's timer on the ticket (a running one keeps its start)."""
    _check(ticket, actor)
    _check_open(ticket)
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


def time_required(account: Account) -> bool:
    """Whether the account asks for the time spent on every agent's update."""
    return TimeSettings.objects.for_account(account).filter(require_on_update=True).exists()


@transaction.atomic
def time_settings_update(*, account: Account, actor: User, require_on_update: bool) -> None:
    if not (actor.is_admin and actor.account_id == account.pk):
        raise NotAllowed(_("Only admins change the time worked settings."))
    TimeSettings.objects.for_account(account).update_or_create(
        account=account, defaults={"require_on_update": require_on_update}
    )


def _seconds_sent(extras: Mapping[str, Any]) -> int | None:
    """The time spent sent with a reply: the reply box's ``time_spent`` as typed
    ("1h 30m"), or the API's ``time_entry: {"minutes": 45}``. None when none was sent."""
    typed = extras.get("time_spent")
    if isinstance(typed, str) and typed.strip():
        return parse_duration(typed)
    entry = extras.get("time_entry")
    if entry is None:
        return None
    minutes = entry.get("minutes") if isinstance(entry, dict) else None
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise ValidationError(
            {"time_entry": _('Send the time spent as "time_entry": {"minutes": 45}.')}
        )
    return minutes * 60


def reply_time(ticket: Ticket, actor: User, comment: Comment, extras: Mapping[str, Any]) -> None:
    """The time spent sent with an agent's reply or note (tickets.reply_extras): logged
    on the comment. When the account requires it, an update by an agent who logs time
    (their role lets them) without it is refused, and ticket_reply's transaction undoes
    the comment."""
    seconds = _seconds_sent(extras)
    if seconds is not None:
        time_log(ticket=ticket, actor=actor, seconds=seconds, comment=comment)
    elif may_log_time(actor) and time_required(ticket.account):
        raise ValidationError(
            {
                "time_spent": _(
                    "This account asks for the time spent on every update: "
                    "enter it (for example 15m) and send again."
                )
            }
        )
