"""Each ticket's SLA state, kept up to date as the domain records its events.

``sla_apply_change`` receives every ``TicketChange`` (tickets/events.py), inside the
service's transaction. A ticket is *tracked* while a policy applies to it: its clocks
(servicelevels.clocks) are stored, one SlaTarget row per metric, and advanced by this
change's events only (no rescan of the ticket, let alone of the account). A ticket that
was not tracked (no policy applied until now, or its policy was deactivated or deleted
since) gets its clocks from its whole history once (``clocks_from_history``), then
event by event again: one ticket's events, never a sweep.

Which policy applies, and the targets, are decided again on every change (the first
active policy, by position, whose conditions the ticket meets; the targets of the
ticket's priority), as Zendesk re-applies policies on each update: a new priority
re-measures the same clocks against its own targets.

Queries per change: one (the account's active policies) when it has none; otherwise
the match (one, none when the first policy has no conditions), the ticket's rows, two
upserts, and two for a schedule when a target counts business hours; and, when the
change moves what a target counts in the reports (achieved or breached, on which day:
servicelevels.events.sla_targets_stored), two for the reports' SLA rollup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from accounts.models import Account
from servicelevels import businesstime, clocks
from servicelevels.events import TargetState, sla_targets_stored, sla_targets_untracking
from servicelevels.models import Schedule, SlaPolicy, SlaTarget, TicketSla
from servicelevels.selectors import default_schedule_for, schedule_value
from tickets.conditions import conditions_q
from tickets.events import TicketChange
from tickets.models import Ticket, TicketEvent

ROW_FIELDS = [
    "stage",
    "running_since",
    "spans",
    "fulfilled_at",
    "policy",
    "target_minutes",
    "business_hours",
    "breach_at",
    "alerted",
]


def active_policies(account_id: int) -> list[SlaPolicy]:
    return list(
        SlaPolicy.all_accounts.filter(account_id=account_id, is_active=True)
        .select_related("schedule")
        .order_by("position", "number")
    )


def policy_for(ticket: Ticket, policies: list[SlaPolicy]) -> SlaPolicy | None:
    """The first of ``policies`` whose conditions ``ticket`` meets (as it is stored now),
    decided by the views' own query (tickets.conditions), in one query for them all."""
    conditional = []
    for policy in policies:
        if not (policy.conditions.get("all") or policy.conditions.get("any")):
            break  # matches every ticket: no policy after it can apply
        conditional.append(policy)
    if conditional:
        flags = {
            f"p{p.pk}": ExpressionWrapper(
                conditions_q(p.conditions, viewer=ticket.requester), output_field=BooleanField()
            )
            for p in conditional
        }
        row = (
            Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk).values(**flags).first()
            or {}
        )
        for policy in conditional:
            if row.get(f"p{policy.pk}"):
                return policy
    return policies[len(conditional)] if len(conditional) < len(policies) else None


def targets_of(policy: SlaPolicy, priority: str) -> dict[str, dict[str, Any]]:
    """{metric: policy metric} of ``policy`` for tickets of ``priority``."""
    return {m["metric"]: m for m in policy.metrics if m.get("priority") == priority}


# --- Events: from a change (incremental) and from the history (from scratch) ------------


def events_of_change(change: TicketChange) -> list[clocks.Event]:
    ticket = change.ticket
    events: list[clocks.Event] = []
    if change.created:
        events.append(clocks.Created(at=ticket.created_at, status=ticket.status))
    if change.comment is not None and not change.created:
        comment = change.comment
        events.append(
            clocks.Commented(
                at=comment.created_at, public=comment.public, by_agent=comment.author.is_agent
            )
        )
    if "status" in change.changes and not change.created:
        events.append(clocks.StatusChanged(at=timezone.now(), new=change.changes["status"][1]))
    return events


def events_of_history(ticket: Ticket) -> list[clocks.Event]:
    """A ticket's SLA events from its stored history, oldest first (one query). Its
    status at creation is the first status change's old value (else its status now)."""
    rows = list(
        TicketEvent.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .filter(
            Q(kind=TicketEvent.Kind.CREATED)
            | Q(kind=TicketEvent.Kind.COMMENT, comment__isnull=False)
            | Q(kind=TicketEvent.Kind.CHANGE, field="status")
        )
        .select_related("comment__author")
        .order_by("created_at", "id")
    )
    changes = [r for r in rows if r.kind == TicketEvent.Kind.CHANGE]
    initial = changes[0].old_value if changes else ticket.status
    events: list[clocks.Event] = []
    description = True
    for row in rows:
        if row.kind == TicketEvent.Kind.CREATED:
            events.append(clocks.Created(at=ticket.created_at, status=initial))
        elif row.kind == TicketEvent.Kind.COMMENT and description:
            description = False  # the request itself, whoever typed it: no reply
        elif row.kind == TicketEvent.Kind.COMMENT:
            comment = row.comment
            assert comment is not None
            events.append(
                clocks.Commented(
                    at=comment.created_at,
                    # Public when written: a first reply made internal later (rule 7).
                    public=comment.public or comment.made_internal,
                    by_agent=comment.author.is_agent,
                )
            )
        else:
            events.append(clocks.StatusChanged(at=row.created_at, new=row.new_value))
    return events


def clocks_from_history(ticket: Ticket) -> clocks.Clocks:
    """The pure from-scratch computation over a ticket's events."""
    return clocks.from_events(events_of_history(ticket))


# --- Rows <-> clocks ----------------------------------------------------------------


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def clocks_of_rows(rows: list[SlaTarget], status: str) -> clocks.Clocks:
    found = {
        row.metric: clocks.Clock(
            stage=row.stage,
            running_since=row.running_since,
            spans=tuple((_instant(a), _instant(b)) for a, b in row.spans),
            fulfilled_at=row.fulfilled_at,
        )
        for row in rows
    }
    return clocks.Clocks(
        status=status, clocks={m: found.get(m, clocks.Clock()) for m in clocks.METRICS}
    )


