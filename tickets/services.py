"""Ticket state changes. One function per use case; the agent UI, the help center, the
API and inbound email all call these, so every rule about tickets lives here once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, AgentGroup, User
from tickets import attachments as attachment_rules
from tickets.events import TicketChange
from tickets.models import Attachment, Channel, Comment, Ticket, TicketCC, TicketEvent
from tickets.text import (
    clean_html,
    html_to_text,
    mention_handles,
    normalise_newlines,
    truncate_body,
)


class NotAllowed(ValidationError):
    """A rule refuses the action; the message is meant for the person who tried."""


# Channels through which an agent can deliberately choose "Public reply". A private
# ticket turns public only through these (rule 6); mail and phone logs stay internal.
DELIBERATE_CHANNELS = (Channel.WEB, Channel.API)
TRACKED_FIELDS = (
    "subject",
    "status",
    "type",
    "priority",
    "assignee",
    "group",
    "requester",
    "organization",
    "tags",
    "due_at",
)


def normalise_tags(tags: Iterable[str] | str) -> str:
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    return " ".join(sorted({t.strip().lower()[:60] for t in tags if t.strip()}))


def _check_same_account(account: Account, **objects) -> None:
    for name, obj in objects.items():
        if obj is not None and obj.account_id != account.pk:
            raise ValidationError({name: _("Unknown %(field)s.") % {"field": name}})


def _check_assignment(account: Account, assignee: User | None, group: AgentGroup | None):
    _check_same_account(account, assignee=assignee, group=group)
    if assignee is not None and not assignee.is_agent:
        raise ValidationError({"assignee": _("Only agents can be assigned tickets.")})
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


def _record(
    ticket: Ticket,
    actor: User | None,
    channel: str,
    kind: str,
    *,
    field: str = "",
    old: object = "",
    new: object = "",
    comment: Comment | None = None,
) -> None:
    TicketEvent.objects.create(
        account_id=ticket.account_id,
        ticket=ticket,
        actor=actor,
        channel=channel,
        kind=kind,
        field=field,
        old_value=_display(old),
        new_value=_display(new),
        comment=comment,
    )


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _store_upload(*, ticket: Ticket, comment: Comment, uploader: User, upload) -> Attachment:
    name = attachment_rules.safe_filename(upload.name)
    attachment = Attachment(
        account_id=ticket.account_id,
        comment=comment,
        uploader=uploader,
        filename=name,
        size=upload.size,
        content_type=attachment_rules.content_type_for(name),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def _mentioned_agents(account: Account, body: str) -> list[User]:
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


@transaction.atomic
def _comment_create(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    html_body: str,
    public: bool,
    channel: str,
    uploads: Sequence[UploadedFile],
    upload_tokens: Sequence[str] = (),
) -> Comment:
    """Store a comment with the body limit and the attachment rules applied."""
    if html_body:
        html_body = clean_html(html_body)
        body = html_to_text(html_body)
    body = normalise_newlines(body).strip()
    if not body and not uploads and not upload_tokens:
        raise ValidationError({"body": _("Write a comment or attach a file.")})
    account = ticket.account
    attachment_rules.validate_uploads(account=account, files=uploads)
    original = body
    body, truncated = truncate_body(body)
    if truncated:
        html_body = ""  # the rich version would no longer match the cut text
    comment = Comment.objects.create(
        account_id=ticket.account_id,
        ticket=ticket,
        author=author,
        body=body,
        html_body=html_body,
        public=public,
        channel=channel,
    )
    for upload in uploads:
        _store_upload(ticket=ticket, comment=comment, uploader=author, upload=upload)
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
    return comment


def _touch(ticket: Ticket, *, activity: bool) -> None:
    now = timezone.now()
    ticket.updated_at = now
    if activity:
        ticket.last_activity_at = now


@transaction.atomic
def ticket_create(
    *,
    account: Account,
    submitter: User,
    subject: str,
    body: str = "",
    html_body: str = "",
    public: bool = True,
    requester: User | None = None,
    channel: str = Channel.WEB,
    status: str = Ticket.Status.NEW,
    type: str = "",
    priority: str = "",
    group: AgentGroup | None = None,
    assignee: User | None = None,
    tags: Iterable[str] | str = (),
    due_at: dt.datetime | None = None,
    ccs: Iterable[User] = (),
    uploads: Sequence[UploadedFile] = (),
    upload_tokens: Sequence[str] = (),
) -> Ticket:
    """Open a ticket, its first comment being the description.

    Rules: an empty requester means the submitter; a ticket is private only when the
    account allows private creation, an agent creates it with an internal note, and it
    did not arrive by email. End users always open public tickets for themselves.
    """
    _check_same_account(account, submitter=submitter, requester=requester)
    if submitter.is_end_user:
        requester, public, assignee, group = submitter, True, None, None
        status, type, priority, tags, due_at = Ticket.Status.NEW, "", "", (), None
    requester = requester or submitter
    _check_assignment(account, assignee, group)
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": _("A ticket needs a subject.")})
    if len(subject) > 255:
        raise ValidationError({"subject": _("Keep the subject under 255 characters.")})
    private = (
        not public
        and account.private_tickets_enabled
        and submitter.is_agent
        and channel != Channel.EMAIL
    )
    if status == Ticket.Status.NEW and assignee is not None:
        status = Ticket.Status.OPEN
    now = timezone.now()
    ticket = Ticket(
        account=account,
        subject=subject,
        requester=requester,
        submitter=submitter,
        assignee=assignee,
        group=group,
        organization=requester.organization,
        status=status,
        type=type,
        priority=priority,
        tags=normalise_tags(tags),
        due_at=due_at,
        channel=channel,
        is_public=not private,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
        solved_at=now if status == Ticket.Status.SOLVED else None,
    )
    ticket.full_clean(exclude=["number", "reply_token", "requester", "submitter"])
    ticket.save()
    _record(
        ticket, submitter, channel, TicketEvent.Kind.CREATED, new="private" if private else "public"
    )
    comment = _comment_create(
        ticket=ticket,
        author=submitter,
        body=body,
        html_body=html_body,
        public=public and not private,
        channel=channel,
        uploads=uploads,
        upload_tokens=upload_tokens,
    )
    _record(ticket, submitter, channel, TicketEvent.Kind.COMMENT, comment=comment)
    for user in ccs:
        _cc_add(ticket, user, submitter, channel)
    TicketChange(
        ticket=ticket,
        actor=submitter,
        channel=channel,
        created=True,
        comment=comment,
        mentioned=_mentioned_agents(account, comment.body) if not comment.public else [],
    ).send()
    return ticket


@transaction.atomic
def comment_add(
    *,
    ticket: Ticket,
    author: User,
    body: str = "",
    html_body: str = "",
    public: bool = True,
    channel: str = Channel.WEB,
    uploads: Sequence[UploadedFile] = (),
    upload_tokens: Sequence[str] = (),
    status: str | None = None,
) -> Comment:
    """Add a public reply or an internal note, optionally changing the status.

    Rules: end users only write public replies and never change the status; while a
    ticket is private every comment is an internal note, except an agent's deliberate
    public reply (web or API), which makes the ticket public for good.
    """
    _check_same_account(ticket.account, author=author)
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if author.is_end_user:
        public, status = True, None
        if ticket.status == Ticket.Status.CLOSED:
            raise NotAllowed(_("This request is closed. Submit a new request instead."))
    became_public = False
    if ticket.is_private:
        if public and author.is_agent and channel in DELIBERATE_CHANNELS:
            ticket.is_public = became_public = True
        else:
            public = False
    comment = _comment_create(
        ticket=ticket,
        author=author,
        body=body,
        html_body=html_body,
        public=public,
        channel=channel,
        uploads=uploads,
        upload_tokens=upload_tokens,
    )
    change = TicketChange(
        ticket=ticket, actor=author, channel=channel, comment=comment, became_public=became_public
    )
    if became_public:
        _record(
            ticket,
            author,
            channel,
            TicketEvent.Kind.MADE_PUBLIC,
            field="is_public",
            old="private",
            new="public",
        )
        change.changes["is_public"] = (False, True)
    _record(ticket, author, channel, TicketEvent.Kind.COMMENT, comment=comment)
    if status and status != ticket.status:
        change.changes.update(_apply_fields(ticket, author, channel, {"status": status}))
    _touch(ticket, activity=True)
    ticket.save()
    if not comment.public:
        change.mentioned = _mentioned_agents(ticket.account, comment.body)
    change.send()
    return comment


def _apply_fields(ticket: Ticket, actor: User, channel: str, fields: dict) -> dict:
    """Set fields on the ticket (not saved), recording an event per real change."""
    unknown = set(fields) - set(TRACKED_FIELDS)
    if unknown:
        raise ValueError(f"not ticket fields: {sorted(unknown)}")
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"])
    if "requester" in fields and "organization" not in fields:
        fields["organization"] = fields["requester"].organization if fields["requester"] else None
    if "status" in fields and fields["status"] not in Ticket.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    changes = {}
    for name, new in fields.items():
        old = getattr(ticket, name)
        if old == new:
            continue
        setattr(ticket, name, new)
        changes[name] = (old, new)
        _record(
            ticket,
            actor,
            channel,
            TicketEvent.Kind.CHANGE,
            field=name,
            old=_event_value(old),
            new=_event_value(new),
        )
    if "status" in changes:
        ticket.solved_at = (
            timezone.now()
            if ticket.status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED)
            else None
        )
    return changes


def _event_value(value: object) -> object:
    # Foreign keys are recorded by their display name: the history reads as prose.
    if hasattr(value, "_meta"):
        return getattr(value, "name", str(value))
    return value


@transaction.atomic
def ticket_update(
    *, ticket: Ticket, actor: User, channel: str = Channel.WEB, **fields
) -> TicketChange:
    """Agents change a ticket's fields (sidebar, bulk update, API, triggers)."""
    if not actor.is_agent:
        raise NotAllowed(_("Only agents can change ticket fields."))
    account = ticket.account
    ticket = Ticket.objects.for_account(account).select_for_update().get(pk=ticket.pk)
    assignee = fields.get("assignee", ticket.assignee)
    group = fields.get("group", ticket.group)
    if "assignee" in fields or "group" in fields:
        _check_assignment(account, assignee, group)
    _check_same_account(account, requester=fields.get("requester"))
    if "requester" in fields and fields["requester"] is None:
        raise ValidationError({"requester": _("A ticket needs a requester.")})
    if "subject" in fields:
        fields["subject"] = " ".join((fields["subject"] or "").split())
        if not fields["subject"]:
            raise ValidationError({"subject": _("A ticket needs a subject.")})
    if fields.get("status") == Ticket.Status.NEW and ticket.status != Ticket.Status.NEW:
        raise NotAllowed(_("A ticket cannot go back to New."))
    if ticket.status == Ticket.Status.CLOSED and fields:
        raise NotAllowed(_("Closed tickets cannot be changed."))
    if assignee is not None and fields.get("status", ticket.status) == Ticket.Status.NEW:
        fields["status"] = Ticket.Status.OPEN
    changes = _apply_fields(ticket, actor, channel, fields)
    change = TicketChange(ticket=ticket, actor=actor, channel=channel, changes=changes)
    if changes:
        _touch(ticket, activity=False)
        ticket.save()
        change.send()
    return change


