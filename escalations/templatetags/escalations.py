"""The escalations' pieces on the tickets' pages (the tickets app and the help center
know nothing of escalations): the ticket page's panel, the request page's timeline."""

from __future__ import annotations

from django import template

from escalations.forms import EscalateForm, StageForm
from escalations.selectors import (
    escalations_for_ticket,
    stages_for_account,
    timeline_for_requester,
)

register = template.Library()


# The values of templates/jinja2/escalations/_ticket.html
# (a global of the Jinja2 ticket page's environment, helpdesk/jinja2.py).
def escalation_panel(context, ticket):
    account = context["request"].account
    # Ticket.escalation says whether there was ever one: no query for the others.
    escalations = escalations_for_ticket(ticket=ticket) if ticket.escalation else []
    stages = list(stages_for_account(account=account)) if escalations else []
    return {
        "ticket": ticket,
        "escalations": [
            (
                e,
                StageForm(
                    stages=stages,
                    initial={
                        "stage": e.stage.number,
                        "estimated_resolution": e.estimated_resolution,
                    },
                    auto_id=f"esc{e.number}_%s",
                ),
            )
            for e in escalations
        ],
        "can_escalate": not any(e.is_open for e in escalations),
        # The ticket page's groups, read once for the sidebar's field and this form.
        "form": EscalateForm(
            account=account, groups=context.get("agent_groups"), auto_id="escalate_%s"
        ),
        "csrf_token": context.get("csrf_token"),
    }


# The values of templates/jinja2/escalations/_timeline.html (the request page's).
def escalation_timeline(ticket):
    """Nothing but the stages and dates: never the description (selectors)."""
    return {"timeline": timeline_for_requester(ticket=ticket)}
