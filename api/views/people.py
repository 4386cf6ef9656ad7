"""/api/v2/users…, /organizations…, /groups…: agents, except ``users/me``."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from accounts.access import group_for_agent, organization_for_agent, user_for_agent
from accounts.selectors import (
    groups_for_account,
    organizations_for_account,
    users_for_account,
    users_search,
)
from api import services
from api.bulk import api_organization_delete
from api.pagination import paginate
from api.permissions import IsAccountUser
from api.serializers import output
from api.serializers.inputs import OrganizationInput, UserInput, validated
from api.serializers.output import ROLE_FROM_ZENDESK
from api.views.base import ApiView, ids_param, query_param
from api.views.tickets import tickets_of


class UserList(ApiView):
    def get(self, request):
        roles = [
            ROLE_FROM_ZENDESK[r]
            for r in request.query_params.getlist("role") + request.query_params.getlist("role[]")
            if r in ROLE_FROM_ZENDESK
        ]
        numbers = ids_param(request) if request.query_params.get("ids") else None
        qs = users_for_account(account=request.account, roles=roles, numbers=numbers)
        page = paginate(request, qs)
        body = {"users": [output.user_json(u, request) for u in page.objects]}
        body.update(page.envelope)
        return Response(body)

    def post(self, request):
        data = validated(UserInput, request.data, envelope="user")
        user = services.api_user_create(account=request.account, actor=request.user, data=data)
        return Response({"user": output.user_json(user, request)}, status=status.HTTP_201_CREATED)


class UserShowMany(ApiView):
    def get(self, request):
        qs = users_for_account(account=request.account, numbers=ids_param(request))
        page = paginate(request, qs)
        body = {"users": [output.user_json(u, request) for u in page.objects]}
        body.update(page.envelope)
        return Response(body)


class UserDetail(ApiView):
    def get(self, request, number):
        user = user_for_agent(account=request.account, number=number)
        return Response({"user": output.user_json(user, request)})

    def put(self, request, number):
        user = user_for_agent(account=request.account, number=number)
        data = validated(UserInput, request.data, envelope="user", partial=True)
        user = services.api_user_update(
            account=request.account, actor=request.user, user=user, data=data
        )
        return Response({"user": output.user_json(user, request)})


class UserMe(ApiView):
    """Anyone signed in, end users included: their own profile."""

    permission_classes = [IsAccountUser]

    def get(self, request):
        return Response({"user": output.user_json(request.user, request)})


class UserSearch(ApiView):
    def get(self, request):
        query = query_param(request, "query") or query_param(request, "email")
        users = users_search(account=request.account, query=query, limit=100)
        return Response(
            {
                "users": [output.user_json(u, request) for u in users],
                "count": len(users),
                "next_page": None,
                "previous_page": None,
            }
        )


class UserRequestedTickets(ApiView):
    def get(self, request, number):
        user = user_for_agent(account=request.account, number=number)
        return tickets_of(request, requester=user)


class UserCcdTickets(ApiView):
    def get(self, request, number):
        user = user_for_agent(account=request.account, number=number)
        return tickets_of(request, cc_links__user=user)


class OrganizationList(ApiView):
    def get(self, request):
        qs = organizations_for_account(account=request.account).prefetch_related("domains")
        page = paginate(request, qs.order_by("number"))
        body = {"organizations": [output.organization_json(o, request) for o in page.objects]}
        body.update(page.envelope)
        return Response(body)

    def post(self, request):
        data = validated(OrganizationInput, request.data, envelope="organization")
        org = services.api_organization_create(
            account=request.account, data=data, actor=request.user
        )
        return Response(
            {"organization": output.organization_json(org, request)},
            status=status.HTTP_201_CREATED,
        )


class OrganizationDetail(ApiView):
    def get(self, request, number):
        org = organization_for_agent(account=request.account, number=number)
        return Response({"organization": output.organization_json(org, request)})

    def put(self, request, number):
        org = organization_for_agent(account=request.account, number=number)
        data = validated(OrganizationInput, request.data, envelope="organization", partial=True)
        org = services.api_organization_update(organization=org, actor=request.user, data=data)
        return Response({"organization": output.organization_json(org, request)})

    def delete(self, request, number):
        org = organization_for_agent(account=request.account, number=number)
        api_organization_delete(organization=org, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationTickets(ApiView):
    def get(self, request, number):
        org = organization_for_agent(account=request.account, number=number)
        return tickets_of(request, organization=org)


class OrganizationUsers(ApiView):
    def get(self, request, number):
        org = organization_for_agent(account=request.account, number=number)
        qs = users_for_account(account=request.account, organization=org)
        page = paginate(request, qs)
        body = {"users": [output.user_json(u, request) for u in page.objects]}
        body.update(page.envelope)
        return Response(body)


class GroupList(ApiView):
    def get(self, request):
        page = paginate(request, groups_for_account(account=request.account).order_by("number"))
        body = {"groups": [output.group_json(g, request) for g in page.objects]}
        body.update(page.envelope)
        return Response(body)


class GroupDetail(ApiView):
    def get(self, request, number):
        group = group_for_agent(account=request.account, number=number)
        return Response({"group": output.group_json(group, request)})
