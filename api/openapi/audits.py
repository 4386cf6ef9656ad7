"""The OpenAPI paths and schemas of ticket audits and tags (api/views/audits.py,
api/views/tags.py), merged into the description by api.openapi."""

from __future__ import annotations

from api.openapi.components import NULLABLE_TEXT, NUMBER, TEXT, TIMESTAMP, envelope, obj, ref

TAG_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 60}, "maxItems": 100}

SCHEMAS = {
    "TicketAudit": obj(
        {
            "id": NUMBER,
            "ticket_id": NUMBER,
            "author_id": {"type": "integer", "description": "-1: the system (a trigger)."},
            "created_at": TIMESTAMP,
            "via": {"type": "object"},
            "metadata": {"type": "object"},
            "events": {
                "type": "array",
                "items": obj(
                    {
                        "id": NUMBER,
                        "type": {"type": "string", "enum": ["Create", "Change", "Comment"]},
                    },
                    required=("id", "type"),
                ),
            },
        },
        required=("id", "ticket_id", "author_id", "created_at", "events"),
    ),
    "TagCount": obj({"name": TEXT, "count": NUMBER}, required=("name", "count")),
    "TicketTags": obj({"tags": TAG_NAMES}, required=("tags",)),
    "TicketTagsWrite": obj(
        {
            "tags": TAG_NAMES,
            "safe_update": {"type": "string", "enum": ["true", "false"]},
            "updated_stamp": {"type": "string", "format": "date-time"},
        },
        required=("tags",),
    ),
}


def paths(*, op, query, page_params, id_param, list_of) -> dict:
    """Built with api.openapi's helpers (passed in: that module imports this one)."""
    audit_id = {"name": "audit_id", "in": "path", "required": True, "schema": NUMBER}
    sort = query("sort_order", {"type": "string", "enum": ["asc", "desc"]})
    write = {"params": [id_param], "body": ref("TicketTagsWrite")}
    return {
        "/tickets/{id}/audits.json": {
            "get": op(
                "List a ticket's audits: each change set with its events (Create, Change, "
                "Comment, internal notes included)",
                "Ticket Audits",
                params=[id_param, *page_params, sort],
                result=list_of("audits", "TicketAudit"),
            ),
        },
        "/tickets/{id}/audits/{audit_id}.json": {
            "get": op(
                "Show an audit",
                "Ticket Audits",
                params=[id_param, audit_id],
                result=envelope("audit", ref("TicketAudit")),
            ),
        },
        "/tags.json": {
            "get": op(
                "List the account's tags, most used first, with the number of tickets",
                "Tags",
                params=[
                    query("page", {"type": "integer", "minimum": 1}),
                    query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                ],
                result=obj(
                    {
                        "tags": {"type": "array", "items": ref("TagCount")},
                        "count": {"type": "integer"},
                        "next_page": NULLABLE_TEXT,
                        "previous_page": NULLABLE_TEXT,
                    },
                    required=("tags",),
                ),
            ),
        },
        "/tickets/{id}/tags.json": {
            "get": op("List a ticket's tags", "Tags", params=[id_param], result=ref("TicketTags")),
            "post": op(
                "Set (replace) a ticket's tags", "Tags", ok="201", result=ref("TicketTags"), **write
            ),
            "put": op("Add tags to a ticket", "Tags", result=ref("TicketTags"), **write),
            "delete": op("Remove tags from a ticket", "Tags", ok="204", **write),
        },
    }
