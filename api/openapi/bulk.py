"""The OpenAPI description of the bulk calls (api.bulk) and the ticket import
(api.imports), in Zendesk's shapes: each bulk call is answered with a job status."""

from __future__ import annotations

from api.openapi.components import NUMBER, TAGS, TEXT, TIMESTAMP, envelope, obj, ref
from api.openapi.helpers import IDS, op


def _many(key: str, item: dict) -> dict:
    return obj(
        {key: {"type": "array", "items": item, "minItems": 1, "maxItems": 100}}, required=(key,)
    )


JOB = envelope("job_status", ref("JobStatus"))

SCHEMAS = {
    "TicketImportComment": obj(
        {
            "author_id": NUMBER,
            "value": TEXT,
            "body": TEXT,
            "html_body": TEXT,
            "public": {"type": "boolean"},
            "created_at": TIMESTAMP,
            "uploads": {"type": "array", "items": {"type": "string", "maxLength": 64}},
        }
    ),
    "TicketImport": {
        "allOf": [
            ref("TicketWrite"),
            obj(
                {
                    "description": TEXT,
                    "comments": {"type": "array", "items": ref("TicketImportComment")},
                    "created_at": TIMESTAMP,
                    "updated_at": TIMESTAMP,
                    "solved_at": TIMESTAMP,
                    "tags": TAGS,
                }
            ),
        ]
    },
}

PATHS = {
    "/tickets/create_many.json": {
        "post": op(
            "Create up to 100 tickets (each as POST /tickets.json: triggers run); a job status",
            "Tickets",
            body=_many("tickets", ref("TicketWrite")),
            result=JOB,
        ),
    },
    "/tickets/destroy_many.json": {
        "delete": op(
            "Delete up to 100 tickets; a job status with a result per id",
            "Tickets",
            params=[IDS],
            result=JOB,
        ),
    },
    "/users/create_many.json": {
        "post": op(
            "Create up to 100 users (agents and admins: by admins); a job status",
            "Users",
            body=_many("users", ref("UserWrite")),
            result=JOB,
        ),
    },
    "/users/create_or_update.json": {
        "post": op(
            "Update the user of that email address, or create them (200 updated, 201 created)",
            "Users",
            body=envelope("user", ref("UserWrite")),
            result=envelope("user", ref("User")),
        ),
    },
    "/organizations/create_many.json": {
        "post": op(
            "Create up to 100 organizations; a job status",
            "Organizations",
            body=_many("organizations", ref("OrganizationWrite")),
            result=JOB,
        ),
    },
    "/imports/tickets.json": {
        "post": op(
            "Import a historical ticket (admins): its own times, comments with authors "
            "and times; no trigger runs, nothing is sent",
            "Ticket Import",
            body=envelope("ticket", ref("TicketImport")),
            ok="201",
            result=envelope("ticket", ref("Ticket")),
        ),
    },
    "/imports/tickets/create_many.json": {
        "post": op(
            "Import up to 100 historical tickets (admins); a job status",
            "Ticket Import",
            body=_many("tickets", ref("TicketImport")),
            result=JOB,
        ),
    },
}
