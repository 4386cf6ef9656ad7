"""What clients send, validated. ``None`` means "not given" except where Zendesk gives
it a meaning (``assignee_id: null`` unassigns)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.output import ROLE_FROM_ZENDESK, TYPE_FROM_ZENDESK
from tickets.models import Ticket

DATETIME_FORMATS = ["iso-8601", "%Y-%m-%d"]


class TagsField(serializers.Field):
    """A list of tags or one space/comma separated string."""

    def to_internal_value(self, data):
        if data is None:
            return []
        if isinstance(data, str):
            return data.replace(",", " ").split()
        if isinstance(data, list) and all(isinstance(t, str | int) for t in data):
            return [str(t) for t in data]
        raise serializers.ValidationError("Tags are a list of words.")

    def to_representation(self, value):
        return value


class CommentInput(serializers.Serializer):
    body = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    html_body = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    public = serializers.BooleanField(required=False, allow_null=True)
    author_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    uploads = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, allow_null=True, max_length=50
    )


class RequesterInput(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=150)
    email = serializers.EmailField()
    locale_id = serializers.IntegerField(required=False, allow_null=True)


class EmailCcInput(serializers.Serializer):
    user_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    user_email = serializers.EmailField(required=False, allow_null=True)
    user_name = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    action = serializers.ChoiceField(choices=["put", "delete"], required=False, default="put")


def _choice_from_zendesk(mapping: dict, value, what: str):
    if value in (None, ""):
        return ""
    if value not in mapping:
        raise serializers.ValidationError(f"{value!r} is not a valid {what}.")
    return mapping[value]


class TimeEntryInput(serializers.Serializer):
    """Sportello-specific (seed 002): the time spent, logged with the update's comment."""

    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)


class TicketInput(serializers.Serializer):
    subject = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=255
    )
    comment = CommentInput(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    requester_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    requester = RequesterInput(required=False, allow_null=True)
    submitter_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    assignee_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    assignee_email = serializers.EmailField(required=False, allow_null=True)
    group_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    status = serializers.ChoiceField(choices=Ticket.Status.values, required=False, allow_null=True)
    custom_status_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10**18 - 1
    )
    type = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    priority = serializers.ChoiceField(
        choices=Ticket.Priority.values, required=False, allow_null=True, allow_blank=True
    )
    tags = TagsField(required=False)
    additional_tags = TagsField(required=False)
    remove_tags = TagsField(required=False)
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=DATETIME_FORMATS
    )
    collaborator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_null=True, max_length=100
    )
    email_ccs = EmailCcInput(many=True, required=False, allow_null=True, max_length=100)  # type: ignore[call-arg]  # passed on to the ListSerializer
    # [{"id": field number, "value": ...}]: shapes checked by api.payloads, values by the
    # field's kind (customfields.values), so each message names the field.
    custom_fields = serializers.JSONField(required=False, allow_null=True)
    # Zendesk's alias of custom_fields (DRF takes the declared field, not the property).
    fields = serializers.JSONField(required=False, allow_null=True)  # type: ignore[assignment]
    # The ticket form's number (issue 19).
    ticket_form_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10**15 - 1
    )
    # Zendesk's collision protection: with safe_update (true or false alike, as Zendesk
    # has it), the update is refused with 409 when the ticket changed after updated_stamp.
    safe_update = serializers.BooleanField(required=False, allow_null=True)
    # The time spent with the comment (timeworked.services.reply_time).
    time_entry = TimeEntryInput(required=False, allow_null=True)
    updated_stamp = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=["iso-8601"]
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "safe_update" in attrs and attrs.get("updated_stamp") is None:
            raise serializers.ValidationError(
                {"updated_stamp": ["A safe update needs updated_stamp."]}
            )
        return attrs

    def validate_type(self, value):
        return _choice_from_zendesk(TYPE_FROM_ZENDESK, value, "type")

    def validate_email_ccs(self, value):
        if value and any(not entry for entry in value):
            raise serializers.ValidationError("Each CC is an object with user_id or user_email.")
        return value


