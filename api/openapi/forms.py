"""The OpenAPI description of ``/ticket_forms`` (api.views.ticket_forms) and of
``/user_fields`` and ``/organization_fields`` (api.views.people_fields): read by agents,
changed by admins."""

from __future__ import annotations

from api.openapi.components import NULLABLE_TEXT, NUMBER, TEXT, TIMESTAMP, envelope, obj, ref
from api.openapi.helpers import ID, op

BOOLEAN = {"type": "boolean"}
NUMBERS = {"type": "array", "items": NUMBER}
CONDITIONS = {"type": "array", "items": {"type": "object"}}

SCHEMAS = {
    "TicketForm": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "name": TEXT,
            "raw_name": TEXT,
            "display_name": TEXT,
            "raw_display_name": TEXT,
            "end_user_visible": BOOLEAN,
            "position": {"type": "integer"},
            "active": BOOLEAN,
            "default": BOOLEAN,
            "in_all_brands": BOOLEAN,
            "restricted_brand_ids": NUMBERS,
            "ticket_field_ids": NUMBERS,
            "agent_conditions": CONDITIONS,
            "end_user_conditions": CONDITIONS,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "name", "ticket_field_ids"),
    ),
    "TicketFormWrite": obj(
        {
            "name": {"type": "string", "maxLength": 200},
            "display_name": NULLABLE_TEXT,
            "end_user_visible": BOOLEAN,
            "position": {"type": "integer", "minimum": 0},
            "active": BOOLEAN,
            "default": BOOLEAN,
            "ticket_field_ids": NUMBERS,
            "agent_conditions": CONDITIONS,
        }
    ),
    "PeopleField": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "key": TEXT,
            "type": TEXT,
            "title": TEXT,
            "raw_title": TEXT,
            "description": NULLABLE_TEXT,
            "raw_description": NULLABLE_TEXT,
            "position": {"type": "integer"},
            "active": BOOLEAN,
            "system": BOOLEAN,
            "regexp_for_validation": NULLABLE_TEXT,
            "relationship_target_type": NULLABLE_TEXT,
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
    "PeopleFieldWrite": obj(
        {
            "type": TEXT,
            "title": {"type": "string", "maxLength": 200},
            "description": NULLABLE_TEXT,
            "position": {"type": "integer", "minimum": 0},
            "active": BOOLEAN,
            "regexp_for_validation": NULLABLE_TEXT,
            "custom_field_options": {
                "type": "array",
                "items": obj({"name": TEXT, "value": TEXT}, required=("name", "value")),
            },
        }
    ),
}


def _crud(plural: str, singular: str, schema: str, tag: str) -> dict:
    one = envelope(singular, ref(schema))
    write = envelope(singular, ref(f"{schema}Write"))
    return {
        f"/{plural}.json": {
            "get": op(
                f"List the {tag.lower()}",
                tag,
                result=obj({plural: {"type": "array", "items": ref(schema)}}, required=(plural,)),
            ),
            "post": op("Create one (admins)", tag, body=write, ok="201", result=one),
        },
        f"/{plural}/{{id}}.json": {
            "get": op("Show one", tag, params=[ID], result=one),
            "put": op("Update one (admins)", tag, params=[ID], body=write, result=one),
            "delete": op("Delete one (admins)", tag, params=[ID], ok="204"),
        },
    }


PATHS = (
    _crud("ticket_forms", "ticket_form", "TicketForm", "Ticket Forms")
    | _crud("user_fields", "user_field", "PeopleField", "User Fields")
    | _crud("organization_fields", "organization_field", "PeopleField", "Organization Fields")
)
