"""The OpenAPI 3.0 description of what the API implements, served at
``/api/v2/openapi.json``. Written out here rather than introspected: the views take
Zendesk's envelopes by hand, so this is the one place that states the contract, and the
schema-driven fuzz test (tests/api/test_fuzz.py) holds the views to it."""

from __future__ import annotations

from api import (
    openapi_audits,
    openapi_merge,
    openapi_satisfaction,
    openapi_sla,
    openapi_statuses,
    openapi_webhooks,
)
from api.openapi_components import NULLABLE_TEXT, NUMBER, SCHEMAS, TEXT, envelope, obj, ref
from api.openapi_incremental import INCREMENTAL_PATHS


def _query(name: str, schema: dict, description: str = "") -> dict:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


PAGE_PARAMS = [
    _query("page", {"type": "integer", "minimum": 1}, "Offset pagination: the page number."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
    _query("page[size]", {"type": "integer", "minimum": 1, "maximum": 100}, "Cursor pagination."),
    _query("page[after]", TEXT),
    _query("page[before]", TEXT),
]
SORT_PARAMS = [
    _query(
        "sort_by",
        {"type": "string", "enum": ["id", "created_at", "updated_at", "status", "priority"]},
    ),
    _query("sort_order", {"type": "string", "enum": ["asc", "desc"]}),
]
INCLUDE = _query(
    "include", TEXT, "Side-loads, comma separated: users, groups, organizations (ticket lists)."
)
IDS = {
    "name": "ids",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{1,9}(,[0-9]{1,9}){0,99}$"},
    "description": "Comma-separated ids, at most 100.",
}
ID = {"name": "id", "in": "path", "required": True, "schema": NUMBER}

ERRORS = {
    "400": "Malformed request (invalid JSON, bad cursor).",
    "401": "Missing or invalid credentials.",
    "403": "The caller's role may not use this endpoint.",
    "404": "No such record in this account (RecordNotFound).",
    "411": "A streamed (chunked) body this server cannot read: send Content-Length.",
    "413": "Request body too large.",
    "422": "RecordInvalid, with details per field.",
    "429": "Rate limit exceeded for this account; see Retry-After.",
}


def _responses(ok_status: str, ok_schema: dict | None) -> dict:
    error = {"content": {"application/json": {"schema": ref("Error")}}}
    responses = {code: {"description": text, **error} for code, text in ERRORS.items()}
    if ok_schema is None:
        responses[ok_status] = {"description": "Done."}
    else:
        responses[ok_status] = {
            "description": "Success.",
            "content": {"application/json": {"schema": ok_schema}},
        }
    return responses


def _op(
    summary: str,
    tag: str,
    *,
    params: list | None = None,
    body: dict | None = None,
    ok: str = "200",
    result: dict | None = None,
    public: bool = False,
) -> dict:
    operation = {
        "summary": summary,
        "tags": [tag],
        "parameters": params or [],
        "responses": _responses(ok, result),
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if public:
        operation["security"] = []
    return operation


def _list(key: str, item: str, *, extra: dict | None = None) -> dict:
    schema = obj(
        {
            key: {"type": "array", "items": ref(item)},
            "count": {"type": "integer"},
            "next_page": NULLABLE_TEXT,
            "previous_page": NULLABLE_TEXT,
            "meta": {"type": "object"},
            "links": {"type": "object"},
            **(extra or {}),
        },
        required=(key,),
    )
    return schema


TICKETS = _list(
    "tickets",
    "Ticket",
    extra={
        "users": {"type": "array", "items": ref("User")},
        "groups": {"type": "array", "items": ref("Group")},
        "organizations": {"type": "array", "items": ref("Organization")},
    },
)
TICKET_LIST_PARAMS = [*PAGE_PARAMS, *SORT_PARAMS, INCLUDE]
TICKET_WRITE = envelope("ticket", ref("TicketWrite"))

PATHS = {
    "/tickets.json": {
        "get": _op("List tickets", "Tickets", params=TICKET_LIST_PARAMS, result=TICKETS),
        "post": _op(
            "Create a ticket (a comment with public: false makes it private when enabled)",
            "Tickets",
            body=TICKET_WRITE,
            ok="201",
            result=ref("TicketWithAudit"),
        ),
    },
    "/tickets/{id}.json": {
        "get": _op(
            "Show a ticket", "Tickets", params=[ID], result=envelope("ticket", ref("Ticket"))
        ),
        "put": _op(
            "Update a ticket (a public comment makes a private ticket public)",
            "Tickets",
            params=[ID],
            body=TICKET_WRITE,
            result=ref("TicketWithAudit"),
        ),
        "delete": _op("Delete a ticket", "Tickets", params=[ID], ok="204"),
    },
    "/tickets/show_many.json": {
        "get": _op("Show many tickets", "Tickets", params=[IDS, *PAGE_PARAMS], result=TICKETS),
    },
    "/tickets/update_many.json": {
        "put": _op(
            "Update many tickets, in a job whose status the client polls: with ids, "
            "one change (ticket) for all; without, a change each (tickets, with their ids)",
            "Tickets",
            params=[{**IDS, "required": False}],
            body={
                "oneOf": [
                    TICKET_WRITE,
                    obj(
                        {
                            "tickets": {
                                "type": "array",
                                "items": ref("TicketUpdateManyItem"),
                                "minItems": 1,
                                "maxItems": 100,
                            }
                        },
                        required=("tickets",),
                    ),
                ]
            },
            result=envelope("job_status", ref("JobStatus")),
        ),
    },
    "/tickets/{id}/comments.json": {
        "get": _op(
            "List a ticket's comments",
            "Tickets",
            params=[ID, *PAGE_PARAMS, _query("sort_order", {"enum": ["asc", "desc"]}), INCLUDE],
            result=_list("comments", "Comment"),
        ),
    },
    "/job_statuses/{job_id}.json": {
        "get": _op(
            "Show a job status",
            "Tickets",
            params=[
                {
                    "name": "job_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                }
            ],
            result=envelope("job_status", ref("JobStatus")),
        ),
    },
    "/users.json": {
        "get": _op(
            "List users",
            "Users",
            params=[
                *PAGE_PARAMS,
                _query("role", {"type": "string", "enum": ["end-user", "agent", "admin"]}),
            ],
            result=_list("users", "User"),
        ),
        "post": _op(
            "Create a user",
            "Users",
            body=envelope("user", ref("UserWrite")),
            ok="201",
            result=envelope("user", ref("User")),
        ),
    },
    "/users/me.json": {
        "get": _op("The caller", "Users", result=envelope("user", ref("User"))),
    },
    "/users/search.json": {
        "get": _op(
            "Search users by name, email, domain, phone or organization",
            "Users",
            params=[_query("query", TEXT)],
            result=_list("users", "User"),
        ),
    },
    "/users/{id}.json": {
        "get": _op("Show a user", "Users", params=[ID], result=envelope("user", ref("User"))),
        "put": _op(
            "Update a user's profile",
            "Users",
            params=[ID],
            body=envelope("user", ref("UserWrite")),
            result=envelope("user", ref("User")),
        ),
    },
    "/users/{id}/tickets/requested.json": {
        "get": _op(
            "Tickets a user requested", "Users", params=[ID, *TICKET_LIST_PARAMS], result=TICKETS
        ),
    },
    "/organizations.json": {
        "get": _op(
            "List organizations",
            "Organizations",
            params=PAGE_PARAMS,
            result=_list("organizations", "Organization"),
        ),
        "post": _op(
            "Create an organization",
            "Organizations",
            body=envelope("organization", ref("OrganizationWrite")),
            ok="201",
            result=envelope("organization", ref("Organization")),
        ),
    },
    "/organizations/{id}.json": {
        "get": _op(
            "Show an organization",
            "Organizations",
            params=[ID],
            result=envelope("organization", ref("Organization")),
        ),
        "put": _op(
            "Update an organization (admins: every field; agents: notes only)",
            "Organizations",
            params=[ID],
            body=envelope("organization", ref("OrganizationUpdate")),
            result=envelope("organization", ref("Organization")),
        ),
    },
    "/organizations/{id}/tickets.json": {
        "get": _op(
            "An organization's tickets",
            "Organizations",
            params=[ID, *TICKET_LIST_PARAMS],
            result=TICKETS,
        ),
    },
    "/groups.json": {
        "get": _op("List groups", "Groups", params=PAGE_PARAMS, result=_list("groups", "Group")),
    },
    "/groups/{id}.json": {
        "get": _op("Show a group", "Groups", params=[ID], result=envelope("group", ref("Group"))),
    },
    "/views.json": {
        "get": _op(
            "List the views the caller works from (admins: every shared view too)",
            "Views",
            params=PAGE_PARAMS,
            result=_list("views", "View"),
        ),
        "post": _op(
            "Create a view (shared: admins; anyone's own: restriction type User)",
            "Views",
            body=envelope("view", ref("ViewWrite")),
            ok="201",
            result=envelope("view", ref("View")),
        ),
    },
    "/views/active.json": {
        "get": _op(
            "List the active views", "Views", params=PAGE_PARAMS, result=_list("views", "View")
        ),
    },
    "/views/count_many.json": {
        "get": _op(
            "Count several views' tickets (exact up to 10,000)",
            "Views",
            params=[IDS],
            result=obj({"view_counts": {"type": "array", "items": ref("ViewCount")}}),
        ),
    },
    "/views/update_many.json": {
        "put": _op(
            "Reorder and (de)activate several views at once (those the caller may change)",
            "Views",
            body=ref("ViewsUpdateMany"),
            result=obj({"views": {"type": "array", "items": ref("View")}}),
        ),
    },
    "/views/{id}.json": {
        "get": _op("Show a view", "Views", params=[ID], result=envelope("view", ref("View"))),
        "put": _op(
            "Update a view",
            "Views",
            params=[ID],
            body=envelope("view", ref("ViewWrite")),
            result=envelope("view", ref("View")),
        ),
        "delete": _op("Delete a view", "Views", params=[ID], ok="204"),
    },
    "/views/{id}/tickets.json": {
        "get": _op(
            "A view's tickets, in the view's order",
            "Views",
            params=[ID, *TICKET_LIST_PARAMS],
            result=TICKETS,
        ),
    },
    "/views/{id}/count.json": {
        "get": _op(
            "Count a view's tickets (exact up to 10,000)",
            "Views",
            params=[ID],
            result=envelope("view_count", ref("ViewCount")),
        ),
    },
    "/uploads.json": {
        "post": {
            **_op(
                "Upload a file; its token goes into a comment's uploads",
                "Uploads",
                params=[
                    {
                        "name": "filename",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                    }
                ],
                ok="201",
                result=envelope("upload", ref("Upload")),
            ),
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            },
        },
    },
    "/search.json": {
        "get": _op(
            "Search: free words, type:, status:/status<, requester:, assignee:, tags:, "
            "created>, is_public:",
            "Search",
            params=[
                {"name": "query", "in": "query", "required": True, "schema": TEXT},
                _query("page", {"type": "integer", "minimum": 1}),
                _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                *SORT_PARAMS,
            ],
            result=ref("SearchResults"),
        ),
    },
    "/requests.json": {
        "get": _op(
            "The caller's requests (what the help center shows them)",
            "Requests",
            params=[*PAGE_PARAMS, _query("status", TEXT)],
            result=_list("requests", "Request"),
        ),
        "post": _op(
            "Open a request",
            "Requests",
            body=envelope("request", ref("RequestWrite")),
            ok="201",
            result=envelope("request", ref("Request")),
        ),
    },
    "/requests/{id}.json": {
        "get": _op(
            "Show a request", "Requests", params=[ID], result=envelope("request", ref("Request"))
        ),
        "put": _op(
            "Reply to a request or mark it solved",
            "Requests",
            params=[ID],
            body=envelope("request", ref("RequestWrite")),
            result=envelope("request", ref("Request")),
        ),
    },
    "/requests/{id}/comments.json": {
        "get": _op(
            "A request's public comments",
            "Requests",
            params=[ID, *PAGE_PARAMS],
            result=_list("comments", "Comment"),
        ),
    },
}

MACROS = _list("macros", "Macro")
MACRO_WRITE = envelope("macro", ref("MacroWrite"))
MACRO_ID = {"name": "macro_id", "in": "path", "required": True, "schema": NUMBER}
PATHS |= {
    "/macros.json": {
        "get": _op(
            "List the macros the caller may apply (active=true|false filters)",
            "Macros",
            params=[*PAGE_PARAMS, _query("active", {"type": "string", "enum": ["true", "false"]})],
            result=MACROS,
        ),
        "post": _op(
            "Create a macro (shared: admins; restriction {type: User} makes it personal)",
            "Macros",
            body=MACRO_WRITE,
            ok="201",
            result=envelope("macro", ref("Macro")),
        ),
    },
    "/macros/active.json": {
        "get": _op("List the active macros", "Macros", params=PAGE_PARAMS, result=MACROS),
    },
    "/macros/{id}.json": {
        "get": _op("Show a macro", "Macros", params=[ID], result=envelope("macro", ref("Macro"))),
        "put": _op(
            "Update a macro",
            "Macros",
            params=[ID],
            body=MACRO_WRITE,
            result=envelope("macro", ref("Macro")),
        ),
        "delete": _op("Delete a macro", "Macros", params=[ID], ok="204"),
    },
    "/tickets/{id}/macros/{macro_id}/apply.json": {
        "get": _op(
            "What the macro would do to the ticket (nothing is saved)",
            "Macros",
            params=[ID, MACRO_ID],
            result=ref("MacroApplyResult"),
        ),
    },
}
PATHS |= openapi_audits.paths(
    op=_op, query=_query, page_params=PAGE_PARAMS, id_param=ID, list_of=_list
)
PATHS |= openapi_sla.paths(op=_op, id_param=ID)
PATHS |= openapi_merge.paths(op=_op, id_param=ID)
PATHS |= openapi_statuses.paths(op=_op, query=_query, id_param=ID)
PATHS |= openapi_satisfaction.paths(op=_op, query=_query, id_param=ID)
PATHS |= openapi_webhooks.paths(op=_op, id_param=ID)


def openapi_schema(*, server_url: str) -> dict:
    """The description, with the caller's own account URL as its server."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Sportello Tickets API (Zendesk dialect)",
            "version": "2",
            "description": (
                "A subset of Zendesk's Support API: same paths, field names, envelopes and "
                "status codes. Authenticate with HTTP basic auth as `email/token:TOKEN`, or "
                "with `Authorization: Bearer TOKEN`. Ids are per account."
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"basicAuth": []}, {"bearerAuth": []}],
        "components": {
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic"},
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            },
            "schemas": SCHEMAS
            | openapi_audits.SCHEMAS
            | openapi_sla.SCHEMAS
            | openapi_statuses.SCHEMAS
            | openapi_satisfaction.SCHEMAS
            | openapi_webhooks.SCHEMAS,
        },
        "paths": {**PATHS, **INCREMENTAL_PATHS},
    }
