"""The demo account's service level policy (issue 26: the reports' SLA table is not
empty on the demo): one policy with first reply and full resolution targets by
priority, created through the policies' service, and the demo's history measured
against it as each ticket's next change would measure it. Idempotent."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Account
from servicelevels.clocks import FIRST_REPLY, RESOLUTION
from servicelevels.models import SlaPolicy
from servicelevels.policies import sla_policy_create
from servicelevels.tracking import tickets_measure_from_history
from tickets.models import Ticket

TITLE = "Standard support"
# Minutes by priority: first reply, full resolution (calendar hours, as the demo's
# history is spread over every hour of the day).
TARGETS = {
    "urgent": (60, 8 * 60),
    "high": (2 * 60, 24 * 60),
    "normal": (4 * 60, 2 * 24 * 60),
    "low": (8 * 60, 4 * 24 * 60),
}


@transaction.atomic
def seed_demo_policy(account: Account) -> int:
    """The policy and its measured tickets; nothing when the account has a policy."""
    if SlaPolicy.objects.for_account(account).exists():
        return 0
    sla_policy_create(
        account=account,
        title=TITLE,
        description="First reply and resolution targets by priority.",
        metrics=[
            {"priority": priority, "metric": metric, "target": minutes}
            for priority, (first, resolution) in TARGETS.items()
            for metric, minutes in ((FIRST_REPLY, first), (RESOLUTION, resolution))
        ],
    )
    tickets = list(
        Ticket.objects.for_account(account).exclude(priority="").select_related("account")
    )
    return tickets_measure_from_history(tickets)
