"""The scheduled pass (Celery beat, every 10 minutes; ``manage.py run_automations``):
the SLA alerts due are recorded (servicelevels.alerts: triggers act on them), each
active automation acts on the tickets meeting its conditions, and snoozed tickets whose
time has come wake up.

Idempotent and restartable, whoever runs it and however often:

- the tickets an automation acts on are found by one indexed query (its conditions are
  the views', compiled by ``tickets.conditions.conditions_q``), at most
  ``AUTOMATIONS_BATCH`` of them a pass; then they are handled a chunk at a time, in a
  transaction that first locks the chunk's rows *and checks the conditions again under
  the lock* (``SELECT … WHERE pk IN (…) AND <conditions> FOR UPDATE SKIP LOCKED``);
- every automation is refused when saved unless one of its actions makes it stop
  matching (``automations.rules``), and its actions are written in that transaction;
- so a second pass running at the same time (two beats by mistake) skips a ticket the
  first holds, and finds it no longer matching once the first has committed; a worker
  killed mid-pass loses only the uncommitted chunk, which the next pass does whole.
  (tests/automations/test_worker.py kills a real worker mid-pass and runs two at once.)

Each application is one line in the ticket's Activity ("Automation: <name>", by the
System), followed by the field changes its actions made through ``ticket_update``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.dbsession import account_context
from accounts.models import Account, User
from automations.models import Automation
from notifications.rule_actions import rule_actions_apply
from servicelevels.alerts import accounts_with_alerts_due, sla_alerts_record
from servicelevels.businesstime import NoBusinessHours, subtract_business_time
from servicelevels.selectors import default_schedule_for, schedule_value
from tickets.conditions import BUSINESS, BusinessBefore, calendar_before, conditions_q
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services import ticket_update
from tickets.services.common import record_event

logger = logging.getLogger("sportello.operations")

# Translators: keep every {{placeholder}} exactly as it is.
WAKE_SUBJECT = gettext_lazy("[Snooze over] #{{ticket.id}} {{ticket.title}}")
WAKE_BODY = gettext_lazy(
    "Ticket #{{ticket.id}} “{{ticket.title}}”, snoozed until now, is back in your "
    "working views as Open.\n\n{{ticket.url}}"
)


@dataclass(frozen=True)
class PassReport:
    fired: dict[str, int]  # automation name → tickets it acted on
    woken: int
    alerted: int = 0  # SLA alerts recorded (servicelevels.alerts), for the triggers

    @property
    def touched(self) -> int:
        return sum(self.fired.values()) + self.woken + self.alerted


def _batch() -> int:
    return int(getattr(settings, "AUTOMATIONS_BATCH", 200))


def business_before(account: Account) -> BusinessBefore:
    """ "N business hours before now" in the account's default schedule (Zendesk's
    "(business)" conditions); with no schedule, the desk is open around the clock. A
    schedule never open has no business hour behind: "more than N" holds of nothing."""
    schedule = default_schedule_for(account=account)
    if schedule is None:
        return calendar_before
    value = schedule_value(schedule=schedule)

    def before(now: dt.datetime, hours: int) -> dt.datetime:
        try:
            return subtract_business_time(value, now, dt.timedelta(hours=hours))
        except NoBusinessHours:
            return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

    return before


def matching_tickets(*, automation: Automation) -> QuerySet[Ticket]:
    """The tickets ``automation`` would act on now (closed ones never: Closed is final).
    Conditions are evaluated as nobody (no "current user"), dates in the account's zone,
    business hours in its default schedule (read only when a condition counts them)."""
    nobody = User(account=automation.account)
    conditions = automation.conditions
    counts_business = any(
        c["operator"] in BUSINESS for part in ("all", "any") for c in conditions.get(part, [])
    )
    before = business_before(automation.account) if counts_business else None
    return (
        Ticket.objects.for_account(automation.account)
        .filter(conditions_q(conditions, viewer=nobody, business_before=before))
        .exclude(status=Ticket.Status.CLOSED)
    )


def _locked(tickets: QuerySet[Ticket], pks: list[int]) -> list[Ticket]:
    """Those of ``pks`` that still meet the query now, locked; a ticket another pass
    holds is skipped (SKIP LOCKED), one it has acted on meanwhile no longer matches."""
    return list(tickets.filter(pk__in=pks).select_for_update(skip_locked=True).order_by("pk"))


def _chunks(pks: list[int]) -> list[list[int]]:
    size = max(1, int(getattr(settings, "AUTOMATIONS_CHUNK", 25)))
    return [pks[start : start + size] for start in range(0, len(pks), size)]


def automation_run(*, automation: Automation) -> int:
    """One automation over its account's tickets; how many it acted on.

    Tickets are locked and acted on a chunk at a time (AUTOMATIONS_CHUNK, one
    transaction each: a commit per ticket cost more than the ticket's own work), each
    ticket inside a savepoint of its own so that one failure is logged and undone alone.
    A worker killed mid-chunk loses the chunk's uncommitted work, which the next pass
    does whole."""
    tickets = matching_tickets(automation=automation)
    fired = 0
    for chunk in _chunks(list(tickets.order_by().values_list("pk", flat=True)[: _batch()])):
        with transaction.atomic():
            for ticket in _locked(tickets, chunk):
                ticket.account = automation.account  # read once, not once per ticket
                try:
                    with transaction.atomic():
                        record_event(
                            ticket,
                            None,
                            Channel.SYSTEM,
                            TicketEvent.Kind.CHANGE,
                            field="automation",
                            new=automation.name,
                        )
                        rule_actions_apply(
                            ticket=ticket, actions=automation.actions, reason=automation.name
                        )
                except Exception:
                    logger.exception("Automation %s on ticket %s failed", automation.pk, ticket.pk)
                else:
                    fired += 1
    Automation.objects.for_account(automation.account).filter(pk=automation.pk).update(
        last_run_at=timezone.now(), last_run_count=fired
    )
    return fired


def snoozes_wake(*, account: Account, now: dt.datetime | None = None) -> int:
    """Snoozed tickets whose time has come: back as Open (a solved one just loses its
    snooze), the change in the Activity, the assignee emailed. Same locking as above."""
    now = now or timezone.now()
    due = Ticket.objects.for_account(account).filter(snoozed_until__lte=now)
    woken = 0
    pks = list(due.order_by("snoozed_until").values_list("pk", flat=True)[: _batch()])
    for chunk in _chunks(pks):
        with transaction.atomic():
            for ticket in _locked(due, chunk):
                ticket.account = account
                woken += _wake(ticket)
    return woken


def _wake(ticket: Ticket) -> int:
    if ticket.is_closed:  # Closed is final: nothing to wake, nobody to tell
        Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk).update(snoozed_until=None)
        return 0
    fields: dict[str, object] = {"snoozed_until": None}
    if not ticket.is_solved:
        fields["status"] = Ticket.Status.OPEN
    ticket = ticket_update(ticket=ticket, actor=None, channel=Channel.SYSTEM, **fields).ticket
    if fields.get("status"):
        rule_actions_apply(
            ticket=ticket,
            actions=[
                {
                    "action": "email_assignee",
                    "value": "",
                    "subject": WAKE_SUBJECT,
                    "body": WAKE_BODY,
                }
            ],
            reason="snooze",
        )
    return 1


def account_pass(*, account: Account) -> PassReport:
    """One account's SLA alerts (the triggers asking about them run on each), every
    active automation, in order, then its wake-ups."""
    alerted = sla_alerts_record(account=account)
    fired = {}
    automations = Automation.objects.for_account(account).filter(active=True)
    for automation in automations.order_by("position", "id"):
        automation.account = account  # read once, not once per automation
        fired[automation.name] = automation_run(automation=automation)
    return PassReport(fired=fired, woken=snoozes_wake(account=account), alerted=alerted)


def automations_sweep() -> dict[str, PassReport]:
    """The scheduled pass over every account. Platform-level only to list the accounts
    with something to do; then it works for one account at a time."""
    accounts = {
        automation.account.pk: automation.account
        for automation in Automation.all_accounts.select_related("account").filter(active=True)
    }
    due = Ticket.all_accounts.select_related("account").filter(snoozed_until__lte=timezone.now())
    for ticket in due[: _batch()]:
        accounts.setdefault(ticket.account.pk, ticket.account)
    for account in accounts_with_alerts_due(now=timezone.now()):
        accounts.setdefault(account.pk, account)
    reports = {}
    for _pk, account in sorted(accounts.items()):
        with account_context(account):
            reports[account.subdomain] = account_pass(account=account)
    return reports
