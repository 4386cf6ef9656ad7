"""/api/v2/slas/policies… in Zendesk's dialect (admins only), and the tickets' ``slas``
side-load (``?include=slas``), which the API's ticket pages ask of servicelevels through
``api.includes`` so the API imports nothing of this app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import status
from rest_framework.response import Response

from api.permissions import IsAgent
from api.serializers.output import absolute, timestamp
from api.views.base import ApiView
from servicelevels.access import sla_policy_for_admin
from servicelevels.models import Schedule, SlaPolicy, SlaTarget
from servicelevels.policies import sla_policy_create, sla_policy_delete, sla_policy_update
from servicelevels.selectors import sla_policies_for_account, sla_targets_by_ticket
from tickets.conditions import public_conditions_many


class IsAdmin(IsAgent):
    message = "Only admins manage SLA policies."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_admin


def policy_json(policy: SlaPolicy, conditions: dict, request) -> dict[str, Any]:
    return {
        "id": policy.number,
        "url": absolute(request, f"/api/v2/slas/policies/{policy.number}.json"),
        "title": policy.title,
        "description": policy.description,
        "position": policy.position,
        "active": policy.is_active,
        "schedule_id": policy.schedule.number if policy.schedule else None,
        "filter": conditions,
        "policy_metrics": policy.metrics,
        "created_at": timestamp(policy.created_at),
        "updated_at": timestamp(policy.updated_at),
    }


def _many(policies: list[SlaPolicy], request) -> list[dict[str, Any]]:
    conditions = public_conditions_many(
        account=request.account, conditions=[p.conditions for p in policies]
    )
    return [policy_json(p, c, request) for p, c in zip(policies, conditions, strict=True)]


def _payload(request) -> dict[str, Any]:
    data = request.data.get("sla_policy") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"sla_policy": 'Send a policy object: {"sla_policy": {…}}.'})
    fields: dict[str, Any] = {}
    for ours, theirs in (
        ("title", "title"),
        ("description", "description"),
        ("conditions", "filter"),
        ("metrics", "policy_metrics"),
        ("is_active", "active"),
    ):
        if theirs in data:
            fields[ours] = data[theirs]
    if "position" in data:
        position = data["position"]
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            raise ValidationError({"position": "A position is a whole number from 1."})
        fields["position"] = position
    if "schedule_id" in data:
        number = data["schedule_id"]
        schedule = None
        if number is not None:
            if isinstance(number, bool) or not isinstance(number, int):
                raise ValidationError({"schedule_id": "Unknown schedule."})
            schedule = Schedule.objects.for_account(request.account).filter(number=number).first()
            if schedule is None:
                raise ValidationError({"schedule_id": "Unknown schedule."})
        fields["schedule"] = schedule
    return fields


class SlaPolicyList(ApiView):
    permission_classes = [IsAdmin]

    def get(self, request):
        policies = list(sla_policies_for_account(account=request.account))
        return Response(
            {
                "sla_policies": _many(policies, request),
                "count": len(policies),
                "next_page": None,
                "previous_page": None,
            }
        )

    def post(self, request):
        fields = _payload(request)
        if "conditions" not in fields:
            raise ValidationError({"filter": "A policy needs a filter (it may be empty)."})
        policy = sla_policy_create(account=request.account, **fields)
        return Response({"sla_policy": _many([policy], request)[0]}, status=status.HTTP_201_CREATED)


class SlaPolicyDetail(ApiView):
    permission_classes = [IsAdmin]

    def get(self, request, number):
        policy = sla_policy_for_admin(account=request.account, number=number)
        return Response({"sla_policy": _many([policy], request)[0]})

    def put(self, request, number):
        policy = sla_policy_for_admin(account=request.account, number=number)
        policy = sla_policy_update(policy=policy, **_payload(request))
        return Response({"sla_policy": _many([policy], request)[0]})

    def delete(self, request, number):
        policy = sla_policy_for_admin(account=request.account, number=number)
        sla_policy_delete(policy=policy)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The tickets' side-load ----------------------------------------------------------


def target_json(target: SlaTarget) -> dict[str, Any]:
    """Zendesk's ``slas.policy_metrics`` item: the breach time, the stage, and the
    time left (negative once breached) in days, hours and minutes."""
    item: dict[str, Any] = {
        "breach_at": timestamp(target.breach_at) if target.breach_at else None,
        "stage": target.stage,
        "metric": target.metric,
        "business_hours": target.business_hours,
    }
    if target.stage == "active" and target.breach_at is not None:
        minutes = int((target.breach_at - timezone.now()).total_seconds() // 60)
        sign = -1 if minutes < 0 else 1
        days, rest = divmod(abs(minutes), 24 * 60)
        item.update(days=sign * days, hours=sign * (rest // 60), minutes=sign * (rest % 60))
    return item


def slas_for_tickets(tickets: list) -> dict[int, dict[str, Any]]:
    """{ticket pk: its ``slas`` object} for a page of tickets, in one query."""
    found = sla_targets_by_ticket(tickets=tickets)
    return {
        pk: {"policy_metrics": [target_json(t) for t in rows if t.stage]}
        for pk, rows in found.items()
    }
