"""The core paths of the OpenAPI description: tickets, people, views, uploads, search,
requests, macros, job statuses."""

from __future__ import annotations

from api.openapi.components import NUMBER, TEXT, envelope, obj, ref
from api.openapi.helpers import (
    ID,
    IDS,
    INCLUDE,
    PAGE_PARAMS,
    SORT_PARAMS,
)
from api.openapi.helpers import list_of as _list
from api.openapi.helpers import op as _op
from api.openapi.helpers import query as _query

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
    "/users/{id}/tickets/ccd.json": {
        "get": _op(
            "Tickets a user is copied on", "Users", params=[ID, *TICKET_LIST_PARAMS], result=TICKETS
        ),
    },
    "/users/show_many.json": {
        "get": _op(
            "Show up to 100 users by id",
            "Users",
            params=[IDS, *PAGE_PARAMS],
            result=_list("users", "User"),
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
        "delete": _op(
            "Delete an organization (admins): its members stay, without it",
            "Organizations",
            params=[ID],
            ok="204",
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
    "/organizations/{id}/users.json": {
        "get": _op(
            "An organization's users",
            "Organizations",
            params=[ID, *PAGE_PARAMS],
            result=_list("users", "User"),
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
