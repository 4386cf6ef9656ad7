"""What the ticket services share: the rule errors, checks, event recording, and
storing a comment with the body limit and the attachment rules applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, AgentGroup, User
from accounts.roles import permissions_of
from tickets import attachments as attachment_rules
from tickets.models import Attachment, Channel, Comment, Ticket, TicketCC, TicketEvent
from tickets.sentiment import sentiment_of
from tickets.services.status_rules import status_pair
from tickets.text import (
    clean_html,
    html_to_text,
    mention_handles,
    normalise_newlines,
    truncate_body,
)


class NotAllowed(ValidationError):
    """A rule refuses the action; the message is meant for the person who tried."""


class RoleRefused(NotAllowed, PermissionDenied):
    """The agent's role refuses the action (accounts.roles): a page shows the message
    as any NotAllowed, the API answers 403 Forbidden with it."""


# What an agent is told when their role lacks a permission.
ROLE_REFUSALS = {
    "solve": gettext_lazy("Your role does not allow solving or closing tickets."),
    "edit_tickets": gettext_lazy("Your role does not allow changing tickets."),
    "public_replies": gettext_lazy("Your role allows internal notes only, not public replies."),
    "delete_tickets": gettext_lazy("Your role does not allow deleting tickets."),
    "merge_tickets": gettext_lazy("Your role does not allow merging tickets."),
    "make_private": gettext_lazy("Your role does not allow making tickets private."),
    "manage_macros": gettext_lazy("Your role does not allow managing macros."),
    "manage_views": gettext_lazy("Your role does not allow managing views."),
    "manage_end_users": gettext_lazy("Your role does not allow adding or editing end users."),
}


def require_permission(actor: User | None, permission: str) -> None:
    """Refuse an agent whose role lacks ``permission`` (a Permissions field). The system
    (None) and end users are other rules' business."""
    if actor is None or not actor.is_agent:
        return
    if not getattr(permissions_of(actor), permission):
        raise RoleRefused(str(ROLE_REFUSALS[permission]), code="role")


def check_may_set_status(actor: User | None, ticket: Ticket, status: str | None) -> None:
    """Solved and Closed are for agents whose role may solve (seed 003: front line
    updates, only managers close)."""
    if status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED) and status != ticket.status:
        require_permission(actor, "solve")


# Channels through which an agent can deliberately choose "Public reply". A private
# ticket turns public only through these (rule 6); mail and phone logs stay internal.
DELIBERATE_CHANNELS = (Channel.WEB, Channel.API)
TRACKED_FIELDS = (
    "subject",
    "status",
    "custom_status",
    "type",
    "priority",
    "assignee",
    "group",
    "requester",
    "organization",
    "tags",
    "due_at",
    "snoozed_until",
)


def normalise_tags(tags: Iterable[str] | str) -> str:
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    return " ".join(sorted({t.strip().lower()[:60] for t in tags if t.strip()}))


def clean_new_ticket(ticket: Ticket) -> None:
    """A new ticket's own values validated. Its related objects are in hand and their
    account checked by the caller: full_clean would only read each of them back (a query
    per key) to see that it exists."""
    ticket.full_clean(
        exclude=[
            "number",
            "reply_token",
            "account",
            "requester",
            "submitter",
            "assignee",
            "group",
            "organization",
            "custom_status",
        ]
    )


def check_same_account(account: Account, **objects: Any) -> None:
    for name, obj in objects.items():
        if obj is not None and obj.account_id != account.pk:
            raise ValidationError({name: _("Unknown %(field)s.") % {"field": name}})


def check_assignment(account: Account, assignee: User | None, group: AgentGroup | None) -> None:
    check_same_account(account, assignee=assignee, group=group)
    if assignee is not None and not assignee.is_agent:
        raise ValidationError({"assignee": _("Only agents can be assigned tickets.")})
    if assignee is not None and not permissions_of(assignee).assignable:
        raise ValidationError(
            {
                "assignee": _(
                    "%(agent)s is a light agent: light agents are never assigned tickets."
                )
                % {"agent": assignee.name}
            }
        )
    if (
        assignee is not None
        and group is not None
        and not group.memberships.filter(user=assignee).exists()
    ):
        raise ValidationError(
            {
                "assignee": _("%(agent)s is not a member of %(group)s.")
                % {"agent": assignee.name, "group": group.name}
            }
        )


