"""The SLA targets on the ticket page (templates/jinja2/agent/_ticket_sla.html), so the tickets
app knows nothing of service levels."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from helpdesk import formatting
from helpdesk.formatting import datetime_label
from servicelevels.clocks import ACHIEVED, PAUSED
from servicelevels.models import METRIC_LABELS, SlaTarget
from servicelevels.selectors import sla_targets_of

register = template.Library()

# Under this much time left a running target shows as at risk (amber).
AT_RISK = dt.timedelta(hours=1)


def target_values(target: SlaTarget, now: dt.datetime) -> dict[str, str]:
    """What one target prints: its metric, its state in words and a colour class."""
    values = {
        "metric": str(METRIC_LABELS.get(target.metric, target.metric)),
        "iso": formatting.iso(target.breach_at) if target.breach_at else "",
        "label": datetime_label(target.breach_at) if target.breach_at else "",
    }
    breach_at, fulfilled_at = target.breach_at, target.fulfilled_at
    if target.stage == ACHIEVED:
        missed = breach_at is not None and fulfilled_at is not None and fulfilled_at > breach_at
        state = "missed" if missed else "fulfilled"
        text = _("Fulfilled late") if missed else _("Fulfilled")
    elif target.stage == PAUSED or breach_at is None:
        state, text = "paused", _("Paused")
    elif breach_at <= now:
        state = "breached"
        text = _("Breached %(time)s ago") % {"time": timesince(breach_at, now, depth=1)}
    else:
        state = "at-risk" if breach_at - now <= AT_RISK else "ok"
        text = _("%(time)s left") % {"time": timeuntil(breach_at, now, depth=1)}
    return values | {"state": state, "text": text}


@register.simple_tag(takes_context=True)
def ticket_sla_targets(context, ticket) -> list[dict[str, str]]:
    """``{% ticket_sla_targets ticket as targets %}``: the targets a policy sets on the
    ticket (one query: the account is the request's), running ones first."""
    now = timezone.now()
    found = sla_targets_of(account=context["request"].account, ticket=ticket)
    rows = [target_values(t, now) for t in found if t.stage]
    return sorted(rows, key=lambda row: row["state"] in ("fulfilled", "missed"))


@register.simple_tag
def sla_countdown_words() -> dict[str, str]:
    """``{% sla_countdown_words as words %}``: the targets' texts with the time left out,
    for static/js/sla.js to fill in as the clock runs."""
    return {"left": _("%(time)s left"), "ago": _("Breached %(time)s ago")}
