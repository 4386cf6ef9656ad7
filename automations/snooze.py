"""Snooze (seed 003, "postpone by hours, days, weeks, months"): an agent puts a ticket
away until a time. It leaves the working views (their condition "Snoozed is false") for
the "Snoozed" view; its status and so its SLA clocks are untouched; when the time comes
the scheduled pass (automations.runs.snoozes_wake) brings it back as Open and emails its
assignee. The requester writing in wakes it at once (tickets.services.comment_add)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from tickets.models import Channel, Ticket
from tickets.services import NotAllowed, ticket_update

UNITS = {
    "hours": gettext_lazy("hours"),
    "days": gettext_lazy("days"),
    "weeks": gettext_lazy("weeks"),
    "months": gettext_lazy("months"),
}
# At most a year ahead, whichever the unit.
LIMITS = {"hours": 24 * 366, "days": 366, "weeks": 53, "months": 12}


def months_after(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months later (the month's last day when
    it has fewer days: 31 January plus one month is 28 or 29 February)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def snooze_time(*, amount: object, unit: str, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` postponed by ``amount`` ``unit``s, or a ValidationError saying what is wrong."""
    now = now or timezone.now()
    if unit not in UNITS:
        raise ValidationError(_("Postpone by hours, days, weeks or months."))
    try:
        count = int(str(amount))
    except ValueError:
        count = 0
    if not 1 <= count <= LIMITS[unit]:
        raise ValidationError(
            _("Postpone by a whole number of %(unit)s from 1 to %(max)s.")
            % {"unit": UNITS[unit], "max": LIMITS[unit]}
        )
    if unit == "months":
        return months_after(now, count)
    return now + dt.timedelta(**{unit: count})


@transaction.atomic
def ticket_snooze(*, ticket: Ticket, actor: User, until: dt.datetime) -> Ticket:
    """An agent snoozes an unsolved ticket until a future time (recorded in the Activity)."""
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents can snooze tickets."))
    if ticket.is_solved:
        raise NotAllowed(_("A solved or closed ticket cannot be snoozed."))
    if until <= timezone.now():
        raise ValidationError(_("Snooze until a time in the future."))
    return ticket_update(
        ticket=ticket, actor=actor, channel=Channel.WEB, snoozed_until=until
    ).ticket


@transaction.atomic
def ticket_unsnooze(*, ticket: Ticket, actor: User) -> Ticket:
    """An agent wakes a snoozed ticket now; its status stays as it is."""
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents can snooze tickets."))
    return ticket_update(ticket=ticket, actor=actor, channel=Channel.WEB, snoozed_until=None).ticket
