"""/api/v2/user_fields… and /api/v2/organization_fields… in Zendesk's shape (issue 19):
agents read, admins create, change and delete. Ids are the fields' per-account numbers,
and so are their keys (what ``user_fields``/``organization_fields`` on a user or an
organization are keyed by)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import status
from rest_framework.response import Response

from api.serializers.output import absolute, timestamp
from api.views.base import ApiView
from api.views.ticket_fields import TARGETS as LOOKUP_TARGETS
from customfields import services
from customfields.access import people_field_for_agent
from customfields.people import TARGETS, people_fields

WRITABLE = ("title", "description", "active", "position")


def people_field_json(field, request, plural: str) -> dict[str, Any]:
    target = {v: k for k, v in LOOKUP_TARGETS.items()}.get(field.lookup_target)
    return {
        "id": field.number,
        "url": absolute(request, f"/api/v2/{plural}/{field.number}.json"),
        "key": field.key,
        "type": field.kind,
        "title": field.label,
        "raw_title": field.title,
        "description": field.description,
        "raw_description": field.description,
        "position": field.position,
        "active": field.active,
        "system": False,
        "regexp_for_validation": field.regexp or None,
        "relationship_target_type": target,
        "custom_field_options": [
            {"id": o.number, "name": o.label, "raw_name": o.title, "value": o.value}
            for o in field.options.all()
        ]
        if field.has_options
        else None,
        "created_at": timestamp(field.created_at),
        "updated_at": timestamp(field.updated_at),
    }


def _payload(request, singular: str) -> dict[str, Any]:
    data = request.data.get(singular) if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({singular: f'Send a field: {{"{singular}": {{…}}}}.'})
    attrs: dict[str, Any] = {}
    for name in WRITABLE:
        if name in data:
            value = data[name]
            if name in ("title", "description"):
                if value is not None and not isinstance(value, str):
                    raise ValidationError({name: "Expected text."})
                value = value or ""
            elif name == "position":
                if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
                    raise ValidationError({name: "Expected a whole number from 0."})
            elif not isinstance(value, bool):
                raise ValidationError({name: "Expected true or false."})
            attrs[name] = value
    if "regexp_for_validation" in data:
        attrs["regexp"] = data["regexp_for_validation"] or ""
        if not isinstance(attrs["regexp"], str):
            raise ValidationError({"regexp_for_validation": "Expected text."})
    if "relationship_target_type" in data:
        if data["relationship_target_type"] not in LOOKUP_TARGETS:
            raise ValidationError({"relationship_target_type": "Use zen:user or zen:organization."})
        attrs["lookup_target"] = LOOKUP_TARGETS[data["relationship_target_type"]]
    options = data.get("custom_field_options")
    if options is not None and not isinstance(options, list):
        raise ValidationError({"custom_field_options": "Expected a list of options."})
    attrs["options"] = options
    attrs["kind"] = data.get("type")
    return attrs


class _PeopleFields(ApiView):
    target = ""

    @property
    def names(self) -> tuple[str, str]:
        plural = f"{self.target}_fields"
        return plural, plural[:-1]

    def _require_admin(self, request) -> None:
        if not request.user.is_admin:
            raise PermissionDenied("Only admins change fields.")

    def _field(self, request, number):
        return people_field_for_agent(account=request.account, target=self.target, number=number)

    def _reloaded(self, request, field):
        return next(
            f
            for f in people_fields(account=request.account, target=self.target)
            if f.pk == field.pk
        )


class _PeopleFieldList(_PeopleFields):
    def get(self, request):
        plural, _singular = self.names
        fields = people_fields(account=request.account, target=self.target)
        return Response(
            {plural: [people_field_json(f, request, plural) for f in fields], "count": len(fields)}
        )

    def post(self, request):
        self._require_admin(request)
        plural, singular = self.names
        attrs = _payload(request, singular)
        kind = attrs.pop("kind")
        field = services.field_create(
            model=TARGETS[self.target][0],
            account=request.account,
            kind=kind if isinstance(kind, str) else "",
            title=attrs.pop("title", ""),
            **attrs,
        )
        field = self._reloaded(request, field)
        return Response(
            {singular: people_field_json(field, request, plural)}, status=status.HTTP_201_CREATED
        )


class _PeopleFieldDetail(_PeopleFields):
    def get(self, request, number):
        plural, singular = self.names
        field = self._reloaded(request, self._field(request, number))
        return Response({singular: people_field_json(field, request, plural)})

    def put(self, request, number):
        self._require_admin(request)
        plural, singular = self.names
        field = self._field(request, number)
        attrs = _payload(request, singular)
        kind = attrs.pop("kind")
        if kind is not None and kind != field.kind:
            raise ValidationError({"type": "A field's type cannot change."})
        services.ticket_field_update(field=field, **attrs)
        field = self._reloaded(request, field)
        return Response({singular: people_field_json(field, request, plural)})

    def delete(self, request, number):
        self._require_admin(request)
        services.ticket_field_delete(field=self._field(request, number))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserFieldList(_PeopleFieldList):
    target = "user"


class UserFieldDetail(_PeopleFieldDetail):
    target = "user"


class OrganizationFieldList(_PeopleFieldList):
    target = "organization"


class OrganizationFieldDetail(_PeopleFieldDetail):
    target = "organization"
