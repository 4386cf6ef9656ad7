from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from reports import access
from reports.metrics import BUCKET_EDGES

register = template.Library()


@register.filter
def may_see_reports(user) -> bool:
    return access.may_see_reports(user)


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as minutes, hours or days, rounded for reading."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return _("%(n)s min") % {"n": max(1, round(seconds / 60))}
    if seconds < 2 * 86400:
        return _("%(n)s h") % {"n": f"{round(seconds / 3600, 1):g}"}
    return _("%(n)s d") % {"n": f"{round(seconds / 86400, 1):g}"}


@register.filter
def at_most(bucket: int | None) -> str:
    """A duration bucket read as "at most …" (the last, open one as "over …")."""
    if bucket is None:
        return "–"
    if bucket >= len(BUCKET_EDGES):
        return _("over %(time)s") % {"time": duration(BUCKET_EDGES[-1])}
    return _("≤ %(time)s") % {"time": duration(BUCKET_EDGES[bucket])}


@register.filter
def percent(fraction: float | None) -> str:
    if fraction is None:
        return "–"
    return f"{round(fraction * 100)}%"


@register.filter
def one_decimal(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}"
