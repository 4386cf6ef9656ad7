"""The OpenAPI paths and schemas of time worked (timeworked/api.py, seed 002): a
Sportello-specific object (Zendesk has none), merged into the description by api.openapi.
The views live in the timeworked app, above the API; this is only their description."""

from __future__ import annotations

from collections.abc import Callable

from api.openapi.components import NULLABLE_NUMBER, NUMBER, TIMESTAMP, obj, ref

MINUTES = {"type": "integer", "minimum": 1, "maximum": 1440}
TOTAL = obj({"total_seconds": {"type": "integer", "minimum": 0}}, required=("total_seconds",))

SCHEMAS = {
    "TimeEntry": obj(
        {
            "id": NUMBER,
            "ticket_id": NUMBER,
            "agent_id": NULLABLE_NUMBER,
            "minutes": {"type": "integer", "minimum": 0},
            "with_comment": {"type": "boolean"},
            "created_at": TIMESTAMP,
        },
        required=("id", "ticket_id", "minutes", "created_at"),
    ),
    "TimeEntryWrite": obj({"minutes": MINUTES}, required=("minutes",)),
    "TimeEntryCreate": obj({"time_entry": ref("TimeEntryWrite")}, required=("time_entry",)),
}


def paths(*, op: Callable, id_param: dict) -> dict:
    return {
        "/tickets/{id}/time_entries.json": {
            "get": op(
                "List the time logged on the ticket, oldest first, with its total "
                "(agents; Sportello-specific)",
                "Time entries",
                params=[id_param],
                result=obj(
                    {
                        "time_entries": {"type": "array", "items": ref("TimeEntry")},
                        "time_worked": TOTAL,
                    },
                    required=("time_entries", "time_worked"),
                ),
            ),
            "post": op(
                "Log time on the ticket (agents whose role may edit tickets; 1 to 1440 "
                "minutes). With an update's comment, send the ticket's time_entry instead: "
                "it is logged on that comment, and an account that requires time on every "
                "update refuses an agent's comment without it",
                "Time entries",
                params=[id_param],
                body=ref("TimeEntryCreate"),
                ok="201",
                result=obj(
                    {"time_entry": ref("TimeEntry"), "time_worked": TOTAL},
                    required=("time_entry", "time_worked"),
                ),
            ),
        },
    }
