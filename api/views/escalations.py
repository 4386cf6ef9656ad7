"""Escalations (seed 004), a Sportello-specific object beside Zendesk's: a ticket's
escalations (``/tickets/{id}/escalations``), one escalation moved to a stage
(``/tickets/{id}/escalations/{escalation_id}``) and the account's stages
(``/escalation_stages``). Agents only, through the same services as the ticket page.
Ids are per-account numbers: ``id`` the escalation's, ``ticket_id`` the ticket's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework.response import Response

from accounts.access import group_for_agent
from api.serializers.output import timestamp
from api.views.base import ApiView
from escalations.access import escalation_for_agent
from escalations.models import Escalation, EscalationStage
from escalations.selectors import escalations_for_ticket, stages_for_account
from escalations.services import escalation_create, escalation_update
from tickets.access import ticket_for_agent
from tickets.models import Channel, Ticket


def stage_json(stage: EscalationStage) -> dict[str, Any]:
    return {"id": stage.number, "name": str(stage.label), "position": stage.position}


def escalation_json(escalation: Escalation, ticket_number: int) -> dict[str, Any]:
    return {
        "id": escalation.number,
        "ticket_id": ticket_number,
        "group_id": escalation.group.number if escalation.group else None,
        "description": escalation.description,
        "stage_id": escalation.stage.number,
        "stage": str(escalation.stage.label),
        "status": "open" if escalation.is_open else "resolved",
        "estimated_resolution": (
            escalation.estimated_resolution.isoformat() if escalation.estimated_resolution else None
        ),
        "created_at": timestamp(escalation.created_at),
        "resolved_at": timestamp(escalation.resolved_at) if escalation.resolved_at else None,
        "history": [
            {
                "stage_id": event.stage.number,
                "stage": str(event.stage.label),
                "author_id": event.actor.number if event.actor else None,
                "created_at": timestamp(event.created_at),
            }
            for event in escalation.events.all()
        ],
    }


def _body(request) -> dict:
    data = request.data.get("escalation") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"escalation": 'Send {"escalation": {…}}.'})
    return data


def _date(data: dict) -> tuple[dt.date | None, bool]:
    """(the date, whether it was sent as null to clear it)."""
    if "estimated_resolution" not in data:
        return None, False
    value = data["estimated_resolution"]
    if value is None:
        return None, True
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value), False
        except ValueError:
            pass
    raise ValidationError({"estimated_resolution": "estimated_resolution is a date, YYYY-MM-DD."})


def _number(data: dict, key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**62:
        raise ValidationError({key: f"{key} is an id."})
    return value


def _one(ticket: Ticket, number: int) -> dict[str, Any]:
    """The escalation as the API shows it, read again with its history."""
    for escalation in escalations_for_ticket(ticket=ticket):
        if escalation.number == number:
            return {"escalation": escalation_json(escalation, ticket.number)}
    raise Http404


class TicketEscalations(ApiView):
    def get(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        return Response(
            {
                "escalations": [
                    escalation_json(e, ticket.number) for e in escalations_for_ticket(ticket=ticket)
                ]
            }
        )

    def post(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        data = _body(request)
        description = data.get("description")
        if not isinstance(description, str):
            raise ValidationError({"description": "description is a text."})
        group = None
        group_id = _number(data, "group_id")
        if group_id is not None:
            try:
                group = group_for_agent(account=request.account, number=group_id)
            except Http404:
                raise ValidationError({"group_id": f"Unknown group {group_id}."}) from None
        estimate, _clear = _date(data)
        escalation = escalation_create(
            ticket=ticket,
            actor=request.user,
            group=group,
            description=description,
            estimated_resolution=estimate,
            channel=Channel.API,
        )
        return Response(_one(ticket, escalation.number), status=201)


class TicketEscalation(ApiView):
    def get(self, request, number, escalation_number):
        escalation = escalation_for_agent(
            viewer=request.user, ticket_number=number, number=escalation_number
        )
        return Response(_one(escalation.ticket, escalation.number))

    def put(self, request, number, escalation_number):
        escalation = escalation_for_agent(
            viewer=request.user, ticket_number=number, number=escalation_number
        )
        data = _body(request)
        stage = None
        stage_id = _number(data, "stage_id")
        if stage_id is not None:
            stage = stages_for_account(account=request.account).filter(number=stage_id).first()
            if stage is None:
                raise ValidationError({"stage_id": f"Unknown stage {stage_id}."})
        estimate, clear = _date(data)
        escalation_update(
            escalation=escalation,
            actor=request.user,
            stage=stage,
            estimated_resolution=estimate,
            clear_estimate=clear,
            channel=Channel.API,
        )
        return Response(_one(escalation.ticket, escalation.number))


class EscalationStages(ApiView):
    def get(self, request):
        stages = stages_for_account(account=request.account)
        return Response({"escalation_stages": [stage_json(s) for s in stages]})