@transaction.atomic
def ticket_make_private(*, ticket: Ticket, actor: User) -> Ticket:
    """Rule 7: a public ticket whose only public comment is its first becomes private by
    turning that reply into an internal note, which can never be made public again."""
    if not actor.is_agent:
        raise NotAllowed(_("Only agents can make a ticket private."))
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if ticket.is_private:
        raise NotAllowed(_("This ticket is already private."))
    public_comments = list(ticket.comments.filter(public=True).order_by("created_at", "id")[:2])
    first = ticket.comments.order_by("created_at", "id").first()
    if len(public_comments) != 1 or public_comments[0] != first:
        raise NotAllowed(
            _(
                "Only a ticket whose single public comment is its first can be made "
                "private. This ticket has more public replies."
            )
        )
    first.public, first.made_internal = False, True
    first.save(update_fields=["public", "made_internal"])
    ticket.is_public = False
    _touch(ticket, activity=False)
    ticket.save()
    _record(
        ticket,
        actor,
        Channel.WEB,
        TicketEvent.Kind.MADE_PRIVATE,
        field="is_public",
        old="public",
        new="private",
    )
    TicketChange(
        ticket=ticket, actor=actor, channel=Channel.WEB, changes={"is_public": (True, False)}
    ).send()
    return ticket


