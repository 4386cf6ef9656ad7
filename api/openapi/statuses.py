"""The OpenAPI paths and schemas of custom ticket statuses (api/views/custom_statuses.py),
merged into the description by api.openapi."""

from __future__ import annotations

from collections.abc import Callable

from api.openapi.components import NUMBER, TEXT, TIMESTAMP, envelope, obj, ref
from tickets.models import StatusCategory

CATEGORY = {"type": "string", "enum": StatusCategory.values}
LABEL = {"type": "string", "minLength": 1, "maxLength": 48}
DESCRIPTION = {"type": "string", "maxLength": 500, "nullable": True}
WRITE = {
    "agent_label": LABEL,
    "end_user_label": {"type": "string", "maxLength": 48, "nullable": True},
    "description": DESCRIPTION,
    "end_user_description": DESCRIPTION,
    "active": {"type": "boolean"},
}

SCHEMAS = {
    "CustomStatus": obj(
        {
            "id": NUMBER,
            "status_category": CATEGORY,
            "agent_label": TEXT,
            "end_user_label": TEXT,
            "description": TEXT,
            "end_user_description": TEXT,
            "raw_agent_label": TEXT,
            "raw_end_user_label": TEXT,
            "raw_description": TEXT,
            "raw_end_user_description": TEXT,
            "active": {"type": "boolean"},
            "default": {"type": "boolean"},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "status_category", "agent_label", "active", "default"),
    ),
    "CustomStatusCreate": obj(
        {**WRITE, "status_category": CATEGORY}, required=("status_category", "agent_label")
    ),
    "CustomStatusUpdate": obj(WRITE),
}


def paths(*, op: Callable, query: Callable, id_param: dict) -> dict:
    one = envelope("custom_status", ref("CustomStatus"))
    flag = {"type": "string", "enum": ["true", "false"]}
    return {
        "/custom_statuses.json": {
            "get": op(
                "List the custom ticket statuses, by category",
                "Custom Ticket Statuses",
                params=[
                    query("status_categories", TEXT, "Comma-separated categories."),
                    query("active", flag),
                    query("default", flag),
                ],
                result=obj(
                    {"custom_statuses": {"type": "array", "items": ref("CustomStatus")}},
                    required=("custom_statuses",),
                ),
            ),
            "post": op(
                "Create a custom ticket status (admins)",
                "Custom Ticket Statuses",
                body=envelope("custom_status", ref("CustomStatusCreate")),
                ok="201",
                result=one,
            ),
        },
        "/custom_statuses/{id}.json": {
            "get": op(
                "Show a custom ticket status",
                "Custom Ticket Statuses",
                params=[id_param],
                result=one,
            ),
            "put": op(
                "Update a custom ticket status (admins; the category stays)",
                "Custom Ticket Statuses",
                params=[id_param],
                body=envelope("custom_status", ref("CustomStatusUpdate")),
                result=one,
            ),
        },
    }
