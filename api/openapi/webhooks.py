"""The OpenAPI paths and schemas of outgoing webhooks (webhooks/api.py, routed beside the
API's own; docs/webhooks.md), merged into the description by api.openapi."""

from __future__ import annotations

from api.openapi.components import TEXT, TIMESTAMP, envelope, obj, ref

AUTHENTICATION = obj(
    {
        "type": {"type": "string", "enum": ["basic_auth", "bearer_token", "api_key"]},
        "add_position": {"type": "string", "enum": ["header"]},
    },
    required=("type",),
)
FIELDS = {
    "name": {"type": "string", "maxLength": 200},
    "description": {"type": "string", "maxLength": 500},
    "endpoint": {"type": "string", "maxLength": 2000},
    "http_method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
    "request_format": {"type": "string", "enum": ["json"]},
    "status": {"type": "string", "enum": ["active", "inactive"]},
    "subscriptions": {
        "type": "array",
        "items": {"type": "string", "enum": ["conditional_ticket_events"]},
    },
}
SCHEMAS = {
    "Webhook": obj(
        {
            "id": TEXT,
            **FIELDS,
            "authentication": AUTHENTICATION,
            "created_at": TIMESTAMP,
            "created_by": {"type": "string", "nullable": True},
            "updated_at": TIMESTAMP,
            "updated_by": {"type": "string", "nullable": True},
        },
        required=("id", "name", "endpoint", "http_method", "request_format", "status"),
    ),
    "WebhookWrite": obj(
        {
            **FIELDS,
            # Write only: data holds username/password, token, or name/value.
            "authentication": obj(
                {**AUTHENTICATION["properties"], "data": {"type": "object"}},
                required=("type",),
            ),
        }
    ),
    "WebhookSigningSecret": envelope(
        "signing_secret",
        obj({"algorithm": {"type": "string", "enum": ["SHA256"]}, "secret": TEXT}),
    ),
}


def paths(*, op, id_param) -> dict:
    """Built with api.openapi's helpers (passed in: that module imports this one)."""
    one = envelope("webhook", ref("Webhook"))
    write = envelope("webhook", ref("WebhookWrite"))
    many = obj(
        {
            "webhooks": {"type": "array", "items": ref("Webhook")},
            "meta": obj(
                {
                    "has_more": {"type": "boolean"},
                    "after_cursor": {"type": "string", "nullable": True},
                    "before_cursor": {"type": "string", "nullable": True},
                }
            ),
            "links": obj(
                {
                    "next": {"type": "string", "nullable": True},
                    "prev": {"type": "string", "nullable": True},
                }
            ),
        },
        required=("webhooks", "meta"),
    )
    secret = ref("WebhookSigningSecret")
    return {
        "/webhooks.json": {
            "get": op("List the webhooks (admins)", "Webhooks", result=many),
            "post": op("Create a webhook", "Webhooks", body=write, ok="201", result=one),
        },
        "/webhooks/{id}.json": {
            "get": op("Show a webhook", "Webhooks", params=[id_param], result=one),
            "put": op("Update a webhook", "Webhooks", params=[id_param], body=write, ok="204"),
            "patch": op("Patch a webhook", "Webhooks", params=[id_param], body=write, ok="204"),
            "delete": op("Delete a webhook", "Webhooks", params=[id_param], ok="204"),
        },
        "/webhooks/{id}/signing_secret.json": {
            "get": op(
                "Show the webhook's signing secret", "Webhooks", params=[id_param], result=secret
            ),
            "post": op(
                "Reset the webhook's signing secret",
                "Webhooks",
                params=[id_param],
                ok="201",
                result=secret,
            ),
        },
        "/webhooks/{id}/test.json": {
            "post": op(
                "Queue a signed test request to the webhook",
                "Webhooks",
                params=[id_param],
                ok="202",
                result=obj({"response": {"type": "object"}}),
            ),
        },
    }
