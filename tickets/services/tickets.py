"""Agents' and the API's ticket actions: create, comment, update, make private, bulk
update, delete. Every rule about a ticket's visibility and status lives here once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry
from accounts.memberships import organization_for_request
from accounts.models import Account, AgentGroup, User
from accounts.roles import permissions_of
from accounts.selectors import default_group_of
from tickets.events import TicketChange, tickets_deleting
from tickets.models import Channel, Comment, CustomStatus, DeletedTicket, Ticket, TicketEvent
from tickets.services.activity import activity_after_comment
from tickets.services.closing_rule import check_close_explained
from tickets.services.common import (
    DELIBERATE_CHANNELS,
    NotAllowed,
    apply_fields,
    cc_add,
    check_assignment,
    check_may_set_status,
    check_same_account,
    clean_new_ticket,
    comment_create,
    comment_sentiment,
    event_for,
    mentioned_agents,
    normalise_tags,
    record_event,
    require_permission,
    status_fields,
    touch,
)
from tickets.services.conflicts import TicketConflict, ticket_check_fresh
from tickets.services.field_values import (
    apply_custom_fields,
    check_required_to_solve,
    form_for_new_ticket,
    initial_values,
)
from tickets.services.status_rules import status_pair
from tickets.text import clean_subject, html_to_text


@transaction.atomic
def ticket_open(
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
    custom_status: CustomStatus | None = None,
    type: str = "",
    priority: str = "",
    group: AgentGroup | None = None,
    assignee: User | None = None,
    tags: Iterable[str] | str = (),
    due_at: dt.datetime | None = None,
    ccs: Iterable[User] = (),
    uploads: Sequence[UploadedFile] = (),
    upload_tokens: Sequence[str] = (),
    custom_fields: dict | None = None,
    ticket_form: int | None = None,
    organization_number: int | None = None,
) -> TicketChange:
    """Open a ticket, its first comment being the description; the change set it sent
    (the ticket, as the triggers left it, and that comment), for callers that answer with
    them (the API).

    Rules: an empty requester means the submitter; a ticket is private only when the
    account allows private creation, an agent creates it with an internal note, and it
    did not arrive by email. End users always open public tickets for themselves.
    """
    check_same_account(account, submitter=submitter, requester=requester)
    if submitter.is_end_user:
        requester, public, assignee, group = submitter, True, None, None
        status, type, priority, tags, due_at = Ticket.Status.NEW, "", "", (), None
        custom_status = None
    requester = requester or submitter
    if assignee is not None and group is None:
        group = default_group_of(assignee)
    check_assignment(account, assignee, group)
    form = form_for_new_ticket(account, submitter, channel, ticket_form)
    values = initial_values(account, submitter, channel, custom_fields or {}, form)
    subject = clean_subject(subject)
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
    status, custom_status = status_pair(account, status=status, custom_status=custom_status)
    check_may_set_status(submitter, Ticket(status=Ticket.Status.NEW), status)
    if public and channel in DELIBERATE_CHANNELS:
        require_permission(submitter, "public_replies")
    if status == Ticket.Status.NEW and assignee is not None:
        status, custom_status = status_pair(account, status=Ticket.Status.OPEN)
    now = timezone.now()
    ticket = Ticket(
        account=account,
        subject=subject,
        requester=requester,
        submitter=submitter,
        assignee=assignee,
        group=group,
        # The one picked among the requester's organizations, else their default.
        organization=organization_for_request(requester=requester, number=organization_number),
        status=status,
        custom_status=custom_status,
        type=type,
        priority=priority,
        tags=normalise_tags(tags),
        due_at=due_at,
        channel=channel,
        is_public=not private,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
        solved_at=now if status in Ticket.SOLVED_OR_CLOSED else None,
        status_changed_at=now,
        requester_updated_at=now if submitter.pk == requester.pk else None,
        custom_fields=values,
        ticket_form_number=form.number if form is not None else None,
        # Saved with the ticket: comment_create then finds it already right (no UPDATE).
        sentiment=comment_sentiment(
            author=submitter, account=account, text=body or html_to_text(html_body)
        ),
    )
    activity_after_comment(ticket=ticket, author=submitter, public=public and not private)
    clean_new_ticket(ticket)
    ticket.save()
    created = event_for(
        ticket, submitter, channel, TicketEvent.Kind.CREATED, new="private" if private else "public"
    )
    comment = comment_create(
        ticket=ticket,
        author=submitter,
        body=body,
        html_body=html_body,
        public=public and not private,
        channel=channel,
        uploads=uploads,
        upload_tokens=upload_tokens,
        sentiment=ticket.sentiment,  # scored once, above
    )
    # Both events in one INSERT, in the order they happened (ids), at the ticket's own
    # time: they are its creation, and the version a page loads (updated_at) must not
    # see them as changes made after it (tickets.services.conflicts).
    commented = event_for(ticket, submitter, channel, TicketEvent.Kind.COMMENT, comment=comment)
    created.created_at = commented.created_at = now
    TicketEvent.objects.bulk_create([created, commented])
    for user in ccs:
        cc_add(ticket, user, submitter, channel)
    change = TicketChange(
        ticket=ticket,
        actor=submitter,
        channel=channel,
        created=True,
        comment=comment,
        mentioned=mentioned_agents(account, comment.body) if not comment.public else [],
    )
    change.send()
    return change


def ticket_create(*, account: Account, submitter: User, subject: str, **fields: Any) -> Ticket:
    """ticket_open (the same arguments and rules) for callers that need only the ticket."""
    return ticket_open(account=account, submitter=submitter, subject=subject, **fields).ticket


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
    custom_status: CustomStatus | None = None,
) -> Comment:
    """Add a public reply or an internal note, optionally changing the status.

    Rules: end users only write public replies, never change the status (rule 10: a
    reply alone changes no status) and cannot reply to a Closed ticket; while a
    ticket is private every comment is an internal note, except an agent's deliberate
    public reply (web or API), which makes the ticket public for good.
    """
    check_same_account(ticket.account, author=author)
    ticket = Ticket.objects.for_account(ticket.account).select_for_update().get(pk=ticket.pk)
    if ticket.status == Ticket.Status.CLOSED:
        # Closed is final, for everyone: follow-ups go in a new ticket.
        if author.is_end_user:
            raise NotAllowed(_("This request is closed. Submit a new request instead."))
        raise NotAllowed(_("This ticket is closed: it takes no more comments."))
    if author.is_end_user and channel == Channel.PORTAL and not ticket.takes_help_center_replies:
        raise NotAllowed(_("This request is closed. Submit a new request instead."))
    if author.is_end_user:
        public, status, custom_status = True, None, None
    elif public and not permissions_of(author).public_replies:
        if channel in DELIBERATE_CHANNELS:
            require_permission(author, "public_replies")
        public = False  # a light agent's emailed reply is an internal note
    became_public = False
    if ticket.is_private:
        if public and author.is_agent and channel in DELIBERATE_CHANNELS:
            ticket.is_public = became_public = True
        else:
            public = False
    comment = comment_create(
        ticket=ticket,
        author=author,
        body=body,
        html_body=html_body,
        public=public,
        channel=channel,
        uploads=uploads,
        upload_tokens=upload_tokens,
    )
    activity_after_comment(ticket=ticket, author=author, public=comment.public)
    change = TicketChange(
        ticket=ticket, actor=author, channel=channel, comment=comment, became_public=became_public
    )
    if became_public:
        record_event(
            ticket,
            author,
            channel,
            TicketEvent.Kind.MADE_PUBLIC,
            field="is_public",
            old="private",
            new="public",
        )
        change.changes["is_public"] = (False, True)
    record_event(ticket, author, channel, TicketEvent.Kind.COMMENT, comment=comment)
    if custom_status is not None and custom_status.pk != ticket.custom_status_id:
        change.changes.update(
            apply_fields(ticket, author, channel, {"custom_status": custom_status})
        )
    elif status and status != ticket.status:
        change.changes.update(apply_fields(ticket, author, channel, {"status": status}))
    check_required_to_solve(ticket, author, change.changes)
    check_close_explained(ticket, author, change.changes)
    if author.is_end_user and ticket.snoozed_until is not None:
        # The requester wrote: a snoozed ticket wakes up now rather than at its time.
        change.changes.update(apply_fields(ticket, None, Channel.SYSTEM, {"snoozed_until": None}))
    _mark_reply_times(ticket, author)
    touch(ticket, activity=True)
    ticket.save()
    if not comment.public:
        change.mentioned = mentioned_agents(ticket.account, comment.body)
    change.send()
    return comment


def _mark_reply_times(ticket: Ticket, author: User) -> None:
    """What "hours since the requester's last reply / the assignee's last update" count
    from (time-based automations)."""
    if author.pk == ticket.requester_id:
        ticket.requester_updated_at = timezone.now()
    if author.pk == ticket.assignee_id:
        ticket.assignee_updated_at = timezone.now()


@transaction.atomic
def ticket_update(
    *, ticket: Ticket, actor: User | None, channel: str = Channel.WEB, **fields: Any
) -> TicketChange:
    """Agents change a ticket's fields (sidebar, bulk update, API). ``actor=None`` is
    the system itself (trigger actions), allowed on the system channel only."""
    if (actor is None and channel != Channel.SYSTEM) or (actor is not None and not actor.is_agent):
        raise NotAllowed(_("Only agents can change ticket fields."))
    if fields:
        require_permission(actor, "edit_tickets")
    account = ticket.account
    ticket = Ticket.objects.for_account(account).select_for_update().get(pk=ticket.pk)
    assignee = fields.get("assignee", ticket.assignee)
    group = fields.get("group", ticket.group)
    new_assignee = fields.get("assignee")
    if new_assignee is not None and group is None and "group" not in fields:
        group = fields["group"] = default_group_of(new_assignee)
    if "assignee" in fields or "group" in fields:
        check_assignment(account, assignee, group)
    check_same_account(account, requester=fields.get("requester"))
    if "requester" in fields and fields["requester"] is None:
        raise ValidationError({"requester": _("A ticket needs a requester.")})
    if "subject" in fields:
        fields["subject"] = clean_subject(fields["subject"])
        if not fields["subject"]:
            raise ValidationError({"subject": _("A ticket needs a subject.")})
    if "status" in fields or "custom_status" in fields:
        status_fields(ticket, fields)
    if fields.get("status") == Ticket.Status.NEW and ticket.status != Ticket.Status.NEW:
        raise NotAllowed(_("A ticket cannot go back to New."))
    if ticket.status == Ticket.Status.CLOSED and fields:
        raise NotAllowed(_("Closed tickets cannot be changed."))
    if assignee is not None and fields.get("status", ticket.status) == Ticket.Status.NEW:
        fields["status"] = Ticket.Status.OPEN
        fields.pop("custom_status", None)  # the New one it named: Open's default instead
    raw_values = fields.pop("custom_fields", None)
    form_number = fields.pop("ticket_form", None)
    changes = (
        apply_custom_fields(ticket, actor, channel, raw_values or {}, form_number=form_number)
        if raw_values or form_number is not None
        else {}
    )
    changes |= apply_fields(ticket, actor, channel, fields)
    check_required_to_solve(ticket, actor, changes)
    check_close_explained(ticket, actor, changes)
    change = TicketChange(ticket=ticket, actor=actor, channel=channel, changes=changes)
    if changes:
        touch(ticket, activity=False)
        ticket.save()
        change.send()
    return change


@transaction.atomic
def ticket_make_private(*, ticket: Ticket, actor: User) -> Ticket:
    """Rule 7: a public ticket whose only public comment is its first becomes private by
    turning that reply into an internal note, which can never be made public again."""
    if not actor.is_agent:
        raise NotAllowed(_("Only agents can make a ticket private."))
    require_permission(actor, "make_private")
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
    touch(ticket, activity=False)
    ticket.save()
    record_event(
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


def can_be_made_private(ticket: Ticket, public_flags: Sequence[bool] | None = None) -> bool:
    """For the page: does rule 7 allow "Make private" here? (The service decides again.)
    ``public_flags``: every comment's public flag in conversation order, when the page
    has read them all already (its conversation); otherwise one query reads them."""
    if ticket.is_private:
        return False
    # The only public comment must be the first one.
    flags = (
        list(ticket.comments.order_by("created_at", "id").values_list("public", flat=True))
        if public_flags is None
        else list(public_flags)
    )
    return bool(flags) and flags[0] and sum(flags) == 1


@transaction.atomic
def tickets_bulk_update(
    *,
    account: Account,
    actor: User,
    tickets: Iterable[Ticket],
    add_tags: Iterable[str] | str = (),
    channel: str = Channel.WEB,
    stamps: Mapping[int, dt.datetime | None] | None = None,
    conflicts: list[TicketConflict] | None = None,
    **fields: Any,
) -> list[TicketChange]:
    """The list's bulk update: the same service per ticket, each change in its history.
    Either every ticket takes the change or none does. ``add_tags`` adds tags to each
    ticket's own (the other fields are set to the same value on every ticket).

    ``stamps``: ticket number → the version the list showed. A ticket changed since is
    left as it is and its conflict appended to ``conflicts`` (a colleague's change is
    never silently overwritten); without ``conflicts`` it is raised."""
    added = normalise_tags(add_tags).split()
    changes = []
    for t in tickets:
        if t.account_id != account.pk:
            continue
        if stamps is not None:
            try:
                t = ticket_check_fresh(ticket=t, updated_stamp=stamps.get(t.number))
            except TicketConflict as conflict:
                if conflicts is None:
                    raise
                conflicts.append(conflict)
                continue
        per_ticket = dict(fields)
        if added:
            per_ticket["tags"] = normalise_tags(t.tag_list + added)
        changes.append(ticket_update(ticket=t, actor=actor, channel=channel, **per_ticket))
    return changes


def tickets_delete_recorded(tickets: QuerySet[Ticket]) -> int:
    """Delete the tickets, leaving for each a DeletedTicket row, so the incremental
    exports (cursor and time-based) report the deletion with status "deleted" and a sync
    tool removes its copy: an agent's delete and the retention pass alike. Call it inside
    the transaction that deletes."""
    rows = list(
        tickets.values_list(
            "account_id", "pk", "number", "subject", "requester__number", "created_at"
        )
    )
    DeletedTicket.objects.bulk_create(
        DeletedTicket(
            account_id=account_id,
            id=pk,
            number=number,
            subject=subject,
            requester_number=requester,
            created_at=created,
        )
        for account_id, pk, number, subject, requester, created in rows
    )
    if rows:
        tickets_deleting.send(
            sender=Ticket, account_id=rows[0][0], ticket_ids=[row[1] for row in rows]
        )
    tickets.filter(pk__in=[row[1] for row in rows]).delete()
    return len(rows)


@transaction.atomic
def ticket_delete(*, ticket: Ticket, actor: User) -> None:
    """Agents of the ticket's account delete it (Zendesk's default agent role may), with
    its comments, history, CCs and attachments."""
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents can delete tickets."))
    require_permission(actor, "delete_tickets")
    with transaction.atomic():
        tickets_delete_recorded(Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk))
        audit_record(
            account=ticket.account,
            actor=actor,
            action=AuditEntry.Action.TICKET_DELETED,
            target=f"#{ticket.number} {ticket.subject}",
        )


def tickets_with_tag(qs: QuerySet[Ticket], tag: str) -> QuerySet[Ticket]:
    """Filter a ticket queryset by one tag (tags are stored space-separated)."""
    tag = tag.strip().lower()
    return qs.filter(
        Q(tags=tag)
        | Q(tags__startswith=tag + " ")
        | Q(tags__endswith=" " + tag)
        | Q(tags__contains=f" {tag} ")
    )
