"""SLA warnings in the agents' bell (issue 22): a ticket whose next SLA breach comes
within the hour tells its assignee (or, unassigned, its group's agents), once per
breach time, through notifications.inapp.sla_warning_notify (its key makes a second
pass, or two passes at once, write nothing more)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.dbsession import account_context
from accounts.models import Account
from notifications.inapp import sla_warning_notify
from servicelevels.models import TicketSla
from servicelevels.selectors import tickets_sla_breach_within

WARNING_HOURS = 1
BATCH = 500  # tickets per account and pass, soonest breach first


def sla_warnings_send(*, account: Account) -> int:
    """Warn of the account's tickets breaching within WARNING_HOURS; the rows written."""
    tickets = (
        tickets_sla_breach_within(account=account, hours=WARNING_HOURS)
        .exclude(assignee__isnull=True, group__isnull=True)
        .select_related("sla", "assignee", "account")
        .order_by("sla__next_breach_at")[:BATCH]
    )
    written = 0
    for ticket in tickets:
        breach_at = ticket.sla.next_breach_at
        if breach_at is None:  # the range above excludes it; for the type checker
            continue
        with transaction.atomic():
            written += len(sla_warning_notify(ticket=ticket, breach_at=breach_at))
    return written


def sla_warnings_sweep() -> dict[str, int]:
    """Every account with a ticket breaching soon: platform-level only to list them (the
    summaries' index on next_breach_at), then working for one account at a time."""
    now = timezone.now()
    soon = TicketSla.all_accounts.select_related("account").filter(
        next_breach_at__gt=now, next_breach_at__lte=now + dt.timedelta(hours=WARNING_HOURS)
    )
    accounts = {row.account.pk: row.account for row in soon}
    report = {}
    for _pk, account in sorted(accounts.items()):
        with account_context(account):
            report[account.subdomain] = sla_warnings_send(account=account)
    return report
