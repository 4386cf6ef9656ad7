"""Zendesk's payloads translated into the domain's terms: numbers resolved to objects of
the account (a number of another account is "no such record"), comments' and CCs' parts
picked out. No rule is decided here, and nothing is written but the users and CCs a
payload names by email (``user_get_or_create``), as Zendesk does."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Account, AgentGroup, User
from accounts.services import user_get_or_create
from tickets.models import CustomStatus, Ticket
from tickets.services import normalise_tags


def by_number(model, account: Account, number: int | None, field: str):
    if number is None:
        return None
    obj = model.objects.for_account(account).filter(number=number).first()
    if obj is None:
        raise ValidationError({field: _("No such record in this account: %(n)s.") % {"n": number}})
    return obj


def user_by_number(account, number, field) -> User | None:
    return by_number(User, account, number, field)


def comment_args(comment: dict, fallback_body: str = "") -> dict:
    return {
        "body": comment.get("body") or fallback_body or "",
        "html_body": comment.get("html_body") or "",
        "upload_tokens": list(comment.get("uploads") or ()),
    }


def cc_users(account: Account, data: dict, current: set[int]) -> list[User] | None:
    """The CC list after the request, or None when the request does not touch it."""
    if data.get("collaborator_ids") is None and data.get("email_ccs") is None:
        return None
    wanted: dict[int, User | None] = {}
    for pk in current:
        wanted[pk] = None  # placeholder: kept unless removed
    for number in data.get("collaborator_ids") or ():
        user = user_by_number(account, number, "collaborator_ids")
        wanted[user.pk] = user  # type: ignore[union-attr]  # a number given: a user or ValidationError
    for entry in data.get("email_ccs") or ():
        if entry.get("user_id"):
            user = user_by_number(account, entry["user_id"], "email_ccs")
        elif entry.get("user_email"):
            user, _created = user_get_or_create(
                account=account, email=entry["user_email"], name=entry.get("user_name") or ""
            )
        else:
            raise ValidationError({"email_ccs": _("Give a user_id or a user_email.")})
        if entry.get("action") == "delete":
            wanted.pop(user.pk, None)  # type: ignore[union-attr]  # a number given: a user or ValidationError
        else:
            wanted[user.pk] = user  # type: ignore[union-attr]  # a number given: a user or ValidationError
    missing = [pk for pk, user in wanted.items() if user is None]
    if missing:
        for user in User.objects.for_account(account).filter(pk__in=missing):
            wanted[user.pk] = user
    return [u for u in wanted.values() if u is not None]


def ticket_fields_from_payload(account: Account, ticket: Ticket | None, data: dict) -> dict:
    """Ticket fields named by the payload, resolved within the account."""
    fields: dict = {}
    for name in ("subject", "status", "type", "priority", "due_at"):
        if name in data and (data[name] is not None or name in ("due_at", "priority", "type")):
            value = data[name]
            fields[name] = "" if value is None and name != "due_at" else value
    if "assignee_id" in data:
        fields["assignee"] = user_by_number(account, data["assignee_id"], "assignee_id")
    elif data.get("assignee_email"):
        assignee = (
            User.objects.for_account(account).filter(email=data["assignee_email"].lower()).first()
        )
        if assignee is None:
            raise ValidationError({"assignee_email": _("No such agent in this account.")})
        fields["assignee"] = assignee
    if "group_id" in data:
        fields["group"] = by_number(AgentGroup, account, data["group_id"], "group_id")
    if data.get("custom_status_id") is not None:
        # Its category becomes the status (tickets.services.status_rules.status_pair).
        fields["custom_status"] = by_number(
            CustomStatus, account, data["custom_status_id"], "custom_status_id"
        )
    if data.get("requester_id") is not None:
        fields["requester"] = user_by_number(account, data["requester_id"], "requester_id")
    elif data.get("requester"):
        fields["requester"], _created = user_get_or_create(
            account=account,
            email=data["requester"]["email"],
            name=data["requester"].get("name") or "",
        )
    values = custom_values(data)
    if values:
        fields["custom_fields"] = values
    if data.get("ticket_form_id") is not None:
        fields["ticket_form"] = data["ticket_form_id"]
    current = ticket.tag_list if ticket is not None else []
    if "tags" in data:
        current, fields["tags"] = data["tags"], data["tags"]
    if data.get("additional_tags") or data.get("remove_tags"):
        removed = set(normalise_tags(data.get("remove_tags") or ()).split())
        tags = [
            t
            for t in normalise_tags(list(current) + list(data.get("additional_tags") or ())).split()
        ]
        fields["tags"] = [t for t in tags if t not in removed]
    return fields


def custom_values(data: dict) -> dict | None:
    """``custom_fields`` (or Zendesk's alias ``fields``) as {field id: value}; None when
    the payload names none. A list of {"id", "value"}, or an object {id: value}."""
    raw = data.get("custom_fields")
    if raw is None:
        raw = data.get("fields")
    if raw is None:
        return None
    if isinstance(raw, dict):
        return raw
    message = _('custom_fields is a list of objects with an "id" and a "value".')
    if not isinstance(raw, list):
        raise ValidationError({"custom_fields": message})
    values = {}
    for item in raw:
        if not isinstance(item, dict) or "id" not in item:
            raise ValidationError({"custom_fields": message})
        key = item["id"]
        values[key if isinstance(key, int | str) else repr(key)] = item.get("value")
    return values


def check_references(account: Account, data: dict) -> None:
    """A bulk change's references (assignee, group, requester, CCs' users) resolve in
    the account now, so a bad one is a 422 at once rather than a failed job later."""
    ticket_fields_from_payload(
        account, None, {k: v for k, v in data.items() if k != "additional_tags"}
    )
    for number in data.get("collaborator_ids") or ():
        user_by_number(account, number, "collaborator_ids")
    for entry in data.get("email_ccs") or ():
        user_by_number(account, entry.get("user_id"), "email_ccs")
