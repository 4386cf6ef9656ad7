"""The OpenAPI paths and schemas of escalations (api/views/escalations.py): a
Sportello-specific object (Zendesk has none), merged into the description by api.openapi."""

from __future__ import annotations

from collections.abc import Callable

from api.openapi.components import (
    NULLABLE_NUMBER,
    NUMBER,
    TEXT,
    TIMESTAMP,
    envelope,
    obj,
    ref,
)

DATE = {"type": "string", "format": "date", "nullable": True}

SCHEMAS = {
    "EscalationStage": obj(
        {"id": NUMBER, "name": TEXT, "position": {"type": "integer", "minimum": 0}},
        required=("id", "name", "position"),
    ),
    "Escalation": obj(
        {
            "id": NUMBER,
            "ticket_id": NUMBER,
            "group_id": NULLABLE_NUMBER,
            "description": TEXT,
            "stage_id": NUMBER,
            "stage": TEXT,
            "status": {"type": "string", "enum": ["open", "resolved"]},
            "estimated_resolution": DATE,
            "created_at": TIMESTAMP,
            "resolved_at": TIMESTAMP,
            "history": {
                "type": "array",
                "items": obj(
                    {
                        "stage_id": NUMBER,
                        "stage": TEXT,
                        "author_id": NULLABLE_NUMBER,
                        "created_at": TIMESTAMP,
                    }
                ),
            },
        },
        required=("id", "ticket_id", "stage_id", "status"),
    ),
    "EscalationCreate": obj(
        {
            "escalation": obj(
                {
                    "description": {"type": "string", "minLength": 1, "maxLength": 10000},
                    "group_id": NUMBER,
                    "estimated_resolution": DATE,
                },
                required=("description",),
            )
        },
        required=("escalation",),
    ),
    "EscalationUpdate": obj(
        {"escalation": obj({"stage_id": NUMBER, "estimated_resolution": DATE})},
        required=("escalation",),
    ),
}


def paths(*, op: Callable, id_param: dict) -> dict:
    one = envelope("escalation", ref("Escalation"))
    escalation_id = {
        "name": "escalation_id",
        "in": "path",
        "required": True,
        "schema": NUMBER,
    }
    return {
        "/tickets/{id}/escalations.json": {
            "get": op(
                "List the ticket's escalations, newest first (agents; Sportello-specific)",
                "Escalations",
                params=[id_param],
                result=obj(
                    {"escalations": {"type": "array", "items": ref("Escalation")}},
                    required=("escalations",),
                ),
            ),
            "post": op(
                "Escalate the ticket to a group with an internal description; it starts at "
                "the first stage (one open escalation per ticket)",
                "Escalations",
                params=[id_param],
                body=ref("EscalationCreate"),
                ok="201",
                result=one,
            ),
        },
        "/tickets/{id}/escalations/{escalation_id}.json": {
            "get": op(
                "Show one escalation with its history",
                "Escalations",
                params=[id_param, escalation_id],
                result=one,
            ),
            "put": op(
                "Move the escalation to a stage (the last one resolves it) and/or set its "
                "estimated resolution date (null clears it)",
                "Escalations",
                params=[id_param, escalation_id],
                body=ref("EscalationUpdate"),
                result=one,
            ),
        },
        "/escalation_stages.json": {
            "get": op(
                "List the account's escalation stages, in order",
                "Escalations",
                result=obj(
                    {"escalation_stages": {"type": "array", "items": ref("EscalationStage")}},
                    required=("escalation_stages",),
                ),
            ),
        },
    }
