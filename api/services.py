"""The API's use cases: Zendesk's payloads turned into calls of the domain services.

Nothing here decides a ticket rule: numbers are resolved to objects of the account, then
``tickets.services`` (ticket_create, ticket_reply, ticket_update, ticket_set_ccs,
tickets_bulk_update) and ``accounts.services`` do the work, inside one transaction so a
refused part leaves nothing half-done.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from accounts.models import Account, AgentGroup, Organization, User
from accounts.services import (
    organization_create,
    organization_get_or_create,
    organization_update,
    user_create,
    user_get_or_create,
)
from api.jobs import job_status, job_update_many_queue
from tickets.events import TicketChange
from tickets.models import Attachment, Channel, Comment, Ticket
from tickets.services import (
    attachment_upload,
    normalise_tags,
    request_solve_by_requester,
    ticket_create,
    ticket_open,
    ticket_reply,
    ticket_set_ccs,
    ticket_update,
)


def _by_number(model, account: Account, number: int | None, field: str):
    if number is None:
        return None
    obj = model.objects.for_account(account).filter(number=number).first()
    if obj is None:
        raise ValidationError({field: _("No such record in this account: %(n)s.") % {"n": number}})
    return obj


def _user(account, number, field) -> User | None:
    return _by_number(User, account, number, field)


def _comment_args(comment: dict, fallback_body: str = "") -> dict:
    return {
        "body": comment.get("body") or fallback_body or "",
        "html_body": comment.get("html_body") or "",
        "upload_tokens": list(comment.get("uploads") or ()),
    }


def _cc_users(account: Account, data: dict, current: set[int]) -> list[User] | None:
    """The CC list after the request, or None when the request does not touch it."""
    if data.get("collaborator_ids") is None and data.get("email_ccs") is None:
        return None
    wanted: dict[int, User] = {}
    for pk in current:
        wanted[pk] = None  # placeholder: kept unless removed
    for number in data.get("collaborator_ids") or ():
        user = _user(account, number, "collaborator_ids")
        wanted[user.pk] = user
    for entry in data.get("email_ccs") or ():
        if entry.get("user_id"):
            user = _user(account, entry["user_id"], "email_ccs")
        elif entry.get("user_email"):
            user, _created = user_get_or_create(
                account=account, email=entry["user_email"], name=entry.get("user_name") or ""
            )
        else:
            raise ValidationError({"email_ccs": _("Give a user_id or a user_email.")})
        if entry.get("action") == "delete":
            wanted.pop(user.pk, None)
        else:
            wanted[user.pk] = user
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
        fields["assignee"] = _user(account, data["assignee_id"], "assignee_id")
    elif data.get("assignee_email"):
        assignee = (
            User.objects.for_account(account).filter(email=data["assignee_email"].lower()).first()
        )
        if assignee is None:
            raise ValidationError({"assignee_email": _("No such agent in this account.")})
        fields["assignee"] = assignee
    if "group_id" in data:
        fields["group"] = _by_number(AgentGroup, account, data["group_id"], "group_id")
    if data.get("requester_id") is not None:
        fields["requester"] = _user(account, data["requester_id"], "requester_id")
    elif data.get("requester"):
        fields["requester"], _created = user_get_or_create(
            account=account,
            email=data["requester"]["email"],
            name=data["requester"].get("name") or "",
        )
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


@transaction.atomic
def api_ticket_create(
    *, account: Account, actor: User, data: dict
) -> tuple[TicketChange, list[User]]:
    """The change set ticket_open sent (the ticket as the triggers left it, its first
    comment) and the CCs it was given, in order: what the API answers with."""
    comment = data.get("comment") or {}
    fields = ticket_fields_from_payload(account, None, data)
    author = _user(account, comment.get("author_id") or data.get("submitter_id"), "author_id")
    args = _comment_args(comment, data.get("description") or "")
    ccs = _cc_users(account, data, set()) or []
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
            if k in ("requester", "assignee", "group", "type", "priority")
        },
        **args,
    )
    return change, ccs


@transaction.atomic
def api_ticket_update(*, ticket: Ticket, actor: User, data: dict) -> tuple[Comment | None, dict]:
    """Fields first (a closed ticket refuses them), then the reply with the CC list
    (ticket_reply; without a comment the CC list alone): a deliberate public comment by
    an agent makes a private ticket public (comment_add's rule)."""
    account = ticket.account
    changes: dict = {}
    fields = ticket_fields_from_payload(account, ticket, data)
    if fields:
        changes.update(
            ticket_update(ticket=ticket, actor=actor, channel=Channel.API, **fields).changes
        )
    ccs = _cc_users(account, data, {link.user_id for link in ticket.cc_links.all()})
    if not data.get("comment"):
        if ccs is not None:
            changes.update(
                ticket_set_ccs(ticket=ticket, actor=actor, users=ccs, channel=Channel.API).changes
            )
        return None, changes
    payload = data["comment"]
    author = _user(account, payload.get("author_id"), "author_id") or actor
    public = payload.get("public")
    reply = ticket_reply(
        ticket=ticket,
        author=author,
        actor=actor,
        public=True if public is None else public,
        channel=Channel.API,
        ccs=ccs or (),
        ccs_replace=ccs is not None,
        **_comment_args(payload),
    )
    changes.update(reply.changes)
    # comment_add decides whether the reply made the ticket public; the audit says so.
    if not ticket.is_public and reply.comment.ticket.is_public:
        changes["is_public"] = (False, True)
    return reply.comment, changes


def _check_references(account: Account, data: dict) -> None:
    """A bulk change's references (assignee, group, requester, CCs' users) resolve in
    the account now, so a bad one is a 422 at once rather than a failed job later."""
    ticket_fields_from_payload(
        account, None, {k: v for k, v in data.items() if k != "additional_tags"}
    )
    for number in data.get("collaborator_ids") or ():
        _user(account, number, "collaborator_ids")
    for entry in data.get("email_ccs") or ():
        _user(account, entry.get("user_id"), "email_ccs")


@transaction.atomic
def api_tickets_update_many(
    *, account: Account, actor: User, numbers: list[int], data: dict
) -> dict:
    """Zendesk's bulk update, ``?ids=`` form: one change for every ticket. The work is a
    queued job (api.jobs) whose status the client polls."""
    _check_references(account, data)
    return job_update_many_queue(account=account, actor=actor, numbers=numbers, data=data)


@transaction.atomic
def api_tickets_update_each(*, account: Account, actor: User, changes: list[dict]) -> dict:
    """Zendesk's bulk update, list form: ``[{"id": 1, ...}, {"id": 2, ...}]``, each
    ticket its own change, in one queued job."""
    for change in changes:
        _check_references(account, change)
    numbers = [change["id"] for change in changes]
    rest = [{k: v for k, v in change.items() if k != "id"} for change in changes]
    return job_update_many_queue(account=account, actor=actor, numbers=numbers, changes=rest)


def api_job_status(*, account: Account, job_id: str) -> dict | None:
    return job_status(account=account, job_id=job_id)


@transaction.atomic
def api_request_create(*, account: Account, user: User, data: dict) -> Ticket:
    """An end user's request: ticket_create's end-user rules make it theirs and public."""
    comment = data.get("comment") or {}
    args = _comment_args(comment)
    return ticket_create(
        account=account,
        submitter=user,
        subject=data.get("subject") or "",
        channel=Channel.API,
        **args,
    )


@transaction.atomic
def api_request_update(*, ticket: Ticket, user: User, data: dict) -> Comment | None:
    comment = None
    if data.get("comment"):
        args = _comment_args(data["comment"])
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
        return _by_number(Organization, account, data.get("organization_id"), "organization_id")
    org, _created = organization_get_or_create(account=account, name=data["organization"]["name"])
    return org


@transaction.atomic
def api_user_create(*, account: Account, actor: User, data: dict) -> User:
    role = data.get("role") or User.Role.END_USER
    if role != User.Role.END_USER and not actor.is_admin:
        raise PermissionDenied("Only admins can add agents.")
    if not data.get("email"):
        raise ValidationError({"email": _("An email address is required.")})
    return user_create(
        account=account,
        name=data.get("name") or data["email"].split("@")[0],
        email=data["email"],
        role=role,
        phone=data.get("phone") or "",
        organization=_user_organization(account, data),
        time_zone=data.get("time_zone") or "",
        locale=data.get("locale") or "",
    )


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
    return user


def api_organization_create(*, account: Account, data: dict) -> Organization:
    return organization_create(
        account=account,
        name=data["name"],
        domains=list(data.get("domain_names") or ()),
        details=data.get("details") or "",
    )


def api_organization_update(*, organization: Organization, actor: User, data: dict) -> Organization:
    """Zendesk's fields to the domain's: ``domain_names`` replaces the domains."""
    fields = {name: data[name] for name in ("name", "details", "notes") if name in data}
    if "domain_names" in data:
        fields["domains"] = list(data["domain_names"] or ())
    return organization_update(organization=organization, actor=actor, **fields)
