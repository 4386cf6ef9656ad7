"""The OpenAPI paths and schemas of organization memberships (api/views/memberships.py,
issue 21), merged into the description by api.openapi."""

from __future__ import annotations

from collections.abc import Callable

from api.openapi.components import NUMBER, TEXT, TIMESTAMP, envelope, obj, ref

TAG = "Organization Memberships"
SCHEMAS = {
    "OrganizationMembership": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "user_id": NUMBER,
            "organization_id": NUMBER,
            "organization_name": TEXT,
            "default": {"type": "boolean", "nullable": True},
            "view_tickets": {"type": "boolean"},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "user_id", "organization_id"),
    ),
    "OrganizationMembershipCreate": obj(
        {"user_id": NUMBER, "organization_id": NUMBER, "default": {"type": "boolean"}},
        required=("organization_id",),
    ),
}


def paths(*, op: Callable, id_param: dict, list_of: Callable) -> dict:
    one = envelope("organization_membership", ref("OrganizationMembership"))
    many = list_of("organization_memberships", "OrganizationMembership")
    user = {"name": "user_id", "in": "path", "required": True, "schema": NUMBER}
    org = {"name": "organization_id", "in": "path", "required": True, "schema": NUMBER}

    # Each path names its own parameters: the nested forms carry the user's or the
    # organization's id besides the membership's.
    def create(*params: dict) -> dict:
        return op(
            "Add a user to an organization (the first one, or default: true, is the default)",
            TAG,
            params=list(params),
            body=envelope("organization_membership", ref("OrganizationMembershipCreate")),
            ok="201",
            result=one,
        )

    def show(*params: dict) -> dict:
        return op("Show an organization membership", TAG, params=[*params, id_param], result=one)

    def remove(*params: dict) -> dict:
        return op(
            "Remove a user from an organization (their oldest other one becomes the default)",
            TAG,
            params=[*params, id_param],
            ok="204",
        )

    return {
        "/organization_memberships.json": {
            "get": op("List organization memberships", TAG, result=many),
            "post": create(),
        },
        "/organization_memberships/{id}.json": {"get": show(), "delete": remove()},
        "/users/{user_id}/organization_memberships.json": {
            "get": op("List a user's organization memberships", TAG, params=[user], result=many),
            "post": create(user),
        },
        "/users/{user_id}/organization_memberships/{id}.json": {
            "get": show(user),
            "delete": remove(user),
        },
        "/users/{user_id}/organization_memberships/{id}/make_default.json": {
            "put": op(
                "Make a membership the user's default organization",
                TAG,
                params=[user, id_param],
                result=many,
            ),
        },
        "/organizations/{organization_id}/organization_memberships.json": {
            "get": op("List an organization's memberships", TAG, params=[org], result=many),
            "post": create(org),
        },
    }
