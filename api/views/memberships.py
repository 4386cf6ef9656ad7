"""/api/v2/organization_memberships…: several organizations per user (issue 21), in
Zendesk's shape. Agents read them; agents who may manage end users (accounts.roles)
add and remove them, through accounts.memberships. Ids are the per-account numbers;
``default`` is the user's default organization (User.organization), else null."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response

from accounts.access import membership_for_agent, organization_for_agent, user_for_agent
from accounts.memberships import (
    membership_add,
    membership_make_default,
    membership_remove,
    memberships_for_account,
)
from accounts.models import OrganizationMembership
from api.pagination import paginate
from api.serializers.output import absolute, timestamp
from api.views.base import ApiView, query_param


def membership_json(membership: OrganizationMembership, request) -> dict[str, Any]:
    user, org = membership.user, membership.organization
    default = user.organization_id == org.pk
    return {
        "id": membership.number,
        "url": absolute(request, f"/api/v2/organization_memberships/{membership.number}.json"),
        "user_id": user.number,
        "organization_id": org.number,
        "organization_name": org.name,
        "default": True if default else None,
        "view_tickets": bool(org.shared_tickets or (default and user.is_org_manager)),
        "created_at": timestamp(membership.created_at),
        "updated_at": timestamp(membership.created_at),
    }


def _number(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError({name: "An id."})
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        raise ValidationError({name: "An id."})
    return int(text)


class MembershipList(ApiView):
    def get(self, request, user_number=None, organization_number=None):
        qs = memberships_for_account(account=request.account)
        if user_number is not None:
            qs = qs.filter(user=user_for_agent(account=request.account, number=user_number))
        if organization_number is not None:
            org = organization_for_agent(account=request.account, number=organization_number)
            qs = qs.filter(organization=org)
        user_id = query_param(request, "user_id")
        if user_id and user_number is None:
            user = user_for_agent(account=request.account, number=_number(user_id, "user_id"))
            qs = qs.filter(user=user)
        page = paginate(request, qs)
        body = {"organization_memberships": [membership_json(m, request) for m in page.objects]}
        body.update(page.envelope)
        return Response(body)

    def post(self, request, user_number=None, organization_number=None):
        # The path's user or organization first: 404 for another account's, whatever
        # the body.
        path_user = (
            user_for_agent(account=request.account, number=user_number) if user_number else None
        )
        path_org = (
            organization_for_agent(account=request.account, number=organization_number)
            if organization_number
            else None
        )
        data = (
            request.data.get("organization_membership") if isinstance(request.data, dict) else None
        )
        if not isinstance(data, dict):
            raise ValidationError(
                {"organization_membership": 'Send {"organization_membership": {…}}.'}
            )
        user = path_user or user_for_agent(
            account=request.account, number=_number(data.get("user_id"), "user_id")
        )
        org = path_org or organization_for_agent(
            account=request.account, number=_number(data.get("organization_id"), "organization_id")
        )
        default = data.get("default") is True
        membership = membership_add(
            user=user, organization=org, actor=request.user, default=default
        )
        membership.user = user
        return Response(
            {"organization_membership": membership_json(membership, request)},
            status=status.HTTP_201_CREATED,
        )


class MembershipDetail(ApiView):
    def get(self, request, number, user_number=None):
        membership = membership_for_agent(account=request.account, number=number)
        if user_number is not None and membership.user.number != user_number:
            raise Http404
        return Response({"organization_membership": membership_json(membership, request)})

    def delete(self, request, number, user_number=None):
        membership = membership_for_agent(account=request.account, number=number)
        if user_number is not None and membership.user.number != user_number:
            raise Http404
        membership_remove(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipMakeDefault(ApiView):
    """PUT /users/{user_id}/organization_memberships/{id}/make_default: Zendesk answers
    the user's memberships."""

    def put(self, request, user_number, number):
        membership = membership_for_agent(account=request.account, number=number)
        if membership.user.number != user_number:
            raise Http404
        user = membership_make_default(membership=membership, actor=request.user)
        rows = memberships_for_account(account=request.account).filter(user=user)
        return Response(
            {"organization_memberships": [membership_json(m, request) for m in rows[:100]]}
        )
