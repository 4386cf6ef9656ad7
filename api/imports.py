"""Zendesk's Ticket Import (``POST /imports/tickets.json`` and ``/imports/tickets/
create_many.json``): Zendesk's payload turned into tickets.services.imports.ticket_import,
which records the history without running triggers or sending anything."""

from __future__ import annotations

from django.db import transaction
from rest_framework import serializers

from accounts.models import Account, AgentGroup, User
from accounts.services import user_get_or_create
from api.bulk import created, each_in_savepoint
from api.jobs import job_record_done
from api.payloads import by_number, custom_values, user_by_number
from api.serializers.inputs import DATETIME_FORMATS, RequesterInput, TicketInput, validated
from tickets.models import Ticket
from tickets.services.imports import ImportedComment, ticket_import


class ImportCommentInput(serializers.Serializer):
    author_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    # Zendesk's import names the text "value"; "body" and "html_body" are taken too.
    value = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    body = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    html_body = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    public = serializers.BooleanField(required=False, allow_null=True)
    created_at = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=DATETIME_FORMATS
    )
    uploads = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, allow_null=True, max_length=50
    )


class TicketImportInput(TicketInput):
    comments = ImportCommentInput(many=True, required=False, allow_null=True, max_length=1000)  # type: ignore[call-arg]  # passed on to the ListSerializer
    created_at = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=DATETIME_FORMATS
    )
    updated_at = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=DATETIME_FORMATS
    )
    solved_at = serializers.DateTimeField(
        required=False, allow_null=True, input_formats=DATETIME_FORMATS
    )
    requester = RequesterInput(required=False, allow_null=True)


def _requester(account: Account, data: dict) -> User:
    if data.get("requester_id") is not None:
        return user_by_number(account, data["requester_id"], "requester_id")  # type: ignore[return-value]  # a number given: a user or ValidationError
    if data.get("requester"):
        user, _made = user_get_or_create(
            account=account,
            email=data["requester"]["email"],
            name=data["requester"].get("name") or "",
        )
        return user
    raise serializers.ValidationError({"requester_id": ["An imported ticket needs its requester."]})


def import_one(*, account: Account, data: dict) -> Ticket:
    """One validated payload (TicketImportInput) → the imported ticket."""
    requester = _requester(account, data)
    author_of: dict[int, User] = {}
    comments = []
    for item in data.get("comments") or [{"body": data.get("description") or ""}]:
        number = item.get("author_id")
        if number is not None and number not in author_of:
            author_of[number] = user_by_number(account, number, "comments.author_id")  # type: ignore[assignment]  # a number given: a user or ValidationError
        comments.append(
            ImportedComment(
                author=author_of[number] if number is not None else requester,
                body=item.get("value") or item.get("body") or "",
                html_body=item.get("html_body") or "",
                public=item.get("public") is not False,
                created_at=item.get("created_at"),
                upload_tokens=list(item.get("uploads") or ()),
            )
        )
    status = data.get("status") or Ticket.Status.NEW
    return ticket_import(
        account=account,
        requester=requester,
        submitter=user_by_number(account, data.get("submitter_id"), "submitter_id"),
        subject=data.get("subject") or "",
        comments=comments,
        assignee=user_by_number(account, data.get("assignee_id"), "assignee_id"),
        group=by_number(AgentGroup, account, data.get("group_id"), "group_id"),
        status=status,
        type=data.get("type") or "",
        priority=data.get("priority") or "",
        tags=data.get("tags") or (),
        due_at=data.get("due_at"),
        created_at=data.get("created_at"),
        updated_at=data.get("updated_at"),
        solved_at=data.get("solved_at"),
        custom_fields=custom_values(data) or {},
    )


@transaction.atomic
def api_ticket_import(*, account: Account, payload: dict) -> Ticket:
    data = validated(TicketImportInput, payload, envelope="ticket")
    return import_one(account=account, data=data)


@transaction.atomic
def api_tickets_import_many(*, account: Account, items: list) -> dict:
    def make(index, item):
        data = validated(TicketImportInput, {"ticket": item}, envelope="ticket")
        return created(index, import_one(account=account, data=data).number)

    return job_record_done(
        account=account, job_type="bulk_import", results=each_in_savepoint(items, make)
    )
