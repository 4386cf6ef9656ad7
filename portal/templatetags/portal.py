"""Presentation helpers of the help center."""

from html import escape

from django import template
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from helpdesk.formatting import datetime_label, iso, number_url_prefix, per_language
from portal.selectors import STATUS_LABELS, end_user_status
from tickets.models import Channel

register = template.Library()


@register.filter
def hc_status(status: str) -> str | Promise:
    """The end user's status label: Open, Awaiting your reply or Solved."""
    return STATUS_LABELS[end_user_status(status)]


@register.filter
def hc_status_key(status: str) -> str:
    """open / awaiting / solved, for the badge's class."""
    return end_user_status(status)


@register.filter
def initials(name: str) -> str:
    parts = (name or "?").split()
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.simple_tag
def sort_link(current: str, key: str) -> str:
    """The ?sort= value a column header links to: newest first, then flips."""
    return key if current == f"-{key}" else f"-{key}"


@register.filter
def is_inline_image(attachment) -> bool:
    """PNG, JPEG and GIF are shown as thumbnails; everything else is a download link."""
    from tickets.attachments import SAFE_INLINE_IMAGE_TYPES

    return attachment.content_type in SAFE_INLINE_IMAGE_TYPES


@register.filter
def allowed_types(account) -> str:
    return ", ".join(sorted(ext.upper() for ext in account.allowed_extensions))


# --- My activities' rows ------------------------------------------------------------------
# Rendered in one pass, as the agent's list rows are (tickets/templatetags/agent.py): four
# date filters and an included badge per row through the template engine were most of
# "My activities"' CPU (issue 8, scenario 4). The markup is the template's.


def _row_texts() -> dict[str, str]:
    def build():
        texts = {
            "requester": _("Requester"),
            "created": _("Created"),
            "activity": _("Last activity"),
            "channel": _("Channel"),
        }
        texts = {key: escape(text) for key, text in texts.items()}
        texts |= {f"channel:{value}": escape(str(label)) for value, label in Channel.choices}
        return texts | {f"status:{key}": escape(str(label)) for key, label in STATUS_LABELS.items()}

    return per_language("_hc_rows", build)


def _request_row(ticket, texts, url: str, shows_requester: bool) -> str:
    requester = (
        f'<td class="hc-cell-extra" data-label="{texts["requester"]}">'
        f"{escape(ticket.requester.name)}</td>"
        if shows_requester
        else ""
    )
    status = end_user_status(ticket.status)
    created, activity = ticket.created_at, ticket.last_activity_at
    channel = texts.get(f"channel:{ticket.channel}", escape(ticket.channel))
    return (
        f'<tr><td class="hc-id">#{ticket.number}</td>'
        f'<td class="hc-subject"><a href="{url}{ticket.number}/">{escape(ticket.subject)}</a></td>'
        f"{requester}"
        f'<td class="nowrap hc-cell-extra" data-label="{texts["created"]}">'
        f'<time datetime="{iso(created)}">{escape(datetime_label(created))}</time></td>'
        f'<td class="nowrap hc-cell-extra" data-label="{texts["activity"]}">'
        f'<time datetime="{iso(activity)}">{escape(datetime_label(activity))}</time></td>'
        f'<td class="hc-cell-extra" data-label="{texts["channel"]}">{channel}</td>'
        f'<td class="hc-cell-status"><span class="badge hc-status hc-status-{status}">'
        f"{texts[f'status:{status}']}</span></td></tr>\n"
    )


@register.simple_tag
def request_rows(tickets, shows_requester=False):
    """``{% request_rows page.object_list tab.shows_requester %}``: a ``<tr>`` per request."""
    texts = _row_texts()
    url = number_url_prefix("portal:request")
    rows = "".join(_request_row(t, texts, url, shows_requester) for t in tickets)
    return mark_safe(rows)  # noqa: S308 - every value in a row is escaped