class TicketUpdateManyItem(TicketInput):
    """One ticket of the bulk update's list form: its number and its change."""

    id = serializers.IntegerField(min_value=1, max_value=10**18 - 1)

    def validate(self, attrs):
        if "id" not in attrs:  # partial validation would let it go unsaid
            raise serializers.ValidationError({"id": ["Each ticket needs its id."]})
        return super().validate(attrs)


class RequestCommentInput(serializers.Serializer):
    body = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    html_body = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    uploads = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, allow_null=True, max_length=50
    )


class RequestInput(serializers.Serializer):
    subject = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=255
    )
    comment = RequestCommentInput(required=False, allow_null=True)
    solved = serializers.BooleanField(required=False, allow_null=True)
    custom_fields = serializers.JSONField(required=False, allow_null=True)
    # Zendesk's alias of custom_fields (DRF takes the declared field, not the property).
    fields = serializers.JSONField(required=False, allow_null=True)  # type: ignore[assignment]
    # The ticket form's number (issue 19).
    ticket_form_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10**15 - 1
    )


class OrganizationByName(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class UserInput(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=150)
    email = serializers.EmailField(required=False, allow_null=True)
    role = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    organization_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    # Zendesk's {"name": ...}: the account's organization of that name, made if missing.
    organization = OrganizationByName(required=False, allow_null=True)
    time_zone = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=64
    )
    locale = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=10)
    # Issue 19: {field key: value}, the keys being the user fields' numbers.
    user_fields = serializers.JSONField(required=False, allow_null=True)

    def validate_role(self, value):
        return _choice_from_zendesk(ROLE_FROM_ZENDESK, value, "role") or None


# Organization fields Zendesk has and Sportello keeps fixed: sent with the value every
# answer shows, they are accepted (a client echoing a record back); another value is
# refused, never dropped in silence.
ORGANIZATION_FIXED: dict[str, Any] = {
    "tags": [],
    "external_id": None,
    "group_id": None,
    "shared_tickets": False,
    "shared_comments": False,
}


class OrganizationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    details = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    domain_names = serializers.ListField(
        child=serializers.CharField(max_length=253), required=False, allow_null=True, max_length=50
    )
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    # Issue 19: {field key: value}, the keys being the organization fields' numbers.
    organization_fields = serializers.JSONField(required=False, allow_null=True)

    def validate(self, attrs):
        errors = {
            name: [f"Sportello keeps {name} as {value!r}; it cannot be set."]
            for name, value in ORGANIZATION_FIXED.items()
            if name in self.initial_data and self.initial_data[name] not in (value, None)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def validated(
    serializer_class, data, *, envelope: str, required: bool = True, partial: bool = False
) -> dict:
    """Unwrap ``{"ticket": {...}}`` and validate its content; 422 when it is missing."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({envelope: ["Expected an object."]})
    inner = data.get(envelope)
    if inner is None and not required:
        inner = {}
    if not isinstance(inner, dict):
        raise serializers.ValidationError(
            {envelope: ["This field is required and must be an object."]}
        )
    serializer = serializer_class(data=inner, partial=partial)
    serializer.is_valid(raise_exception=True)
    # Only what the client actually sent (zenpy sends the fields it changed).
    return {k: v for k, v in serializer.validated_data.items() if k in inner}


def validated_list(serializer_class, data, *, envelope: str, max_length: int) -> list[dict]:
    """Unwrap ``{"tickets": [{...}, ...]}`` and validate each item as a partial change
    (only what the client sent of each); 422 when it is missing, empty or too long."""
    items = data.get(envelope) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise serializers.ValidationError({envelope: ["Expected a list of objects."]})
    if len(items) > max_length:
        raise serializers.ValidationError({envelope: [f"At most {max_length} at a time."]})
    serializer = serializer_class(data=items, many=True, partial=True)
    serializer.is_valid(raise_exception=True)
    return [
        {k: v for k, v in valid.items() if k in item}
        for valid, item in zip(serializer.validated_data, items, strict=True)
    ]
