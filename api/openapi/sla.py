"""The OpenAPI paths and schemas of SLA policies (servicelevels/api.py, routed beside the
API's own), merged into the description by api.openapi."""

from __future__ import annotations

from api.openapi.components import NUMBER, TEXT, TIMESTAMP, envelope, obj, ref

METRICS = [
    "first_reply_time",
    "next_reply_time",
    "periodic_update_time",
    "requester_wait_time",
    "agent_work_time",
    "resolution_time",
]
CONDITION = obj({"field": TEXT, "operator": TEXT, "value": {}}, required=("field", "operator"))
FILTER = obj(
    {
        "all": {"type": "array", "items": CONDITION, "maxItems": 50},
        "any": {"type": "array", "items": CONDITION, "maxItems": 50},
    }
)
METRIC = obj(
    {
        "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
        "metric": {"type": "string", "enum": METRICS},
        "target": {"type": "integer", "minimum": 1, "maximum": 525600},
        "business_hours": {"type": "boolean"},
    },
    required=("priority", "metric", "target"),
)
SCHEMAS = {
    "SlaPolicy": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "title": TEXT,
            "description": TEXT,
            "position": {"type": "integer"},
            "active": {"type": "boolean"},
            "schedule_id": {"type": "integer", "nullable": True},
            "filter": FILTER,
            "policy_metrics": {"type": "array", "items": METRIC},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "title", "filter", "policy_metrics"),
    ),
    "SlaPolicyWrite": obj(
        {
            "title": {"type": "string", "maxLength": 200},
            "description": {"type": "string", "maxLength": 500},
            "position": {"type": "integer", "minimum": 1},
            "active": {"type": "boolean"},
            "schedule_id": {"type": "integer", "nullable": True},
            "filter": FILTER,
            "policy_metrics": {"type": "array", "items": METRIC, "maxItems": 24},
        },
    ),
}


def paths(*, op, id_param) -> dict:
    """Built with api.openapi's helpers (passed in: that module imports this one)."""
    one = envelope("sla_policy", ref("SlaPolicy"))
    write = envelope("sla_policy", ref("SlaPolicyWrite"))
    many = obj(
        {
            "sla_policies": {"type": "array", "items": ref("SlaPolicy")},
            "count": {"type": "integer"},
        },
        required=("sla_policies",),
    )
    return {
        "/slas/policies.json": {
            "get": op(
                "List the SLA policies, in the order they are tried", "SLA Policies", result=many
            ),
            "post": op(
                "Create an SLA policy (filter: the views' vocabulary; targets in minutes)",
                "SLA Policies",
                body=write,
                ok="201",
                result=one,
            ),
        },
        "/slas/policies/{id}.json": {
            "get": op("Show an SLA policy", "SLA Policies", params=[id_param], result=one),
            "put": op(
                "Update an SLA policy", "SLA Policies", params=[id_param], body=write, result=one
            ),
            "delete": op("Delete an SLA policy", "SLA Policies", params=[id_param], ok="204"),
        },
    }
