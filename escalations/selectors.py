"""Escalations' reads, for a viewer. The requester's view is a timeline of stage names
and dates: it never carries the internal description (``RequesterTimeline`` has no such
field, so no template can print it by mistake)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise

from accounts.models import Account
from escalations.models import Escalation, EscalationEvent, EscalationStage
from tickets.models import Ticket


def stages_for_account(*, account: Account) -> QuerySet[EscalationStage]:
    return EscalationStage.objects.for_account(account)


def escalations_for_ticket(*, ticket: Ticket) -> list[Escalation]:
    """The ticket's escalations for its agents, newest first, with their history."""
    return list(
        Escalation.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .select_related("stage", "group", "created_by")
        .prefetch_related("events__stage", "events__actor")
    )


@dataclass(frozen=True)
class TimelineStep:
    label: str | Promise
    # "done", "current" or "upcoming"
    state: str
    reached_at: datetime.datetime | None


@dataclass(frozen=True)
class RequesterTimeline:
    number: int
    current: str | Promise
    estimated_resolution: datetime.date | None
    resolved: bool
    steps: list[TimelineStep]


def timeline_for_requester(*, ticket: Ticket) -> RequesterTimeline | None:
    """The latest escalation of the ticket as the help center shows it, or None when the
    ticket was never escalated (the ticket's column answers without a query)."""
    if not ticket.escalation:
        return None
    escalation = (
        Escalation.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .select_related("stage")
        .only("number", "stage", "estimated_resolution", "resolved_at", "ticket_id")
        .first()
    )
    if escalation is None:
        return None
    stages = list(EscalationStage.objects.for_account(ticket.account))
    reached: dict[int, datetime.datetime] = {}
    for event in EscalationEvent.objects.for_account(ticket.account).filter(escalation=escalation):
        reached[event.stage_id] = event.created_at
    current_index = next(
        (i for i, s in enumerate(stages) if s.pk == escalation.stage_id), len(stages) - 1
    )
    steps = [
        TimelineStep(
            label=stage.label,
            state="done" if i < current_index else "current" if i == current_index else "upcoming",
            reached_at=reached.get(stage.pk) if i <= current_index else None,
        )
        for i, stage in enumerate(stages)
    ]
    return RequesterTimeline(
        number=escalation.number,
        current=escalation.stage.label,
        estimated_resolution=None if escalation.resolved_at else escalation.estimated_resolution,
        resolved=escalation.resolved_at is not None,
        steps=steps,
    )