def record_event(
    ticket: Ticket, actor: User | None, channel: str, kind: str, **details: Any
) -> None:
    """One history row, written now; ``details`` as event_for takes them."""
    event_for(ticket, actor, channel, kind, **details).save(force_insert=True)


def event_for(
    ticket: Ticket,
    actor: User | None,
    channel: str,
    kind: str,
    *,
    field: str = "",
    old: object = "",
    new: object = "",
    comment: Comment | None = None,
) -> TicketEvent:
    """record_event's row, unsaved, for a caller that writes several at once (its time
    is now, so the history keeps the order in which they happened)."""
    return TicketEvent(
        account_id=ticket.account_id,
        ticket=ticket,
        actor=actor,
        channel=channel,
        kind=kind,
        field=field,
        old_value=display_value(old),
        new_value=display_value(new),
        comment=comment,
    )


def display_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def store_upload(
    *, account_id: int, comment: Comment | None, uploader: User, upload: UploadedFile
) -> Attachment:
    """Write one validated file; ``comment`` None: an upload waiting for its comment."""
    # A validated upload has its name and size.
    name = attachment_rules.safe_filename(upload.name)  # type: ignore[arg-type]
    attachment = Attachment(
        account_id=account_id,
        comment=comment,
        uploader=uploader,
        filename=name,
        size=upload.size,  # type: ignore[misc]
        content_type=attachment_rules.content_type_for(name),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def mentioned_agents(account: Account, body: str) -> list[User]:
    handles = mention_handles(body)
    if not handles:
        return []
    agents = User.objects.for_account(account).agents()
    found = []
    for agent in agents:
        keys = {
            agent.email.split("@")[0].lower(),
            agent.name.lower(),
            agent.name.split()[0].lower() if agent.name.split() else "",
        }
        if handles & keys:
            found.append(agent)
    return found


def comment_sentiment(*, author: User, account: Account, text: str) -> str:
    """The sentiment of a comment by ``author`` (tickets.sentiment): the requester side's
    only, in the author's language; "" for agents'."""
    if author.is_agent:
        return ""
    return sentiment_of(text, author.locale or account.default_locale)


# Its callers (ticket_open, comment_add) hold a savepoint already: a refused upload
# token rolls back to theirs, so this one would only cost two round trips.
@transaction.atomic(savepoint=False)
def comment_create(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    html_body: str,
    public: bool,
    channel: str,
    uploads: Sequence[UploadedFile],
    upload_tokens: Sequence[str] = (),
    sentiment: str | None = None,
) -> Comment:
    """Store a comment with the body limit and the attachment rules applied.

    ``sentiment``: the one its caller scored already (ticket_open, which saves it on the
    new ticket); None scores it here."""
    if html_body:
        html_body = clean_html(html_body)
        body = html_to_text(html_body)
    body = normalise_newlines(body).strip()
    if not body and not uploads and not upload_tokens:
        raise ValidationError({"body": _("Write a comment or attach a file.")})
    account = ticket.account
    attachment_rules.validate_uploads(
        account=account, files=uploads, already_uploaded=len(set(upload_tokens))
    )
    original = body
    body, truncated = truncate_body(body)
    if truncated:
        html_body = ""  # the rich version would no longer match the cut text
    # Issue 28: the requester side's comments carry their sentiment, and the ticket
    # the latest one's (in memory too: the triggers of this change set read it).
    if sentiment is None:
        sentiment = comment_sentiment(author=author, account=account, text=body)
    comment = Comment.objects.create(
        account_id=ticket.account_id,
        ticket=ticket,
        author=author,
        body=body,
        html_body=html_body,
        public=public,
        channel=channel,
        sentiment=sentiment,
    )
    if sentiment and ticket.pk and ticket.sentiment != sentiment:
        Ticket.objects.for_account(account).filter(pk=ticket.pk).update(sentiment=sentiment)
        ticket.sentiment = sentiment
    for upload in uploads:
        store_upload(account_id=ticket.account_id, comment=comment, uploader=author, upload=upload)
    if upload_tokens:
        claimed = (
            Attachment.objects.for_account(account)
            .filter(token__in=list(upload_tokens), comment__isnull=True, uploader=author)
            .update(comment=comment)
        )
        if claimed != len(set(upload_tokens)):
            raise ValidationError({"uploads": _("Unknown or already used upload token.")})
    if truncated:
        # Nothing is lost: the full text travels with the comment.
        Attachment(
            account_id=ticket.account_id,
            comment=comment,
            uploader=author,
            filename="original-comment.txt",
            content_type="text/plain",
            size=len(original.encode()),
        ).file.save("original-comment.txt", ContentFile(original.encode()), save=True)
    if not (uploads or upload_tokens or truncated):
        # Nothing attached, and a comment's files never change after this: whoever
        # answers with the new comment (the API's audit) need not ask the database.
        comment._prefetched_objects_cache = {  # type: ignore[attr-defined]  # Django's cache
            "attachments": Attachment.objects.for_account(account).none()
        }
    return comment


def touch(ticket: Ticket, *, activity: bool) -> None:
    now = timezone.now()
    ticket.updated_at = now
    if activity:
        ticket.last_activity_at = now


def apply_fields(
    ticket: Ticket, actor: User | None, channel: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """Set fields on the ticket (not saved), recording an event per real change."""
    unknown = set(fields) - set(TRACKED_FIELDS)
    if unknown:
        raise ValueError(f"not ticket fields: {sorted(unknown)}")
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"])
    if "requester" in fields and "organization" not in fields:
        fields["organization"] = fields["requester"].organization if fields["requester"] else None
    if "status" in fields or "custom_status" in fields:
        status_fields(ticket, fields)
        check_may_set_status(actor, ticket, fields["status"])
    if fields:
        require_permission(actor, "edit_tickets")
    changes = {}
    for name, new in fields.items():
        if name == "custom_status" and ticket.custom_status_id == new.pk:
            continue  # equal: no need to read the current one
        old = getattr(ticket, name)
        if old == new:
            continue
        setattr(ticket, name, new)
        changes[name] = (old, new)
        if name == "custom_status" and (old is None or old.is_default) and new.is_default:
            continue  # the status's own line says it all (Open → Pending)
        record_event(
            ticket,
            actor,
            channel,
            TicketEvent.Kind.CHANGE,
            field=name,
            old=event_value(old),
            new=event_value(new),
        )
    if "status" in changes:
        # When it was solved: kept through Solved → Closed, so a closed ticket's solve
        # day is the one the reports count (reports.metrics: the last move into Solved).
        if not ticket.is_solved:
            ticket.solved_at = None
        elif changes["status"][0] not in Ticket.SOLVED_OR_CLOSED or ticket.solved_at is None:
            ticket.solved_at = timezone.now()
        ticket.status_changed_at = timezone.now()
    if changes and actor is not None and actor.pk == ticket.assignee_id:
        ticket.assignee_updated_at = timezone.now()
    return changes


def status_fields(ticket: Ticket, fields: dict[str, Any]) -> None:
    """``status`` and ``custom_status`` in ``fields`` made consistent (status_pair)."""
    status, custom_status = status_pair(
        Account(pk=ticket.account_id),
        status=fields.get("status"),
        custom_status=fields.get("custom_status"),
        ticket=ticket,
    )
    fields["status"] = status
    if custom_status is None:
        fields.pop("custom_status", None)
    else:
        fields["custom_status"] = custom_status


def event_value(value: object) -> object:
    # Foreign keys are recorded by their display name: the history reads as prose.
    if hasattr(value, "_meta"):
        return getattr(value, "name", str(value))
    return value


def cc_add(ticket: Ticket, user: User, actor: User | None, channel: str) -> bool:
    check_same_account(ticket.account, cc=user)
    _, created = TicketCC.objects.get_or_create(
        account_id=ticket.account_id, ticket=ticket, user=user
    )
    if created:
        record_event(ticket, actor, channel, TicketEvent.Kind.CHANGE, field="ccs", new=user.name)
    return created
