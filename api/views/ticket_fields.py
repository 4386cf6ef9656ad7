"""/api/v2/ticket_fields… in Zendesk's shape: agents read, admins create, change and
delete. Ids are the fields' (and options') per-account numbers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import status
from rest_framework.response import Response

from api.serializers.output import absolute, timestamp
from api.views.base import ApiView
from customfields import services
from customfields.access import ticket_field_for_agent
from customfields.models import TicketField
from customfields.selectors import ticket_fields_for_account

# Zendesk's attribute → ours, for what a client may write.
WRITABLE = {
    "title": "title",
    "description": "description",
    "title_in_portal": "title_in_portal",
    "description_in_portal": "description_in_portal",
    "visible_in_portal": "visible_in_portal",
    "editable_in_portal": "editable_in_portal",
    "required": "required",
    "required_in_portal": "required_in_portal",
    "active": "active",
    "position": "position",
    "regexp_for_validation": "regexp",
}
TARGETS = {"zen:user": "user", "zen:organization": "organization"}


def field_json(field: TicketField, request) -> dict[str, Any]:
    target = {v: k for k, v in TARGETS.items()}.get(field.lookup_target)
    return {
        "id": field.number,
        "url": absolute(request, f"/api/v2/ticket_fields/{field.number}.json"),
        "type": field.kind,
        "title": field.label,  # in the caller's language, as Zendesk's dynamic content
        "raw_title": field.title,
        "description": field.description,
        "raw_description": field.description,
        "position": field.position,
        "active": field.active,
        "required": field.required,
        "required_for_types": field.required_for_types,
        "collapsed_for_agents": False,
        "regexp_for_validation": field.regexp or None,
        "title_in_portal": field.portal_title,
        "raw_title_in_portal": field.portal_title,
        "description_in_portal": field.description_in_portal,
        "visible_in_portal": field.visible_in_portal,
        "editable_in_portal": field.editable_in_portal,
        "required_in_portal": field.required_in_portal,
        "agent_can_edit": True,
        "tag": None,
        "removable": True,
        "key": None,
        "relationship_target_type": target,
        "custom_field_options": [
            {
                "id": o.number,
                "name": o.label,
                "raw_name": o.title,
                "value": o.value,
                "position": o.position,
                "default": False,
            }
            for o in field.options.all()
        ]
        if field.has_options
        else None,
        "created_at": timestamp(field.created_at),
        "updated_at": timestamp(field.updated_at),
    }


def _payload(request) -> dict[str, Any]:
    data = request.data.get("ticket_field") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"ticket_field": 'Send a ticket field: {"ticket_field": {…}}.'})
    return data


def _attributes(data: dict) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for theirs, ours in WRITABLE.items():
        if theirs in data:
            value = data[theirs]
            if ours in (
                "title",
                "description",
                "title_in_portal",
                "description_in_portal",
                "regexp",
            ):
                if value is not None and not isinstance(value, str):
                    raise ValidationError({theirs: "Expected text."})
                value = value or ""
            elif ours == "position":
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValidationError({theirs: "Expected a whole number from 0."})
            elif not isinstance(value, bool):
                raise ValidationError({theirs: "Expected true or false."})
            attrs[ours] = value
    if "required_for_types" in data:
        attrs["required_for_types"] = data["required_for_types"] or []
    if "relationship_target_type" in data:
        if data["relationship_target_type"] not in TARGETS:
            raise ValidationError({"relationship_target_type": "Use zen:user or zen:organization."})
        attrs["lookup_target"] = TARGETS[data["relationship_target_type"]]
    return attrs


def _options(data: dict) -> list[dict] | None:
    options = data.get("custom_field_options")
    if options is None:
        return None
    if not isinstance(options, list):
        raise ValidationError({"custom_field_options": "Expected a list of options."})
    return options


def _require_admin(request) -> None:
    if not request.user.is_admin:
        raise PermissionDenied("Only admins change ticket fields.")


def _reloaded(request, field: TicketField) -> TicketField:
    return ticket_fields_for_account(account=request.account).get(pk=field.pk)


class TicketFieldList(ApiView):
    def get(self, request):
        fields = ticket_fields_for_account(account=request.account)
        return Response(
            {"ticket_fields": [field_json(f, request) for f in fields], "count": len(fields)}
        )

    def post(self, request):
        _require_admin(request)
        data = _payload(request)
        kind = data.get("type")
        field = services.ticket_field_create(
            account=request.account,
            kind=kind if isinstance(kind, str) else "",
            title=data.get("title") if isinstance(data.get("title"), str) else "",
            options=_options(data),
            **{k: v for k, v in _attributes(data).items() if k != "title"},
        )
        return Response(
            {"ticket_field": field_json(_reloaded(request, field), request)},
            status=status.HTTP_201_CREATED,
        )


class TicketFieldDetail(ApiView):
    def get(self, request, number):
        field = ticket_field_for_agent(account=request.account, number=number)
        return Response({"ticket_field": field_json(_reloaded(request, field), request)})

    def put(self, request, number):
        _require_admin(request)
        field = ticket_field_for_agent(account=request.account, number=number)
        data = _payload(request)
        if "type" in data:
            data = dict(data)
            kind = data.pop("type")
            if kind != field.kind:
                raise ValidationError({"type": "A field's type cannot change."})
        services.ticket_field_update(field=field, options=_options(data), **_attributes(data))
        return Response({"ticket_field": field_json(_reloaded(request, field), request)})

    def delete(self, request, number):
        _require_admin(request)
        field = ticket_field_for_agent(account=request.account, number=number)
        services.ticket_field_delete(field=field)
        return Response(status=status.HTTP_204_NO_CONTENT)