def can_be_made_private(ticket: Ticket) -> bool:
    """For the page: does rule 7 allow "Make private" here? (The service decides again.)"""
    if ticket.is_private:
        return False
    first_public = [c for c in ticket.comments.all() if c.public]
    all_comments = list(ticket.comments.all())
    return len(first_public) == 1 and all_comments and first_public[0] == all_comments[0]


def _cc_add(ticket: Ticket, user: User, actor: User | None, channel: str) -> bool:
    _check_same_account(ticket.account, cc=user)
    _, created = TicketCC.objects.get_or_create(
        account_id=ticket.account_id, ticket=ticket, user=user
    )
    if created:
        _record(ticket, actor, channel, TicketEvent.Kind.CHANGE, field="ccs", new=user.name)
    return created


@transaction.atomic
def ticket_set_ccs(
    *, ticket: Ticket, actor: User, users: Iterable[User], channel: str = Channel.WEB
) -> TicketChange:
    """Replace the CC list (agents), recording who was added and removed."""
    if not actor.is_agent:
        raise NotAllowed(_("Only agents can change CCs."))
    wanted = {u.pk: u for u in users}
    current = {link.user_id: link for link in ticket.cc_links.select_related("user")}
    change = TicketChange(ticket=ticket, actor=actor, channel=channel)
    for pk, user in wanted.items():
        if pk not in current and _cc_add(ticket, user, actor, channel):
            change.changes.setdefault("ccs_added", ([], []))[1].append(pk)
    for pk, link in current.items():
        if pk not in wanted:
            _record(
                ticket, actor, channel, TicketEvent.Kind.CHANGE, field="ccs", old=link.user.name
            )
            link.delete()
            change.changes.setdefault("ccs_removed", ([], []))[0].append(pk)
    if change.changes:
        _touch(ticket, activity=False)
        ticket.save(update_fields=["updated_at"])
        change.send()
    return change


