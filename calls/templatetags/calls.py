"""The call's pieces on the ticket page and the request page (the tickets app and the
help center know nothing of calls)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from calls.forms import CallForm, CallLogForm
from calls.selectors import call_for_ticket
from calls.services import CALL_CHANNELS

register = template.Library()


# The values of templates/jinja2/calls/_ticket.html
# (a global of the Jinja2 ticket page's environment, helpdesk/jinja2.py).
def call_panel(context, ticket):
    if ticket.channel not in CALL_CHANNELS:
        return {"shown": False}
    call = call_for_ticket(ticket=ticket)
    initial = {}
    if call is not None:
        when = timezone.localtime(call.scheduled_at) if call.scheduled_at else None
        initial = {"scheduled_at": when, "meeting_url": call.meeting_url, "status": call.status}
    return {
        "shown": True,
        "ticket": ticket,
        "call": call,
        "form": CallForm(initial=initial, auto_id="call_%s"),
        "log_form": CallLogForm(auto_id="calllog_%s"),
        "csrf_token": context.get("csrf_token"),
    }


# The values of templates/jinja2/calls/_request.html (the request page's call).
def call_facts(ticket):
    if ticket.channel not in CALL_CHANNELS:
        return {"call": None}
    return {"call": call_for_ticket(ticket=ticket)}
