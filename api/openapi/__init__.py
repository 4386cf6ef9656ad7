"""The OpenAPI 3.0 description of what the API implements, served at
``/api/v2/openapi.json``. Written out here rather than introspected: the views take
Zendesk's envelopes by hand, so this is the one place that states the contract, and the
schema-driven fuzz test (tests/api/test_fuzz.py) holds the views to it
(tests/api/test_openapi_coverage.py: every route of the API is in it).

components: the schemas; helpers: parameters, operations, list envelopes; paths: the
core paths; one module per further part (audits, SLA policies, merge, statuses, bulk
calls and imports, ticket fields, satisfaction ratings, webhooks, escalations, time entries,
the Help Center, incremental exports)."""

from __future__ import annotations

from api.openapi import (
    audits,
    bulk,
    escalations,
    fields,
    forms,
    help_center,
    memberships,
    merge,
    satisfaction,
    sla,
    statuses,
    time_entries,
    webhooks,
)
from api.openapi.components import SCHEMAS
from api.openapi.helpers import ID, PAGE_PARAMS, list_of, op, query
from api.openapi.incremental import INCREMENTAL_PATHS
from api.openapi.paths import PATHS as CORE_PATHS

PATHS = dict(CORE_PATHS)
PATHS |= audits.paths(op=op, query=query, page_params=PAGE_PARAMS, id_param=ID, list_of=list_of)
PATHS |= sla.paths(op=op, id_param=ID)
PATHS |= merge.paths(op=op, id_param=ID)
PATHS |= statuses.paths(op=op, query=query, id_param=ID)
PATHS |= bulk.PATHS
PATHS |= fields.PATHS
PATHS |= forms.PATHS
PATHS |= satisfaction.paths(op=op, query=query, id_param=ID)
PATHS |= webhooks.paths(op=op, id_param=ID)
PATHS |= escalations.paths(op=op, id_param=ID)
PATHS |= help_center.paths(op=op, query=query, id_param=ID, page_params=PAGE_PARAMS)
PATHS |= memberships.paths(op=op, id_param=ID, list_of=list_of)
PATHS |= time_entries.paths(op=op, id_param=ID)


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
            | audits.SCHEMAS
            | sla.SCHEMAS
            | statuses.SCHEMAS
            | bulk.SCHEMAS
            | fields.SCHEMAS
            | forms.SCHEMAS
            | satisfaction.SCHEMAS
            | webhooks.SCHEMAS
            | escalations.SCHEMAS
            | help_center.SCHEMAS
            | memberships.SCHEMAS
            | time_entries.SCHEMAS,
        },
        "paths": {**PATHS, **INCREMENTAL_PATHS},
    }
