"""/api/v2/ticket_forms… in Zendesk's shape (issue 19): agents read, admins create,
change and delete. Ids are the forms' per-account numbers; ``ticket_field_ids`` the
fields' numbers, in the form's order. Our conditions hold for agents and end users
alike: ``agent_conditions`` carries them all, ``end_user_conditions`` those whose
fields end users see; a client writes either (``agent_conditions`` wins)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import status
from rest_framework.response import Response

from api.serializers.output import absolute, timestamp
from api.views.base import ApiView
from customfields import form_services
from customfields.access import ticket_form_for_agent
from customfields.form_selectors import ticket_forms_for_account
from customfields.models import TicketForm
from customfields.selectors import ticket_fields_for_viewer

TEXT = {"name": "name", "display_name": "name_in_portal"}
FLAGS = {"end_user_visible": "visible_in_portal", "active": "active", "default": "default"}


def form_json(form: TicketForm, request, portal_numbers: set[int]) -> dict[str, Any]:
    end_user = [
        {
            **c,
            "child_fields": [x for x in c["child_fields"] if x["id"] in portal_numbers],
        }
        for c in form.conditions
        if c["parent_field_id"] in portal_numbers
    ]
    return {
        "id": form.number,
        "url": absolute(request, f"/api/v2/ticket_forms/{form.number}.json"),
        "name": form.label,
        "raw_name": form.name,
        "display_name": form.portal_name,
        "raw_display_name": form.name_in_portal or form.name,
        "end_user_visible": form.visible_in_portal,
        "position": form.position,
        "active": form.active,
        "default": form.default,
        "in_all_brands": True,
        "restricted_brand_ids": [],
        "ticket_field_ids": list(form.field_numbers),
        "agent_conditions": form.conditions,
        "end_user_conditions": [c for c in end_user if c["child_fields"]],
        "created_at": timestamp(form.created_at),
        "updated_at": timestamp(form.updated_at),
    }


def _portal_numbers(request) -> set[int]:
    return {
        f.number
        for f in ticket_fields_for_viewer(account=request.account, viewer=None, with_options=False)
    }


def _attributes(request) -> dict[str, Any]:
    data = request.data.get("ticket_form") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"ticket_form": 'Send a ticket form: {"ticket_form": {…}}.'})
    attrs: dict[str, Any] = {}
    for theirs, ours in TEXT.items():
        if theirs in data:
            if data[theirs] is not None and not isinstance(data[theirs], str):
                raise ValidationError({theirs: "Expected text."})
            attrs[ours] = data[theirs] or ""
    for theirs, ours in FLAGS.items():
        if theirs in data:
            if not isinstance(data[theirs], bool):
                raise ValidationError({theirs: "Expected true or false."})
            attrs[ours] = data[theirs]
    if "position" in data:
        value = data["position"]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
            raise ValidationError({"position": "Expected a whole number from 0."})
        attrs["position"] = value
    if "ticket_field_ids" in data:
        attrs["field_numbers"] = data["ticket_field_ids"]
    conditions = data.get("agent_conditions", data.get("end_user_conditions"))
    if conditions is not None:
        attrs["conditions"] = conditions
    return attrs


def _require_admin(request) -> None:
    if not request.user.is_admin:
        raise PermissionDenied("Only admins change ticket forms.")


def _form(request, number: int) -> TicketForm:
    return ticket_form_for_agent(account=request.account, number=number)


class TicketFormList(ApiView):
    def get(self, request):
        forms = ticket_forms_for_account(account=request.account)
        numbers = _portal_numbers(request)
        return Response(
            {"ticket_forms": [form_json(f, request, numbers) for f in forms], "count": len(forms)}
        )

    def post(self, request):
        _require_admin(request)
        attrs = _attributes(request)
        name = attrs.pop("name", "")
        form = form_services.ticket_form_create(account=request.account, name=name, **attrs)
        return Response(
            {"ticket_form": form_json(form, request, _portal_numbers(request))},
            status=status.HTTP_201_CREATED,
        )


class TicketFormDetail(ApiView):
    def get(self, request, number):
        form = _form(request, number)
        return Response({"ticket_form": form_json(form, request, _portal_numbers(request))})

    def put(self, request, number):
        _require_admin(request)
        form = _form(request, number)
        form_services.ticket_form_update(form=form, **_attributes(request))
        return Response({"ticket_form": form_json(form, request, _portal_numbers(request))})

    def delete(self, request, number):
        _require_admin(request)
        form_services.ticket_form_delete(form=_form(request, number))
        return Response(status=status.HTTP_204_NO_CONTENT)
