"""Time worked through the API, a Sportello-specific object beside Zendesk's (seed 002):
``/tickets/{id}/time_entries`` lists a ticket's entries and logs one; an update's
``time_entry: {"minutes": n}`` beside its comment logs it on the comment
(timeworked.services.reply_time). Agents whose role may edit tickets log time, as on the
ticket page; ids are per-account numbers (the entry's own id is its position on the
ticket's list, oldest first)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework.response import Response

from api.serializers.output import timestamp
from api.views.base import ApiView
from tickets.access import ticket_for_agent
from tickets.models import Ticket
from timeworked import services
from timeworked.selectors import entries_for_ticket


def entry_json(entry: dict[str, Any], ticket: Ticket, position: int) -> dict[str, Any]:
    return {
        "id": position,
        "ticket_id": ticket.number,
        "agent_id": entry["agent__number"],
        "minutes": entry["seconds"] // 60,
        "with_comment": entry["comment_id"] is not None,
        "created_at": timestamp(entry["created_at"]),
    }


def _entries(ticket: Ticket) -> list[dict[str, Any]]:
    return [
        entry_json(entry, ticket, position)
        for position, entry in enumerate(entries_for_ticket(ticket=ticket), start=1)
    ]


class TicketTimeEntries(ApiView):
    def get(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        return Response(
            {"time_entries": _entries(ticket), "time_worked": {"total_seconds": ticket.time_worked}}
        )

    def post(self, request, number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        data = request.data.get("time_entry") if isinstance(request.data, dict) else None
        minutes = data.get("minutes") if isinstance(data, dict) else None
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            raise ValidationError({"time_entry": 'Send {"time_entry": {"minutes": 45}}.'})
        services.time_log(ticket=ticket, actor=request.user, seconds=minutes * 60)
        entries = _entries(ticket)
        return Response(
            {"time_entry": entries[-1], "time_worked": {"total_seconds": ticket.time_worked}},
            status=201,
        )
