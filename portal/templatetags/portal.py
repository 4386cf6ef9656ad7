"""Presentation helpers of the help center."""

from django import template
from django.utils.functional import Promise

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


# --- My activities' rows (templates/portal/_request_rows.html) ---------------------------


@register.simple_tag
def request_url_prefix() -> str:
    """``{% request_url_prefix as url %}``: the request links' common part, reversed once
    per page rather than once per row."""
    return number_url_prefix("portal:request")


@register.filter
def channel_label(channel: str) -> str:
    """How a request came in ("Email", "Web"), translated once per language."""

    def build():
        return {value: str(label) for value, label in Channel.choices}

    return per_language("_hc_channels", build).get(channel, channel)


# The dates of a row, as the agent's rows print them (helpdesk/formatting.py).
register.filter("iso", iso)
register.filter("datetime_label", datetime_label)
