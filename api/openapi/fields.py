"""The OpenAPI description of ``/ticket_fields`` (api.views.ticket_fields): the built-in
and custom fields, read by agents, changed by admins."""

from __future__ import annotations

from api.openapi.components import NULLABLE_TEXT, NUMBER, TEXT, TIMESTAMP, envelope, obj, ref
from api.openapi.helpers import ID, op

BOOLEAN = {"type": "boolean"}
WRITABLE = {
    "title": {"type": "string", "maxLength": 200},
    "description": NULLABLE_TEXT,
    "position": {"type": "integer", "minimum": 0},
    "active": BOOLEAN,
    "required": BOOLEAN,
    "title_in_portal": NULLABLE_TEXT,
    "description_in_portal": NULLABLE_TEXT,
    "visible_in_portal": BOOLEAN,
    "editable_in_portal": BOOLEAN,
    "required_in_portal": BOOLEAN,
    "regexp_for_validation": NULLABLE_TEXT,
    "relationship_target_type": {"type": "string", "enum": ["zen:user", "zen:organization"]},
    "custom_field_options": {
        "type": "array",
        "items": obj({"name": TEXT, "value": TEXT}, required=("name", "value")),
    },
}

SCHEMAS = {
    "TicketField": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "type": TEXT,
            "title": TEXT,
            "raw_title": TEXT,
            "description": NULLABLE_TEXT,
            "position": {"type": "integer"},
            "active": BOOLEAN,
            "required": BOOLEAN,
            "custom_field_options": {
                "type": "array",
                "nullable": True,
                "items": {"type": "object"},
            },
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "type", "title"),
    ),
    "TicketFieldWrite": obj({"type": TEXT, **WRITABLE}),
}

FIELD = envelope("ticket_field", ref("TicketField"))
WRITE = envelope("ticket_field", ref("TicketFieldWrite"))

PATHS = {
    "/ticket_fields.json": {
        "get": op(
            "List the ticket fields (built-in and custom)",
            "Ticket Fields",
            result=obj(
                {"ticket_fields": {"type": "array", "items": ref("TicketField")}},
                required=("ticket_fields",),
            ),
        ),
        "post": op(
            "Create a custom field (admins)", "Ticket Fields", body=WRITE, ok="201", result=FIELD
        ),
    },
    "/ticket_fields/{id}.json": {
        "get": op("Show a ticket field", "Ticket Fields", params=[ID], result=FIELD),
        "put": op(
            "Update a custom field (admins; its type cannot change)",
            "Ticket Fields",
            params=[ID],
            body=WRITE,
            result=FIELD,
        ),
        "delete": op("Delete a custom field (admins)", "Ticket Fields", params=[ID], ok="204"),
    },
}
