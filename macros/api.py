"""/api/v2/macros… in Zendesk's dialect: list, show, create, update, delete, the active
ones, and what a macro would do to a ticket (apply.json, saved nowhere)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import status
from rest_framework.response import Response

from accounts.models import AgentGroup
from accounts.selectors import groups_for_account
from api.pagination import paginate
from api.serializers.output import absolute, timestamp
from api.views.base import ApiView
from macros import services
from macros.access import macro_for_agent, macro_for_editor, macro_for_reader
from macros.apply import macro_result
from macros.models import Macro
from macros.selectors import macros_for_api
from tickets.access import ticket_for_agent


def macro_json(macro: Macro, request) -> dict[str, Any]:
    if macro.owner is not None:
        restriction: dict | None = {"type": "User", "id": macro.owner.number}
    else:
        numbers = [g.number for g in macro.groups.all()]
        restriction = {"type": "Group", "id": numbers[0], "ids": numbers} if numbers else None
    return {
        "id": macro.number,
        "url": absolute(request, f"/api/v2/macros/{macro.number}.json"),
        "title": macro.title,
        "description": macro.description or None,
        "active": macro.active,
        "position": macro.position,
        "default": False,
        "restriction": restriction,
        "actions": macro.actions,
        "usage_7d": getattr(macro, "usage_7d", None),
        "usage_30d": getattr(macro, "usage_30d", None),
        "created_at": timestamp(macro.created_at),
        "updated_at": timestamp(macro.updated_at),
    }


def _payload(request) -> dict[str, Any]:
    data = request.data.get("macro") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"macro": 'Send a macro object: {"macro": {…}}.'})
    return data


def _restriction(request, data: dict) -> tuple[bool, list[AgentGroup]]:
    """(shared, groups) from Zendesk's ``restriction``: null → shared with everyone,
    Group → shared with those groups, User → personal (the caller's own only)."""
    restriction = data.get("restriction")
    if restriction is None:
        return True, []
    if not isinstance(restriction, dict) or restriction.get("type") not in ("Group", "User"):
        raise ValidationError(
            {"restriction": 'Use {"type": "Group", "ids": […]} or {"type": "User", "id": your id}.'}
        )
    if restriction["type"] == "User":
        if restriction.get("id") not in (None, request.user.number):
            raise ValidationError({"restriction": "A personal macro is its creator's own."})
        return False, []
    ids = restriction.get("ids") or ([restriction["id"]] if "id" in restriction else [])
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise ValidationError({"restriction": "Group ids are numbers."})
    groups = list(groups_for_account(account=request.account).filter(number__in=ids))
    if len(groups) != len(set(ids)):
        raise ValidationError({"restriction": "Unknown group."})
    return True, groups


def _reloaded(request, macro: Macro) -> Macro:
    return macros_for_api(viewer=request.user, active=None).get(pk=macro.pk)


class MacroList(ApiView):
    def get(self, request):
        active = request.query_params.get("active")
        flag = {"true": True, "false": False}.get(str(active).lower()) if active else None
        page = paginate(request, macros_for_api(viewer=request.user, active=flag))
        body = {"macros": [macro_json(m, request) for m in page.objects]}
        body.update(page.envelope)
        return Response(body)

    def post(self, request):
        data = _payload(request)
        shared, groups = _restriction(request, data)
        if shared and not request.user.is_admin:
            raise PermissionDenied("Only admins create shared macros.")
        macro = services.macro_create(
            account=request.account,
            actor=request.user,
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            actions=data.get("actions", []),
            active=bool(data.get("active", True)),
            shared=shared,
            groups=groups,
        )
        return Response(
            {"macro": macro_json(_reloaded(request, macro), request)},
            status=status.HTTP_201_CREATED,
        )


class MacroActive(ApiView):
    def get(self, request):
        page = paginate(request, macros_for_api(viewer=request.user, active=True))
        body = {"macros": [macro_json(m, request) for m in page.objects]}
        body.update(page.envelope)
        return Response(body)


class MacroDetail(ApiView):
    def get(self, request, number):
        macro = macro_for_reader(viewer=request.user, number=number)
        return Response({"macro": macro_json(_reloaded(request, macro), request)})

    def put(self, request, number):
        macro = macro_for_editor(viewer=request.user, number=number)
        data = _payload(request)
        fields = {k: data[k] for k in ("actions", "active") if k in data}
        for key in ("title", "description"):
            if key in data:
                fields[key] = "" if data[key] is None else str(data[key])
        groups = None
        if "restriction" in data and macro.is_shared:
            shared, groups = _restriction(request, data)
            if not shared:
                raise ValidationError({"restriction": "A shared macro stays shared."})
        services.macro_update(macro=macro, actor=request.user, groups=groups, **fields)
        return Response({"macro": macro_json(_reloaded(request, macro), request)})

    def delete(self, request, number):
        macro = macro_for_editor(viewer=request.user, number=number)
        services.macro_delete(macro=macro, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MacroApply(ApiView):
    """What the macro would do to the ticket, as Zendesk answers; nothing is saved."""

    def get(self, request, number, macro_number):
        ticket = ticket_for_agent(viewer=request.user, number=number)
        macro = macro_for_agent(viewer=request.user, number=macro_number)
        result = macro_result(macro=macro, ticket=ticket, actor=request.user)
        body: dict[str, Any] = {
            "id": ticket.number,
            "url": absolute(request, f"/api/v2/tickets/{ticket.number}.json"),
        }
        for name in ("status", "priority", "type"):
            if name in result.fields:
                body[name] = result.fields[name] or None
        for name in ("group", "assignee"):
            if name in result.fields:
                obj = result.fields[name]
                body[f"{name}_id"] = obj.number if obj is not None else None
        if "custom_status" in result.fields:
            body["custom_status_id"] = result.fields["custom_status"].number
        if "custom_fields" in result.fields:
            body["custom_fields"] = [
                {"id": number, "value": value}
                for number, value in result.fields["custom_fields"].items()
            ]
        if result.sets_tags:
            body["tags"] = result.tags_for(ticket.tags).split()
        if result.ccs:
            body["collaborator_ids"] = [u.number for u in result.ccs]
        if result.body or result.public is not None:
            public = result.public if result.public is not None else ticket.is_public
            body["comment"] = {"body": result.body, "public": public, "scoped_body": []}
        return Response({"result": {"ticket": body}})
