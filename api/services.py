"""The API's use cases: Zendesk's payloads turned into calls of the domain services.

Nothing here decides a ticket rule: numbers are resolved to objects of the account, then
``tickets.services`` (ticket_create, ticket_reply, ticket_update, ticket_set_ccs,
tickets_bulk_update) and ``accounts.services`` do the work, inside one transaction so a
refused part leaves nothing half-done.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from accounts.models import Account, Organization, User
from accounts.services import (
    organization_create,
    organization_get_or_create,
    organization_update,
    user_create,
)
from api.payloads import (
    by_number,
    cc_users,
    comment_args,
    custom_values,
    ticket_fields_from_payload,
    user_by_number,
)
from customfields.people import people_values_set
from tickets.events import TicketChange
from tickets.models import Attachment, Channel, Comment, Ticket
from tickets.services import (
    attachment_upload,
    request_solve_by_requester,
    ticket_create,
    ticket_open,
    ticket_reply,
    ticket_set_ccs,
    ticket_update,
)
from tickets.services.conflicts import parse_stamp, ticket_check_fresh


@transaction.atomic
def api_ticket_create(
    *, account: Account, actor: User, data: dict
) -> tuple[TicketChange, list[User]]:
    """The change set ticket_open sent (the ticket as the triggers left it, its first
    comment) and the CCs it was given, in order: what the API answers with."""
    comment = data.get("comment") or {}
    fields = ticket_fields_from_payload(account, None, data)
    author = user_by_number(
        account, comment.get("author_id") or data.get("submitter_id"), "author_id"
    )
    args = comment_args(comment, data.get("description") or "")
    ccs = cc_users(account, data, set()) or []
    public = comment.get("public")
    change = ticket_open(
        account=account,
        submitter=author or actor,
        subject=fields.pop("subject", "") or "",
        public=True if public is None else public,
        channel=Channel.API,
        ccs=ccs,
        tags=fields.pop("tags", ()),
        status=fields.pop("status", "") or Ticket.Status.NEW,
        due_at=fields.pop("due_at", None),
        **{
            k: v
            for k, v in fields.items()
            if k
            in (
                "requester",
                "assignee",
                "group",
                "type",
                "priority",
                "custom_status",
                "custom_fields",
                "ticket_form",
            )
        },
        **args,
    )
    return change, ccs


@transaction.atomic
def api_ticket_update(*, ticket: Ticket, actor: User, data: dict) -> tuple[Comment | None, dict]:
    """Fields first (a closed ticket refuses them), then the reply with the CC list
    (ticket_reply; without a comment the CC list alone): a deliberate public comment by
    an agent makes a private ticket public (comment_add's rule). A safe update
    (``safe_update`` with ``updated_stamp``) raises TicketConflict when the ticket changed
    after the stamp, before anything is written."""
    account = ticket.account
    if "safe_update" in data:
        stamp = data.get("updated_stamp")
        if isinstance(stamp, str):  # a queued job's payload went through JSON
            stamp = parse_stamp(stamp)
        ticket = ticket_check_fresh(ticket=ticket, updated_stamp=stamp)
    changes: dict = {}
    fields = ticket_fields_from_payload(account, ticket, data)
    if fields:
        changes.update(
            ticket_update(ticket=ticket, actor=actor, channel=Channel.API, **fields).changes
        )
    ccs = cc_users(account, data, {link.user_id for link in ticket.cc_links.all()})
    if not data.get("comment"):
        if data.get("time_entry") is not None:
            raise ValidationError(
                {
                    "time_entry": "time_entry is logged with a comment; without one, POST "
                    "it to /api/v2/tickets/{id}/time_entries.json."
                }
            )
        if ccs is not None:
            changes.update(
                ticket_set_ccs(ticket=ticket, actor=actor, users=ccs, channel=Channel.API).changes
            )
        return None, changes
    payload = data["comment"]
    author = user_by_number(account, payload.get("author_id"), "author_id") or actor
    public = payload.get("public")
    reply = ticket_reply(
        ticket=ticket,
        author=author,
        actor=actor,
        public=True if public is None else public,
        channel=Channel.API,
        ccs=ccs or (),
        ccs_replace=ccs is not None,
        # The ticket's other objects sent with the comment (``time_entry``: timeworked).
        extras=data,
        **comment_args(payload),
    )
    changes.update(reply.changes)
    # comment_add decides whether the reply made the ticket public; the audit says so.
    if not ticket.is_public and reply.comment.ticket.is_public:
        changes["is_public"] = (False, True)
    return reply.comment, changes


@transaction.atomic
def api_request_create(*, account: Account, user: User, data: dict) -> Ticket:
    """An end user's request: ticket_create's end-user rules make it theirs and public."""
    comment = data.get("comment") or {}
    args = comment_args(comment)
    return ticket_create(
        account=account,
        submitter=user,
        subject=data.get("subject") or "",
        channel=Channel.API,
        custom_fields=custom_values(data) or {},
        ticket_form=data.get("ticket_form_id"),
        **args,
    )


@transaction.atomic
def api_request_update(*, ticket: Ticket, user: User, data: dict) -> Comment | None:
    comment = None
    if data.get("comment"):
        args = comment_args(data["comment"])
        comment = ticket_reply(
            ticket=ticket, author=user, public=True, channel=Channel.API, **args
        ).comment
    if data.get("solved"):
        request_solve_by_requester(ticket=ticket, user=user)
    return comment


def api_upload_create(
    *, account: Account, uploader: User, filename: str, content: bytes
) -> Attachment:
    """A file waiting for its comment (Zendesk's uploads), kept by the domain service.
    No bytes is refused: it is what a body lost on the way looks like (a stream the
    server could not read), and a 201 would tell the client its file was kept."""
    if not content:
        raise ValidationError({"file": _("The file is empty: no bytes were received.")})
    upload = SimpleUploadedFile(filename or "attachment", content)
    return attachment_upload(account=account, uploader=uploader, upload=upload)


def _user_organization(account: Account, data: dict) -> Organization | None:
    """``organization_id`` (a number of the account), else ``organization: {"name"}``
    (found by name, or made)."""
    if data.get("organization_id") is not None or not data.get("organization"):
        return by_number(Organization, account, data.get("organization_id"), "organization_id")
    org, _created = organization_get_or_create(account=account, name=data["organization"]["name"])
    return org


@transaction.atomic
def api_user_create(*, account: Account, actor: User, data: dict) -> User:
    role = data.get("role") or User.Role.END_USER
    if role != User.Role.END_USER and not actor.is_admin:
        raise PermissionDenied("Only admins can add agents.")
    if not data.get("email"):
        raise ValidationError({"email": _("An email address is required.")})
    user = user_create(
        account=account,
        name=data.get("name") or data["email"].split("@")[0],
        email=data["email"],
        role=role,
        phone=data.get("phone") or "",
        organization=_user_organization(account, data),
        time_zone=data.get("time_zone") or "",
        locale=data.get("locale") or "",
    )
    _people_values(user, actor, data.get("user_fields"))
    return user


def _people_values(row: User | Organization, actor: User, raw: Any) -> None:
    """Zendesk's ``user_fields``/``organization_fields``: {field key: value}, our keys
    being the fields' numbers (issue 19)."""
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise ValidationError({"custom_fields": _("Fields are an object of key and value.")})
    people_values_set(row=row, actor=actor, raw=raw)


@transaction.atomic
def api_user_update(*, account: Account, actor: User, user: User, data: dict) -> User:
    """Profile fields. Agents edit end users and themselves; only admins edit other
    agents. Roles are changed in the admin settings, not here."""
    if user.is_agent and user.pk != actor.pk and not actor.is_admin:
        raise PermissionDenied("Only admins can change agents.")
    if data.get("role") and data["role"] != user.role:
        raise ValidationError({"role": _("Change roles in the admin settings.")})
    if data.get("email") and data["email"].lower() != user.email:
        raise ValidationError({"email": _("Email addresses cannot be changed through the API.")})
    for name in ("name", "phone", "time_zone", "locale"):
        if data.get(name) is not None:
            setattr(user, name, data[name].strip())
    if "organization_id" in data or data.get("organization"):
        user.organization = _user_organization(account, data)
    if not user.name:
        raise ValidationError({"name": _("A name is required.")})
    user.full_clean(exclude=["password"])
    user.save()
    _people_values(user, actor, data.get("user_fields"))
    return user


@transaction.atomic
def api_organization_create(
    *, account: Account, data: dict, actor: User | None = None
) -> Organization:
    org = organization_create(
        account=account,
        name=data["name"],
        domains=list(data.get("domain_names") or ()),
        details=data.get("details") or "",
    )
    if actor is not None:
        _people_values(org, actor, data.get("organization_fields"))
    return org


def api_organization_update(*, organization: Organization, actor: User, data: dict) -> Organization:
    """Zendesk's fields to the domain's: ``domain_names`` replaces the domains."""
    fields = {name: data[name] for name in ("name", "details", "notes") if name in data}
    if "domain_names" in data:
        fields["domains"] = list(data["domain_names"] or ())
    with transaction.atomic():
        organization = organization_update(organization=organization, actor=actor, **fields)
        _people_values(organization, actor, data.get("organization_fields"))
    return organization
