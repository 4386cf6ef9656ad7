"""SLA alerts: a running target reaching its warning time (``WARNING_LEAD``, an
hour, before its breach) or its breach, recorded once on the ticket so
that triggers can act on it ("SLA target: warning reached", "SLA target: breached";
notifications.triggers), as an account emails the assignee or the group an hour before
a breach.

Nothing happens at a breach time by itself: the scheduled pass (automations.runs, every
10 minutes; ``manage.py run_automations``) calls ``sla_alerts_record``, which finds the
targets due from the partial index ``slatarget_alert_due`` (running targets whose breach
time falls before now + the lead, those already announced as breached left out of the
index), and for each one:

- writes ``SlaTarget.alerted`` ("warning", then "breached"): a target is announced once
  per breach time (tracking puts it back to "" when the breach time moves: another cycle
  of next reply time, another priority's target); a target found already breached is
  announced as breached only;
- records the ticket event ("SLA warning" / "SLA breached": the metric) in the Activity,
  by the System;
- sends the ticket's change signal with ``sla_alert`` set, on which the triggers run
  (only those that ask about SLA alerts: an alert is no update of the ticket).

Idempotent and restartable as the automations are: rows are locked a chunk at a time
with SKIP LOCKED and the due condition is checked again under the lock, so two passes at
once, or one after a worker died mid-chunk, never announce a target twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from accounts.dbsession import platform_access
from accounts.models import Account
from servicelevels.models import METRIC_LABELS, SlaTarget
from tickets.events import TicketChange
from tickets.models import Channel, TicketEvent
from tickets.services.common import record_event

logger = logging.getLogger("sportello.operations")

WARNING, BREACHED = "warning", "breached"
EVENT_FIELDS = {WARNING: "sla_warning", BREACHED: "sla_breach"}


# Zendesk's "one hour before a breach": the trigger condition says so in its words.
WARNING_LEAD = dt.timedelta(hours=1)


def sla_alerts_due(*, account: Account, now: dt.datetime) -> QuerySet[SlaTarget]:
    """The account's running targets with an alert to record now: a range of the
    partial index slatarget_alert_due (the planner proves its predicate from these very
    filters), then the few within the lead already warned are filtered out."""
    return (
        SlaTarget.objects.for_account(account)
        .filter(stage="active", breach_at__isnull=False, breach_at__lte=now + WARNING_LEAD)
        .exclude(alerted=BREACHED)
        .filter(Q(alerted="") | Q(breach_at__lte=now))
    )


def _chunks(pks: list[int]) -> list[list[int]]:
    size = max(1, int(getattr(settings, "AUTOMATIONS_CHUNK", 25)))
    return [pks[start : start + size] for start in range(0, len(pks), size)]


def accounts_with_alerts_due(*, now: dt.datetime) -> list[Account]:
    """Platform level, for the sweep: the accounts with an alert to record (the partial
    index holds only running targets not yet announced as breached)."""
    ids = set(
        SlaTarget.all_accounts.filter(
            stage="active", breach_at__isnull=False, breach_at__lte=now + WARNING_LEAD
        )
        .exclude(alerted=BREACHED)
        .filter(Q(alerted="") | Q(breach_at__lte=now))
        .order_by()
        .values_list("account_id", flat=True)
        .distinct()
    )
    with platform_access():
        return list(Account.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def sla_alerts_record(*, account: Account, now: dt.datetime | None = None) -> int:
    """Record the alerts due now (at most AUTOMATIONS_BATCH a pass, the earliest
    breaches first); how many were recorded."""
    now = now or timezone.now()
    due = sla_alerts_due(account=account, now=now)
    batch = int(getattr(settings, "AUTOMATIONS_BATCH", 200))
    pks = list(due.order_by("breach_at").values_list("pk", flat=True)[:batch])
    recorded = 0
    with translation.override(account.default_locale or "en"):
        labels = {metric: str(label) for metric, label in METRIC_LABELS.items()}
    for chunk in _chunks(pks):
        with transaction.atomic():
            rows = list(
                due.filter(pk__in=chunk)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("ticket")
                .order_by("breach_at", "pk")
            )
            for row in rows:
                try:
                    with transaction.atomic():
                        _announce(account, row, now, labels)
                except Exception:
                    logger.exception("SLA alert of target %s failed", row.pk)
                else:
                    recorded += 1
    return recorded


def _announce(account: Account, row: SlaTarget, now: dt.datetime, labels: dict) -> None:
    assert row.breach_at is not None  # noqa: S101 - the query's filter
    kind = BREACHED if row.breach_at <= now else WARNING
    SlaTarget.objects.for_account(account).filter(pk=row.pk).update(alerted=kind)
    ticket = row.ticket
    ticket.account = account
    record_event(
        ticket,
        None,
        Channel.SYSTEM,
        TicketEvent.Kind.CHANGE,
        field=EVENT_FIELDS[kind],
        new=labels.get(row.metric, row.metric),
    )
    TicketChange(ticket=ticket, actor=None, channel=Channel.SYSTEM, sla_alert=kind).send()
