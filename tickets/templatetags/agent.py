"""Template helpers of the agent workspace: navigation counts, sort links, activity."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tickets.models import Ticket, TicketEvent
from tickets.selectors import agent_view_counts

register = template.Library()

FIELD_LABELS = {
    "subject": Ticket._meta.get_field("subject").verbose_name,
    "status": Ticket._meta.get_field("status").verbose_name,
    "type": Ticket._meta.get_field("type").verbose_name,
    "priority": Ticket._meta.get_field("priority").verbose_name,
    "assignee": Ticket._meta.get_field("assignee").verbose_name,
    "group": Ticket._meta.get_field("group").verbose_name,
    "requester": Ticket._meta.get_field("requester").verbose_name,
    "organization": Ticket._meta.get_field("organization").verbose_name,
    "tags": Ticket._meta.get_field("tags").verbose_name,
    "due_at": Ticket._meta.get_field("due_at").verbose_name,
    "ccs": _lazy("CC"),
    "is_public": _lazy("Visibility"),
    "satisfaction": _lazy("Satisfaction"),
}
CHOICE_LABELS = {
    "status": dict(Ticket.Status.choices),
    "type": dict(Ticket.Type.choices),
    "priority": dict(Ticket.Priority.choices),
    "satisfaction": dict(Ticket.Rating.choices),
}


@register.simple_tag(takes_context=True)
def agent_counts(context) -> dict[str, int]:
    """The navigation's ticket counts, one query per page."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_agent", False):
        return {}
    return agent_view_counts(viewer=request.user)


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label: str):
    """A column header that sorts by ``key``, toggling direction when already sorted."""
    current = context.get("sort", "")
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    if current == key:
        query["sort"], arrow, aria = f"-{key}", " ▲", "ascending"
    elif current == f"-{key}":
        query["sort"], arrow, aria = key, " ▼", "descending"
    else:
        query["sort"], arrow, aria = key, "", None
    if aria:
        return format_html(
            '<a href="?{}" aria-sort="{}">{}<span aria-hidden="true">{}</span></a>',
            query.urlencode(),
            aria,
            label,
            arrow,
        )
    return format_html('<a href="?{}">{}</a>', query.urlencode(), label)


@register.filter
def event_field(event: TicketEvent) -> str:
    return str(FIELD_LABELS.get(event.field, event.field))


@register.filter
def event_value(value: str, field: str) -> str:
    """A recorded value as people read it: choice labels, dates, "—" for nothing."""
    if not value:
        return "—"
    if field in CHOICE_LABELS:
        return str(CHOICE_LABELS[field].get(value, value))
    if field == "due_at":
        parsed = parse_datetime(value)
        return date_format(parsed, "DATE_FORMAT") if parsed else value
    if field == "is_public":
        return _("Public") if value == "public" else _("Private")
    return value


@register.filter
def row_summary(ticket: Ticket) -> str:
    """The hover summary of a list row: priority and the latest comment."""
    priority = ticket.get_priority_display() or _("No priority")
    excerpt = " ".join((getattr(ticket, "latest_comment", "") or "").split())
    if len(excerpt) > 160:
        excerpt = excerpt[:159] + "…"
    return f"{_('Priority')}: {priority}\n{excerpt}" if excerpt else f"{_('Priority')}: {priority}"


@register.filter
def since(value) -> str:
    """ "6 hours" rather than "6 hours, 40 minutes": a list is read at a glance. Empty
    under a minute (the template says "just now")."""
    if not value or (timezone.now() - value).total_seconds() < 60:
        return ""
    return timesince(value, depth=1)
