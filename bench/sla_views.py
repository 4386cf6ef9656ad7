"""The bench's SLA view (issue 20), beside bench/run.py's scenarios."""

from __future__ import annotations

SLA_BREACHED = "SLA breached (bench)"


def sla_breached_view(account):
    """Scenario 1s's view (issue 20): tickets whose SLA target has breached, soonest
    breach first, with the "Next SLA breach" column; made once by the account's admin."""
    from accounts.models import User
    from tickets.models import View
    from tickets.services.saved_views import view_create

    found = View.objects.for_account(account).filter(title=SLA_BREACHED).first()
    if found:
        return found
    admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).first()
    return view_create(
        account=account,
        actor=admin,
        title=SLA_BREACHED,
        conditions={"all": [{"field": "sla_next_breach_at", "operator": "breached"}]},
        columns=["number", "subject", "requester", "status", "priority", "sla"],
        sort_by="sla",
        sort_order="asc",
    )
