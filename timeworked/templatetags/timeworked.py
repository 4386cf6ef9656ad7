"""Time worked on the ticket page (the tickets app knows nothing of it)."""

from __future__ import annotations

from django import template

from accounts.roles import permissions_of
from timeworked.forms import TimeLogForm
from timeworked.selectors import running_timer, time_by_agent_on_ticket
from timeworked.services import format_duration

register = template.Library()


@register.filter
def worked(seconds: int) -> str:
    return format_duration(seconds)


@register.inclusion_tag("timeworked/_panel.html", takes_context=True)
def time_panel(context, ticket):
    user = context["request"].user
    return {
        "ticket": ticket,
        # The per-agent split only when there is time to split (no query otherwise).
        "by_agent": time_by_agent_on_ticket(ticket=ticket) if ticket.time_worked else [],
        "timer": running_timer(ticket=ticket, agent=user),
        "may_log": permissions_of(user).edit_tickets,
        "form": TimeLogForm(auto_id="time_%s"),
        "csrf_token": context.get("csrf_token"),
    }
