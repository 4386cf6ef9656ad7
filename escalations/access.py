"""The only road from a number in a URL to an escalation or a stage."""

from __future__ import annotations

from django.http import Http404

from accounts.access import require_admin
from accounts.models import User
from escalations.models import Escalation, EscalationStage
from tickets.access import ticket_for_agent


def escalation_for_agent(*, viewer: User, ticket_number: int, number: int) -> Escalation:
    """404 unless the viewer is an agent who may see the ticket and the escalation is
    that ticket's (another ticket's or another account's number alike)."""
    ticket = ticket_for_agent(viewer=viewer, number=ticket_number)
    escalation = (
        Escalation.objects.for_account(viewer.account)
        .filter(ticket=ticket, number=number)
        .select_related("ticket", "stage")
        .first()
    )
    if escalation is None:
        raise Http404
    return escalation


def stage_for_admin(*, viewer: User, number: int) -> EscalationStage:
    """Admins only (403 for agents, 404 for end users); a stage of the viewer's account."""
    require_admin(viewer)
    stage = EscalationStage.objects.for_account(viewer.account).filter(number=number).first()
    if stage is None:
        raise Http404
    return stage


def stage_for_agent(*, viewer: User, number: int) -> EscalationStage | None:
    """A stage named in an agent's form: None when it is not one of the account's."""
    if not viewer.is_agent:
        raise Http404
    return EscalationStage.objects.for_account(viewer.account).filter(number=number).first()
