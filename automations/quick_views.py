"""Quick actions on hover (seed 003: "Passa il mouse su un ticket … per attivare il menu
delle azioni rapide per assegnare le code, modificare le fasi e posticipare i ticket"):
from a row of an agent's list, assign a group, change the stage (custom status) or
postpone (snooze), through the same services as the ticket page, so the change is in the
Activity. Answers the re-rendered row (htmx swaps it in place); the row's version
(``quick_stamp``) is checked as the bulk update checks it, and a ticket changed since is
not overwritten (409, the row as it is now). Here, above tickets, because snoozing is the
automations' service."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import groups_for_account
from automations import snooze
from tickets.access import ticket_for_agent, view_for_agent
from tickets.selectors import list_row
from tickets.services import ticket_update
from tickets.services.conflicts import TicketConflict, parse_stamp, ticket_check_fresh
from tickets.status_selectors import custom_statuses_for_account
from tickets.view_selectors import DEFAULT_COLUMNS, VIEW_COLUMNS, view_columns
from tickets.views.common import agent_view

ACTIONS = ("group", "status", "snooze")


def _apply(request, ticket, action: str, value: str) -> None:
    account = request.account
    if action == "group":
        group = groups_for_account(account=account).filter(number=_number(value)).first()
        if group is None:
            raise ValidationError(_("Choose a group from the list."))
        ticket_update(ticket=ticket, actor=request.user, group=group)
    elif action == "status":
        status = custom_statuses_for_account(account=account).filter(number=_number(value)).first()
        if status is None:
            raise ValidationError(_("Choose a status from the list."))
        ticket_update(ticket=ticket, actor=request.user, custom_status=status)
    else:
        amount, _sep, unit = value.partition(":")
        until = snooze.snooze_time(amount=amount, unit=unit)
        snooze.ticket_snooze(ticket=ticket, actor=request.user, until=until)


def _stamp(request):
    stamp = parse_stamp(request.POST.get("quick_stamp"))
    if stamp is not None and timezone.is_naive(stamp):
        stamp = timezone.make_aware(stamp, dt.UTC)  # a hand-made stamp: no 500 for it
    return stamp


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _row(request, number: int, *, error: str = "", status: int = 200) -> HttpResponse:
    view_number = _number(request.POST.get("quick_view", ""))
    columns = [VIEW_COLUMNS[key] for key in DEFAULT_COLUMNS]
    if view_number:
        columns = view_columns(view_for_agent(viewer=request.user, number=view_number))
    ticket = ticket_for_agent(viewer=request.user, number=number)
    extra = [name for column in columns for name in column.fields]
    tickets = [list_row(ticket, extra)]
    return render(
        request,
        "agent/_quick_row.html",
        {
            "tickets": tickets,
            "columns": columns,
            # The row carries its number and stamp only; the menus are the page's.
            "quick": {"view": view_number},
            "quick_error": error,
        },
        status=status,
        using="jinja2",  # the list page's rows (templates/jinja2/agent/_ticket_rows.html)
    )


@agent_view
@require_POST
def ticket_quick(request, number: int):
    ticket = ticket_for_agent(viewer=request.user, number=number)
    action = request.POST.get("quick_action", "")
    if action not in ACTIONS:
        return _row(request, number, error=_("Unknown quick action."), status=400)
    try:
        with transaction.atomic():
            ticket = ticket_check_fresh(ticket=ticket, updated_stamp=_stamp(request))
            _apply(request, ticket, action, request.POST.get(f"quick_{action}", ""))
    except TicketConflict:
        message = _("This ticket was changed meanwhile: nothing was applied.")
        return _row(request, number, error=message, status=409)
    except ValidationError as error:
        return _row(request, number, error=" ".join(error.messages), status=400)
    return _row(request, number)
