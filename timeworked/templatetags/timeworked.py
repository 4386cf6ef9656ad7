"""Time worked on the ticket page (the tickets app knows nothing of it)."""

from __future__ import annotations

from django import template

from accounts.roles import permissions_of
from timeworked.forms import TimeLogForm
from timeworked.selectors import comment_seconds, ticket_page_time, time_by_agent_on_ticket
from timeworked.services import format_duration, may_log_time

register = template.Library()


@register.filter
def worked(seconds: int) -> str:
    return format_duration(seconds)


def _page_time(request, ticket) -> dict:
    """ticket_page_time, read once per request (the panel and the reply box share it)."""
    cache = getattr(request, "_timeworked_page", None)
    if cache is None or cache[0] != ticket.pk:
        cache = (ticket.pk, ticket_page_time(ticket=ticket, agent=request.user))
        request._timeworked_page = cache
    return cache[1]


# The values of templates/jinja2/timeworked/_ticket.html
# (a global of the Jinja2 ticket page's environment, helpdesk/jinja2.py).
def time_panel(context, ticket):
    user = context["request"].user
    return {
        "ticket": ticket,
        # The per-agent split only when there is time to split (no query otherwise).
        "by_agent": time_by_agent_on_ticket(ticket=ticket) if ticket.time_worked else [],
        "timer_started": _page_time(context["request"], ticket)["timer_started"],
        "may_log": permissions_of(user).edit_tickets,
        "form": TimeLogForm(auto_id="time_%s"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def comment_times(ticket) -> dict[int, int]:
    """The time logged with each comment of the ticket ({comment id: seconds}); no query
    when the ticket has no time at all."""
    return comment_seconds(ticket=ticket) if ticket.time_worked else {}


@register.filter
def time_of(times: dict[int, int], comment_id: int) -> str:
    seconds = times.get(comment_id) if times else None
    return format_duration(seconds) if seconds else ""


# The values of templates/jinja2/timeworked/_reply_time.html
# (a global of the Jinja2 ticket page's environment, helpdesk/jinja2.py).
def reply_time_field(context, ticket):
    """The reply box's "Time spent" (agents whose role logs time); the typed value stays
    when the form comes back."""
    request = context["request"]
    may_log = may_log_time(request.user)
    return {
        "may_log": may_log,
        "required": may_log and _page_time(request, ticket)["required"],
        "value": request.POST.get("time_spent", "") if request.method == "POST" else "",
    }
