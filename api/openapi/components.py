"""Reusable parts of the OpenAPI description (api/openapi): field shapes and the
component schemas of every object the API reads or writes."""

from __future__ import annotations

from api.serializers.output import ROLE_FROM_ZENDESK, TYPE_FROM_ZENDESK
from tickets.models import Ticket

NUMBER = {"type": "integer", "minimum": 1}
NULLABLE_NUMBER = {"type": "integer", "minimum": 1, "nullable": True}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": "string", "nullable": True}
TIMESTAMP = {"type": "string", "format": "date-time", "nullable": True}
NUMBERS = {"type": "array", "items": NUMBER}
TAGS = {"type": "array", "items": {"type": "string", "maxLength": 60}, "maxItems": 50}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required: tuple = ()) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def envelope(key: str, schema: dict) -> dict:
    return obj({key: schema}, required=(key,))


ORGANIZATION_WRITE = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "details": NULLABLE_TEXT,
    "domain_names": {"type": "array", "items": {"type": "string", "maxLength": 253}},
    "notes": NULLABLE_TEXT,
}

SCHEMAS = {
    "Error": obj(
        {"error": TEXT, "description": TEXT, "details": {"type": "object"}}, required=("error",)
    ),
    "Via": obj({"channel": TEXT, "source": {"type": "object"}}),
    "Ticket": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "subject": TEXT,
            "description": TEXT,
            "status": {"type": "string", "enum": Ticket.Status.values},
            "custom_status_id": NULLABLE_NUMBER,
            "type": {"type": "string", "nullable": True},
            "priority": {"type": "string", "nullable": True},
            "requester_id": NUMBER,
            "submitter_id": NUMBER,
            "assignee_id": NULLABLE_NUMBER,
            "group_id": NULLABLE_NUMBER,
            "organization_id": NULLABLE_NUMBER,
            "collaborator_ids": NUMBERS,
            "email_cc_ids": NUMBERS,
            "problem_id": NULLABLE_NUMBER,
            "has_incidents": {"type": "boolean"},
            "tags": {"type": "array", "items": TEXT},
            "due_at": TIMESTAMP,
            "is_public": {"type": "boolean"},
            "via": ref("Via"),
            # Sportello's own fields (Zendesk has none): the call or meeting of a ticket
            # of channel phone or meeting (via.channel "voice"; a meeting's
            # via.source.rel is "meeting"), null when none was scheduled or logged.
            "call": {
                "type": "object",
                "nullable": True,
                "description": "Sportello-specific: the ticket's call or meeting.",
                "properties": {
                    "status": {"type": "string", "enum": ["scheduled", "held", "missed"]},
                    "scheduled_at": TIMESTAMP,
                    "meeting_url": NULLABLE_TEXT,
                },
            },
            # Time worked (seed 002): the total agents logged on the ticket, in seconds.
            "time_worked": obj(
                {"total_seconds": {"type": "integer", "minimum": 0}},
                required=("total_seconds",),
            )
            | {"description": "Sportello-specific: the time agents logged on the ticket."},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "url", "subject", "status", "requester_id", "is_public"),
    ),
    "CommentWrite": obj(
        {
            "body": {"type": "string", "maxLength": 70000},
            "html_body": {"type": "string", "maxLength": 70000},
            "public": {"type": "boolean"},
            "author_id": NUMBER,
            "uploads": {"type": "array", "items": {"type": "string", "maxLength": 64}},
        }
    ),
    "EmailCc": obj(
        {
            "user_id": NUMBER,
            "user_email": {"type": "string", "format": "email"},
            "user_name": TEXT,
            "action": {"type": "string", "enum": ["put", "delete"]},
        }
    ),
    "TicketWrite": obj(
        {
            "subject": {"type": "string", "maxLength": 255},
            "comment": ref("CommentWrite"),
            "requester_id": NUMBER,
            "requester": obj(
                {"name": TEXT, "email": {"type": "string", "format": "email"}},
                required=("email",),
            ),
            "submitter_id": NUMBER,
            "assignee_id": NULLABLE_NUMBER,
            "assignee_email": {"type": "string", "format": "email"},
            "group_id": NULLABLE_NUMBER,
            "status": {"type": "string", "enum": Ticket.Status.values},
            "custom_status_id": NULLABLE_NUMBER,
            "type": {"type": "string", "enum": sorted(TYPE_FROM_ZENDESK), "nullable": True},
            "priority": {"type": "string", "enum": Ticket.Priority.values, "nullable": True},
            "tags": TAGS,
            "additional_tags": TAGS,
            "remove_tags": TAGS,
            "due_at": TIMESTAMP,
            "collaborator_ids": {"type": "array", "items": NUMBER, "maxItems": 100},
            "email_ccs": {"type": "array", "items": ref("EmailCc"), "maxItems": 100},
            # Sportello-specific (seed 002): the time spent, logged with the update's
            # comment (an update without a comment refuses it; api/openapi/time_entries.py).
            "time_entry": ref("TimeEntryWrite"),
        }
    ),
    # One ticket of the bulk update's list form: its id and its change.
    "TicketUpdateManyItem": {
        "allOf": [ref("TicketWrite"), obj({"id": NUMBER}, required=("id",))],
    },
    "Attachment": obj(
        {
            "id": NUMBER,
            "file_name": TEXT,
            "content_url": NULLABLE_TEXT,
            "content_type": TEXT,
            "size": {"type": "integer"},
        }
    ),
    "Comment": obj(
        {
            "id": NUMBER,
            "type": TEXT,
            "author_id": NUMBER,
            "body": TEXT,
            "html_body": TEXT,
            "plain_body": TEXT,
            "public": {"type": "boolean"},
            "attachments": {"type": "array", "items": ref("Attachment")},
            "via": ref("Via"),
            "created_at": TIMESTAMP,
        },
        required=("id", "author_id", "body", "public"),
    ),
    "Audit": obj(
        {
            "id": {"type": "integer"},
            "ticket_id": NUMBER,
            "author_id": NUMBER,
            "events": {"type": "array", "items": {"type": "object"}},
        },
        required=("ticket_id", "events"),
    ),
    "TicketWithAudit": obj(
        {"ticket": ref("Ticket"), "audit": ref("Audit")}, required=("ticket", "audit")
    ),
    "User": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "name": TEXT,
            "email": TEXT,
            "role": {"type": "string", "enum": ["end-user", "agent", "admin"]},
            "organization_id": NULLABLE_NUMBER,
            "phone": NULLABLE_TEXT,
            "locale": TEXT,
            "time_zone": TEXT,
            "active": {"type": "boolean"},
            "created_at": TIMESTAMP,
        },
        required=("id", "name", "email", "role"),
    ),
    "UserWrite": obj(
        {
            "name": {"type": "string", "maxLength": 150},
            "email": {"type": "string", "format": "email"},
            "role": {"type": "string", "enum": sorted(ROLE_FROM_ZENDESK)},
            "phone": {"type": "string", "maxLength": 40},
            "organization_id": NULLABLE_NUMBER,
            "organization": obj(
                {"name": {"type": "string", "minLength": 1, "maxLength": 200}},
                required=("name",),
            ),
            "time_zone": {"type": "string", "maxLength": 64},
            "locale": {"type": "string", "maxLength": 10},
        }
    ),
    "Organization": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "name": TEXT,
            "domain_names": {"type": "array", "items": TEXT},
            "details": TEXT,
            "notes": TEXT,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "name"),
    ),
    "OrganizationWrite": obj(ORGANIZATION_WRITE, required=("name",)),
    "OrganizationUpdate": obj(ORGANIZATION_WRITE),
    "Group": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "name": TEXT,
            "description": TEXT,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "name", "created_at", "updated_at"),
    ),
    "View": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "title": TEXT,
            "description": TEXT,
            "active": {"type": "boolean"},
            "position": {"type": "integer"},
            "default": {"type": "boolean"},
            "restriction": {"type": "object", "nullable": True},
            "conditions": ref("ViewConditions"),
            "execution": {"type": "object"},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "title", "active", "conditions", "execution"),
    ),
    "ViewCondition": obj(
        {"field": TEXT, "operator": TEXT, "value": {}}, required=("field", "operator")
    ),
    "ViewConditions": obj(
        {
            "all": {"type": "array", "items": ref("ViewCondition"), "maxItems": 50},
            "any": {"type": "array", "items": ref("ViewCondition"), "maxItems": 50},
        }
    ),
    "ViewWrite": obj(
        {
            "title": {"type": "string", "maxLength": 200},
            "description": {"type": "string", "maxLength": 500},
            "active": {"type": "boolean"},
            "position": {"type": "integer", "minimum": 0},
            "all": {"type": "array", "items": ref("ViewCondition"), "maxItems": 50},
            "any": {"type": "array", "items": ref("ViewCondition"), "maxItems": 50},
            "conditions": ref("ViewConditions"),
            "output": obj(
                {
                    "columns": {"type": "array", "items": TEXT},
                    "sort_by": TEXT,
                    "sort_order": {"type": "string", "enum": ["asc", "desc"]},
                }
            ),
            "restriction": {"type": "object", "nullable": True},
        }
    ),
    "ViewsUpdateMany": obj(
        {
            "views": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "id": NUMBER,
                        "position": {"type": "integer", "minimum": 0},
                        "active": {"type": "boolean"},
                    },
                    required=("id",),
                ),
            }
        },
        required=("views",),
    ),
    "ViewCount": obj(
        {
            "view_id": NUMBER,
            "url": TEXT,
            "value": {"type": "integer", "nullable": True},
            "pretty": TEXT,
            "fresh": {"type": "boolean"},
        },
        required=("view_id", "value", "pretty"),
    ),
    "Request": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "subject": TEXT,
            "description": TEXT,
            "status": TEXT,
            "requester_id": NUMBER,
            "is_public": {"type": "boolean"},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "subject", "status", "requester_id"),
    ),
    "RequestWrite": obj(
        {
            "subject": {"type": "string", "maxLength": 255},
            "comment": obj(
                {
                    "body": {"type": "string", "maxLength": 70000},
                    "html_body": {"type": "string", "maxLength": 70000},
                    "uploads": {"type": "array", "items": {"type": "string", "maxLength": 64}},
                }
            ),
            "solved": {"type": "boolean"},
        }
    ),
    "Upload": obj(
        {"token": TEXT, "attachment": ref("Attachment")}, required=("token", "attachment")
    ),
    "JobStatus": obj(
        {
            "id": TEXT,
            "url": TEXT,
            "status": TEXT,
            "total": {"type": "integer"},
            "progress": {"type": "integer"},
            "results": {"type": "array", "items": {"type": "object"}},
        },
        required=("id", "status"),
    ),
    "SearchResults": obj(
        {
            "results": {"type": "array", "items": {"type": "object"}},
            "count": {"type": "integer"},
            "next_page": NULLABLE_TEXT,
            "previous_page": NULLABLE_TEXT,
        },
        required=("results", "count"),
    ),
    # Macros (issue 18): Zendesk's actions, {"field": …, "value": …}.
    "MacroAction": obj({"field": TEXT, "value": {}}, required=("field",)),
    "Macro": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "title": TEXT,
            "description": NULLABLE_TEXT,
            "active": {"type": "boolean"},
            "position": {"type": "integer"},
            "default": {"type": "boolean"},
            "restriction": {"type": "object", "nullable": True},
            "actions": {"type": "array", "items": ref("MacroAction")},
            "usage_7d": {"type": "integer", "nullable": True},
            "usage_30d": {"type": "integer", "nullable": True},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "title", "actions"),
    ),
    "MacroWrite": obj(
        {
            "title": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": NULLABLE_TEXT,
            "active": {"type": "boolean"},
            "actions": {"type": "array", "items": ref("MacroAction"), "maxItems": 50},
            "restriction": {"type": "object", "nullable": True},
        }
    ),
    "MacroApplyResult": envelope(
        "result", obj({"ticket": {"type": "object"}}, required=("ticket",))
    ),
}
