"""Zendesk's bulk calls (api.bulk): create_many and destroy_many for tickets, users and
organizations answer with a job status; ``users/create_or_update`` with the user (201
made, 200 changed)."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from api import bulk
from api.serializers import output
from api.serializers.inputs import UserInput, validated
from api.views.base import ApiView, ids_param
from api.views.tickets import job_json


class TicketCreateMany(ApiView):
    def post(self, request):
        items = bulk.items_of(request.data, "tickets")
        job = bulk.api_tickets_create_many(account=request.account, actor=request.user, items=items)
        return Response({"job_status": job_json(request, job)})


class TicketDestroyMany(ApiView):
    def delete(self, request):
        numbers = ids_param(request)
        if not numbers:
            return Response(
                {"error": "InvalidValue", "description": "Give the tickets' ids: ?ids=1,2,3"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        job = bulk.api_tickets_destroy_many(
            account=request.account, actor=request.user, numbers=numbers
        )
        return Response({"job_status": job_json(request, job)})


class UserCreateMany(ApiView):
    def post(self, request):
        items = bulk.items_of(request.data, "users")
        job = bulk.api_users_create_many(account=request.account, actor=request.user, items=items)
        return Response({"job_status": job_json(request, job)})


class UserCreateOrUpdate(ApiView):
    def post(self, request):
        data = validated(UserInput, request.data, envelope="user")
        user, made = bulk.api_user_create_or_update(
            account=request.account, actor=request.user, data=data
        )
        response = Response(
            {"user": output.user_json(user, request)},
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )
        response["Location"] = f"/api/v2/users/{user.number}.json"
        return response


class OrganizationCreateMany(ApiView):
    def post(self, request):
        items = bulk.items_of(request.data, "organizations")
        job = bulk.api_organizations_create_many(account=request.account, items=items)
        return Response({"job_status": job_json(request, job)})
