"""The incremental exports' part of the OpenAPI description (api/openapi merges it)."""

from __future__ import annotations

from api.openapi.components import NULLABLE_TEXT, TEXT, obj, ref

START_TIME = {
    "name": "start_time",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 0},
    "description": "Unix epoch seconds, at least one minute in the past. Required unless "
    "a cursor is given (cursor-based) — always required (time-based).",
}
CURSOR = {"name": "cursor", "in": "query", "required": False, "schema": TEXT}
PER_PAGE = {
    "name": "per_page",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
}
ERRORS = {
    "400": "InvalidValue: start_time missing, malformed or within the last minute; bad cursor.",
    "401": "Missing or invalid credentials.",
    "403": "Only admins may use incremental exports.",
    "429": "More than 10 incremental export calls a minute for this account; see Retry-After.",
}


DELETED_TICKET = obj(
    {
        "id": {"type": "integer"},
        "url": TEXT,
        "subject": TEXT,
        "status": {"type": "string", "enum": ["deleted"]},
        "requester_id": {"type": "integer", "nullable": True},
        "created_at": TEXT,
        "updated_at": TEXT,
        "generated_timestamp": {"type": "integer"},
    },
    required=("id", "status", "updated_at"),
)


def _cursor_page(key: str, item: dict) -> dict:
    return obj(
        {
            key: {"type": "array", "items": item},
            "after_url": NULLABLE_TEXT,
            "after_cursor": NULLABLE_TEXT,
            "before_url": NULLABLE_TEXT,
            "before_cursor": NULLABLE_TEXT,
            "end_of_stream": {"type": "boolean"},
        },
        required=(key, "end_of_stream"),
    )


def _time_page(key: str, item: dict) -> dict:
    return obj(
        {
            key: {"type": "array", "items": item},
            "count": {"type": "integer"},
            "end_time": {"type": "integer"},
            "next_page": NULLABLE_TEXT,
            "end_of_stream": {"type": "boolean"},
        },
        required=(key, "count", "end_time", "end_of_stream"),
    )


def _op(summary: str, params: list, result: dict) -> dict:
    error = {"content": {"application/json": {"schema": ref("Error")}}}
    responses = {code: {"description": text, **error} for code, text in ERRORS.items()}
    responses["200"] = {
        "description": "Success.",
        "content": {"application/json": {"schema": result}},
    }
    return {
        "get": {
            "summary": summary,
            "tags": ["Incremental Export"],
            "parameters": params,
            "responses": responses,
        }
    }


TICKET_EVENT = {"type": "object", "additionalProperties": True}

INCREMENTAL_PATHS = {
    "/incremental/tickets/cursor.json": _op(
        "Tickets changed since start_time, cursor-based, deleted ones with status "
        '"deleted" (admins)',
        [START_TIME, CURSOR, PER_PAGE],
        _cursor_page("tickets", {"anyOf": [ref("Ticket"), DELETED_TICKET]}),
    ),
    "/incremental/tickets.json": _op(
        "Tickets changed since start_time, time-based (admins)",
        [START_TIME, PER_PAGE],
        _time_page("tickets", ref("Ticket")),
    ),
    "/incremental/users/cursor.json": _op(
        "Users created since start_time, cursor-based (admins)",
        [START_TIME, CURSOR, PER_PAGE],
        _cursor_page("users", ref("User")),
    ),
    "/incremental/organizations.json": _op(
        "Organizations changed since start_time, time-based (admins)",
        [START_TIME, PER_PAGE],
        _time_page("organizations", ref("Organization")),
    ),
    "/incremental/ticket_events.json": _op(
        "Ticket events since start_time, time-based (admins)",
        [START_TIME, PER_PAGE],
        _time_page("ticket_events", TICKET_EVENT),
    ),
}