def ticket_add_ccs(
    *, ticket: Ticket, actor: User | None, users: Iterable[User], channel: str = Channel.WEB
) -> None:
    """Add CCs without removing any (reply form, inbound email)."""
    for user in users:
        if user.pk != ticket.requester_id:
            _cc_add(ticket, user, actor, channel)


@transaction.atomic
def tickets_bulk_update(
    *, account: Account, actor: User, tickets: Iterable[Ticket], **fields
) -> list[TicketChange]:
    """The list's bulk update: the same service per ticket, each change in its history.
    Either every ticket takes the change or none does."""
    return [
        ticket_update(ticket=t, actor=actor, channel=Channel.WEB, **dict(fields))
        for t in tickets
        if t.account_id == account.pk
    ]


@transaction.atomic
def request_solve_by_requester(*, ticket: Ticket, user: User) -> Ticket:
    """Help center "Close request": the requester marks their open request solved."""
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if ticket.requester_id != user.pk or ticket.is_private:
        raise NotAllowed(_("Only the requester can close this request."))
    if ticket.is_solved:
        raise NotAllowed(_("This request is already closed."))
    changes = _apply_fields(ticket, user, Channel.PORTAL, {"status": Ticket.Status.SOLVED})
    _touch(ticket, activity=True)
    ticket.save()
    TicketChange(ticket=ticket, actor=user, channel=Channel.PORTAL, changes=changes).send()
    return ticket


@transaction.atomic
def request_rate(*, ticket: Ticket, user: User, rating: str, comment: str = "") -> Ticket:
    """Leave feedback (good / bad, optional comment) on a solved request."""
    if ticket.requester_id != user.pk or ticket.is_private:
        raise NotAllowed(_("Only the requester can rate this request."))
    if not ticket.is_solved:
        raise NotAllowed(_("You can leave feedback once the request is solved."))
    if rating not in Ticket.Rating.values:
        raise ValidationError({"rating": _("Choose good or bad.")})
    ticket.satisfaction_rating = rating
    ticket.satisfaction_comment = normalise_newlines(comment).strip()[:5000]
    ticket.satisfaction_at = timezone.now()
    ticket.save(update_fields=["satisfaction_rating", "satisfaction_comment", "satisfaction_at"])
    _record(
        ticket, user, Channel.PORTAL, TicketEvent.Kind.FEEDBACK, field="satisfaction", new=rating
    )
    return ticket


def tickets_with_tag(qs, tag: str):
    """Filter a ticket queryset by one tag (tags are stored space-separated)."""
    tag = tag.strip().lower()
    return qs.filter(
        Q(tags=tag)
        | Q(tags__startswith=tag + " ")
        | Q(tags__endswith=" " + tag)
        | Q(tags__contains=f" {tag} ")
    )
