"""Escalations' writes: the one place for their rules, whichever way they come (the
ticket page, the API). Each stage change is history, an Activity line on the ticket, and
a change set the triggers see ("Escalation stage changed"), so a trigger can tell the
requester."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, AgentGroup, User
from escalations.models import (
    DEFAULT_STAGE_NAMES,
    Escalation,
    EscalationEvent,
    EscalationStage,
)
from tickets.events import TicketChange
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services.common import NotAllowed, record_event
from tickets.text import normalise_newlines

DESCRIPTION_LIMIT = 10_000
STAGE_NAME_LIMIT = 100


# Stages (admins) ------------------------------------------------------------------------


@transaction.atomic
def stages_install_defaults(*, account: Account) -> list[EscalationStage]:
    """The default stages of an account; idempotent (skips ones already there)."""
    have = set(EscalationStage.objects.for_account(account).values_list("key", flat=True))
    # One statement for all (numbered in order, as one save() each would).
    return EscalationStage.objects.bulk_create(
        EscalationStage(account=account, key=key, name=name, position=position)
        for position, (key, name) in enumerate(DEFAULT_STAGE_NAMES.items())
        if key not in have
    )


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the stage a name.")})
    if len(name) > STAGE_NAME_LIMIT:
        raise ValidationError({"name": _("A stage's name is at most 100 characters.")})
    return name


@transaction.atomic
def stage_create(*, account: Account, name: str) -> EscalationStage:
    """A new stage goes last (before nothing): admins move it where it belongs."""
    last = EscalationStage.objects.for_account(account).aggregate(m=Max("position"))["m"]
    return EscalationStage.objects.create(
        account=account, name=_clean_name(name), position=(last or 0) + 1
    )


@transaction.atomic
def stage_rename(*, stage: EscalationStage, name: str) -> EscalationStage:
    stage.name = _clean_name(name)
    stage.save(update_fields=["name"])
    return stage


@transaction.atomic
def stage_move(*, stage: EscalationStage, up: bool) -> None:
    """Swap with its neighbour; the positions are renumbered 0…n-1 on the way."""
    stages = list(EscalationStage.objects.for_account(stage.account).select_for_update())
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(stages):
        stages[index], stages[other] = stages[other], stages[index]
    for position, row in enumerate(stages):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def stage_delete(*, stage: EscalationStage) -> None:
    """A stage an escalation is or was at stays (its history names it)."""
    if EscalationStage.objects.for_account(stage.account).count() <= 2:
        raise NotAllowed(_("Keep at least two stages: a first one and the resolution."))
    try:
        stage.delete()
    except ProtectedError:
        raise NotAllowed(
            _("Escalations have been at this stage: rename it instead of deleting it.")
        ) from None


# Escalations (agents) -------------------------------------------------------------------


def _stages(account: Account) -> list[EscalationStage]:
    stages = list(EscalationStage.objects.for_account(account))
    if not stages:
        stages = stages_install_defaults(account=account)
    return stages


def _mark_ticket(
    ticket: Ticket, actor: User, channel: str, state: str, old_stage: str, new_stage: str
) -> None:
    """The ticket's column, its Activity line and the change set the triggers see."""
    old_state = ticket.escalation
    ticket.escalation = state
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["escalation", "updated_at"])
    record_event(
        ticket,
        actor,
        channel,
        TicketEvent.Kind.CHANGE,
        field="escalation",
        old=old_stage,
        new=new_stage,
    )
    changes: dict[str, tuple[object, object]] = {"escalation_stage": (old_stage, new_stage)}
    if old_state != state:
        changes["escalation"] = (old_state, state)
    TicketChange(ticket=ticket, actor=actor, channel=channel, changes=changes).send()


def _clean_estimate(value: datetime.date | None) -> datetime.date | None:
    if value is not None and not isinstance(value, datetime.date):
        raise ValidationError({"estimated_resolution": _("Enter a valid date.")})
    return value


@transaction.atomic
def escalation_create(
    *,
    ticket: Ticket,
    actor: User,
    group: AgentGroup | None,
    description: str,
    estimated_resolution: datetime.date | None = None,
    channel: str = Channel.WEB,
) -> Escalation:
    """Escalate a ticket to a group: it starts at the first stage. One open escalation
    per ticket; agents only; the description stays internal."""
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents can escalate a ticket."))
    if group is not None and group.account_id != ticket.account_id:
        raise ValidationError({"group": _("Choose one of the groups listed.")})
    description = normalise_newlines(description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the problem for the team.")})
    if len(description) > DESCRIPTION_LIMIT:
        raise ValidationError({"description": _("The description is at most 10000 characters.")})
    if (
        Escalation.objects.for_account(ticket.account)
        .filter(ticket=ticket, resolved_at__isnull=True)
        .exists()
    ):
        raise NotAllowed(_("This ticket already has an open escalation."))
    first = _stages(ticket.account)[0]
    escalation = Escalation.objects.create(
        account=ticket.account,
        ticket=ticket,
        group=group,
        description=description,
        stage=first,
        estimated_resolution=_clean_estimate(estimated_resolution),
        created_by=actor,
    )
    EscalationEvent.objects.create(
        account=ticket.account, escalation=escalation, stage=first, actor=actor
    )
    _mark_ticket(ticket, actor, channel, Ticket.Escalation.OPEN, "", first.name)
    return escalation


@transaction.atomic
def escalation_update(
    *,
    escalation: Escalation,
    actor: User,
    stage: EscalationStage | None = None,
    estimated_resolution: datetime.date | None = None,
    clear_estimate: bool = False,
    channel: str = Channel.WEB,
) -> Escalation:
    """Move an escalation to a stage (the last one resolves it; any earlier one opens it
    again) and/or set its estimated resolution date."""
    account = escalation.ticket.account
    escalation = Escalation.objects.for_account(account).select_for_update().get(pk=escalation.pk)
    if not actor.is_agent or actor.account_id != escalation.account_id:
        raise NotAllowed(_("Only agents can change an escalation."))
    if clear_estimate:
        escalation.estimated_resolution = None
    elif estimated_resolution is not None:
        escalation.estimated_resolution = _clean_estimate(estimated_resolution)
    if stage is not None and stage.pk != escalation.stage_id:
        stages = _stages(account)
        if stage.account_id != escalation.account_id or stage.pk not in {s.pk for s in stages}:
            raise ValidationError({"stage": _("Choose one of the stages listed.")})
        if (
            escalation.resolved_at is not None
            and Escalation.objects.for_account(account)
            .filter(ticket_id=escalation.ticket_id, resolved_at__isnull=True)
            .exists()
        ):
            raise NotAllowed(_("This ticket already has an open escalation."))
        old = escalation.stage
        resolves = stage.pk == stages[-1].pk
        escalation.stage = stage
        escalation.resolved_at = timezone.now() if resolves else None
        EscalationEvent.objects.create(
            account=account, escalation=escalation, stage=stage, actor=actor
        )
        escalation.save()
        ticket = (
            Ticket.objects.for_account(account).select_for_update().get(pk=escalation.ticket_id)
        )
        state = Ticket.Escalation.RESOLVED if resolves else Ticket.Escalation.OPEN
        if (
            resolves
            and Escalation.objects.for_account(account)
            .filter(ticket=ticket, resolved_at__isnull=True)
            .exists()
        ):
            state = Ticket.Escalation.OPEN
        _mark_ticket(ticket, actor, channel, state, old.name, stage.name)
    else:
        escalation.save()
    return escalation
