"""Presentation helpers of the help center."""

from django import template

from portal.selectors import STATUS_LABELS, end_user_status

register = template.Library()


@register.filter
def hc_status(status: str) -> str:
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
