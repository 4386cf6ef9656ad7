"""/api/v2/custom_statuses…: list, show, create and update custom ticket statuses in
Zendesk's shape. Agents read them (their labels are the agents' vocabulary); admins
create and change them, through the same services as Settings › Statuses. Ids are the
per-account numbers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.serializers.output import timestamp
from api.views.base import ApiView, query_param
from tickets.access import custom_status_for_agent
from tickets.models import CustomStatus, StatusCategory
from tickets.services import statuses as services
from tickets.status_selectors import by_category, custom_statuses_for_account

# Zendesk's writable fields and ours.
WRITABLE = {
    "agent_label": "agent_label",
    "end_user_label": "end_user_label",
    "description": "description",
    "end_user_description": "end_user_description",
    "active": "is_active",
}
FLAGS = {"true": True, "false": False}


def custom_status_json(custom_status: CustomStatus) -> dict[str, Any]:
    return {
        "id": custom_status.number,
        "status_category": custom_status.category,
        "agent_label": custom_status.agent_name,
        "end_user_label": custom_status.end_user_name,
        "description": custom_status.description,
        "end_user_description": custom_status.end_user_description,
        "raw_agent_label": custom_status.agent_label,
        "raw_end_user_label": custom_status.end_user_label,
        "raw_description": custom_status.description,
        "raw_end_user_description": custom_status.end_user_description,
        "active": custom_status.is_active,
        "default": custom_status.is_default,
        "created_at": timestamp(custom_status.created_at),
        "updated_at": timestamp(custom_status.updated_at),
    }


def _payload(request) -> dict[str, Any]:
    data = request.data.get("custom_status") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"custom_status": 'Send {"custom_status": {…}}.'})
    fields: dict[str, Any] = {}
    for key, name in WRITABLE.items():
        if key not in data:
            continue
        value = data[key]
        if key == "active":
            if not isinstance(value, bool):
                raise ValidationError({"active": "true or false."})
        elif value is None:
            value = ""
        elif not isinstance(value, str):
            raise ValidationError({key: "A text."})
        fields[name] = value
    return {"fields": fields, "category": data.get("status_category")}


def _require_admin(request) -> None:
    if not request.user.is_admin:
        raise PermissionDenied("Only admins change custom statuses.")


class CustomStatusList(ApiView):
    def get(self, request):
        qs = custom_statuses_for_account(account=request.account)
        categories = [c for c in query_param(request, "status_categories").split(",") if c]
        if categories:
            qs = qs.filter(category__in=categories)
        active = FLAGS.get(query_param(request, "active").lower())
        if active is not None:
            qs = qs.filter(is_active=active)
        default = FLAGS.get(query_param(request, "default").lower())
        if default is not None:
            qs = qs.filter(is_default=default)
        return Response({"custom_statuses": [custom_status_json(s) for s in by_category(qs)]})

    def post(self, request):
        _require_admin(request)
        payload = _payload(request)
        category = payload["category"]
        if category not in StatusCategory.values:
            raise ValidationError(
                {"status_category": f"One of: {', '.join(StatusCategory.values)}."}
            )
        fields = payload["fields"]
        created = services.custom_status_create(
            account=request.account,
            actor=request.user,
            category=category,
            agent_label=fields.pop("agent_label", ""),
            **fields,
        )
        return Response(
            {"custom_status": custom_status_json(created)}, status=status.HTTP_201_CREATED
        )


class CustomStatusDetail(ApiView):
    def _get(self, request, number: int) -> CustomStatus:
        # The account's own statuses only: another account's number is not found.
        return custom_status_for_agent(viewer=request.user, number=number)

    def get(self, request, number):
        return Response({"custom_status": custom_status_json(self._get(request, number))})

    def put(self, request, number):
        _require_admin(request)
        custom_status = self._get(request, number)
        payload = _payload(request)
        category = payload["category"]
        if category is not None and category != custom_status.category:
            raise ValidationError({"status_category": "A status keeps its category."})
        services.custom_status_update(
            custom_status=custom_status, actor=request.user, **payload["fields"]
        )
        return Response({"custom_status": custom_status_json(custom_status)})