def _schedule_for(policy: SlaPolicy, account: Account) -> businesstime.Schedule | None:
    schedule: Schedule | None = policy.schedule or default_schedule_for(account=account)
    return schedule_value(schedule=schedule) if schedule is not None else None


def measured(
    state: clocks.Clocks, policy: SlaPolicy | None, ticket: Ticket
) -> dict[str, clocks.Target | None]:
    """Each metric's target under ``policy`` (None: no target for it)."""
    wanted = targets_of(policy, ticket.priority) if policy is not None else {}
    schedule = None
    if policy is not None and any(m.get("business_hours") for m in wanted.values()):
        schedule = _schedule_for(policy, ticket.account)
    return {
        metric: clocks.target_for(
            state[metric],
            metric=metric,
            minutes=int(wanted[metric]["target"]),
            schedule=schedule if wanted[metric].get("business_hours") else None,
        )
        if metric in wanted
        else None
        for metric in clocks.METRICS
    }


def _store(
    ticket: Ticket,
    state: clocks.Clocks,
    policy: SlaPolicy,
    targets: dict[str, clocks.Target | None],
    previous: dict[str, SlaTarget],
) -> None:
    rows = []
    for metric in clocks.METRICS:
        clock, target = state[metric], targets[metric]
        breach_at = target.breach_at if target else None
        before = previous.get(metric)
        # An alert stands for the breach time it announced: a new one (another cycle,
        # another priority's target) is announced again (servicelevels.alerts).
        alerted = before.alerted if before is not None and before.breach_at == breach_at else ""
        rows.append(
            SlaTarget(
                account_id=ticket.account_id,
                ticket=ticket,
                metric=metric,
                stage=clock.stage,
                running_since=clock.running_since,
                spans=[[a.isoformat(), b.isoformat()] for a, b in clock.spans],
                fulfilled_at=clock.fulfilled_at,
                policy=policy,
                target_minutes=target.minutes if target else None,
                business_hours=target.business_hours if target else False,
                breach_at=breach_at,
                alerted=alerted if breach_at is not None else "",
            )
        )
    SlaTarget.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["account", "ticket", "metric"],
        update_fields=ROW_FIELDS,
    )
    # The reports' SLA rollup moves by the difference, in this transaction.
    sla_targets_stored.send(
        sender=SlaTarget,
        account=ticket.account,
        ticket_id=ticket.pk,
        before=[_state(row) for row in previous.values()],
        after=[_state(row) for row in rows],
    )
    next_breach = clocks.next_breach(t for t in targets.values() if t is not None)
    TicketSla.objects.bulk_create(
        [
            TicketSla(
                account_id=ticket.account_id,
                ticket=ticket,
                policy=policy,
                next_breach_at=next_breach,
                updated_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["policy", "next_breach_at", "updated_at"],
    )


def _state(row: SlaTarget) -> TargetState:
    return TargetState(row.metric, row.target_minutes, row.fulfilled_at, row.breach_at)


def untrack(ticket_ids: Any, account_id: int) -> None:
    """Stop measuring: the rows keep their clocks but no policy, target or breach time
    (a later policy recomputes them from the history, which they may have missed)."""
    sla_targets_untracking.send(sender=SlaTarget, account_id=account_id, ticket_ids=ticket_ids)
    SlaTarget.all_accounts.filter(account_id=account_id, ticket_id__in=ticket_ids).update(
        policy=None, target_minutes=None, breach_at=None, alerted=""
    )
    TicketSla.all_accounts.filter(account_id=account_id, ticket_id__in=ticket_ids).update(
        policy=None, next_breach_at=None
    )


def sla_apply_change(*, change: TicketChange) -> None:
    """The SLA state of ``change.ticket`` after ``change`` (see the module's docstring)."""
    if change.sla_alert:
        return  # an alert is read from the clocks, it moves none
    ticket = change.ticket
    policies = active_policies(ticket.account_id)
    if not policies:
        return  # deactivating the last policy untracked its tickets (services)
    policy = policy_for(ticket, policies)
    rows = list(SlaTarget.objects.for_account(ticket.account).filter(ticket=ticket))
    tracked = bool(rows) and all(r.policy_id is not None for r in rows)
    if policy is None or not targets_of(policy, ticket.priority):
        if tracked:
            untrack([ticket.pk], ticket.account_id)
        return
    if tracked:
        state = clocks_of_rows(rows, status=_status_before(change))
        for event in events_of_change(change):
            state = clocks.step(state, event)
    else:
        state = clocks_from_history(ticket)
    previous = {row.metric: row for row in rows}
    _store(ticket, state, policy, measured(state, policy, ticket), previous)


def tickets_measure_from_history(tickets: list[Ticket]) -> int:
    """Measure ``tickets`` from their whole stored history under the account's active
    policies, as their next change would (for tickets that had a history before any
    policy: the demo's ninety days). Returns how many are now tracked."""
    if not tickets:
        return 0
    policies = active_policies(tickets[0].account_id)
    tracked = 0
    for ticket in tickets:
        policy = policy_for(ticket, policies) if policies else None
        if policy is None or not targets_of(policy, ticket.priority):
            continue
        state = clocks_from_history(ticket)
        _store(ticket, state, policy, measured(state, policy, ticket), {})
        tracked += 1
    return tracked


def _status_before(change: TicketChange) -> str:
    if "status" in change.changes:
        return str(change.changes["status"][0])
    return change.ticket.status
