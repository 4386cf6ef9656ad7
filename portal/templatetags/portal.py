"""Presentation helpers of the help center."""

from django import template

from helpdesk.formatting import datetime_label, iso, number_url_prefix, per_language
from portal.selectors import (
    end_user_status_key,
    end_user_status_label,
)
from tickets.models import Channel

register = template.Library()


# Filters of the Jinja2 help-center pages (helpdesk/jinja2.py).
def hc_status_label(ticket) -> str:
    """A request's status as its end user reads it (its custom status's end-user label)."""
    return end_user_status_label(ticket)


def hc_status_key(ticket) -> str:
    """open / awaiting / solved / escalated, for the badge's class."""
    return end_user_status_key(ticket)


# Filters and globals of the Jinja2 request page and My activities (helpdesk/jinja2.py).
def initials(name: str) -> str:
    parts = (name or "?").split()
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def sort_link(current: str, key: str) -> str:
    """The ?sort= value a column header links to: newest first, then flips."""
    return key if current == f"-{key}" else f"-{key}"


def is_inline_image(attachment) -> bool:
    """PNG, JPEG and GIF are shown as thumbnails; everything else is a download link."""
    from tickets.attachments import SAFE_INLINE_IMAGE_TYPES

    return attachment.content_type in SAFE_INLINE_IMAGE_TYPES


@register.filter
def allowed_types(account) -> str:
    return ", ".join(sorted(ext.upper() for ext in account.allowed_extensions))


# --- My activities' rows (templates/jinja2/portal/_request_rows.html) --------------------


def request_url_prefix() -> str:
    """``request_url_prefix()``: the request links' common part, reversed once per page
    rather than once per row."""
    return number_url_prefix("portal:request")


def request_row_values(tickets) -> list[dict]:
    """``request_row_values(tickets)``: what each row prints, as plain
    values (the template escapes them), in dicts for the reason given at the agent's
    ticket_row_values: labels translated once per language, dates once per instant."""
    channels = per_language(
        "_hc_channels", lambda: {value: str(label) for value, label in Channel.choices}
    )
    rows = []
    for ticket in tickets:
        status = end_user_status_key(ticket)
        created, activity = ticket.created_at, ticket.last_activity_at
        rows.append(
            {
                "number": str(ticket.number),
                "subject": ticket.subject,
                "requester": ticket.requester.name,
                "created_iso": iso(created),
                "created": datetime_label(created),
                "activity_iso": iso(activity),
                "activity": datetime_label(activity),
                "channel": channels.get(ticket.channel, ticket.channel),
                "status": status,
                "status_label": end_user_status_label(ticket),
            }
        )
    return rows
