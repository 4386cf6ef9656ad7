"""Historical tickets brought in from another helpdesk (Zendesk's Ticket Import): each
keeps its own times (created, updated, solved) and its comments their authors and times.

What happened back then is recorded, not replayed: no change set is sent, so no trigger
runs, no SLA starts, no email or webhook goes out (no outbox row), no mention notifies
anyone. The history shows one Created event and one event per comment, at their times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, AgentGroup, User
from tickets.models import Channel, Comment, Ticket, TicketEvent
from tickets.services.common import (
    check_assignment,
    check_same_account,
    clean_new_ticket,
    comment_create,
    event_for,
    normalise_tags,
)
from tickets.services.field_values import initial_values
from tickets.services.status_rules import status_pair
from tickets.text import clean_subject

SOLVED = (Ticket.Status.SOLVED, Ticket.Status.CLOSED)


@dataclass
class ImportedComment:
    author: User
    body: str = ""
    html_body: str = ""
    public: bool = True
    created_at: dt.datetime | None = None
    upload_tokens: Sequence[str] = field(default_factory=tuple)


@transaction.atomic
def ticket_import(
    *,
    account: Account,
    requester: User,
    subject: str,
    comments: Sequence[ImportedComment],
    submitter: User | None = None,
    assignee: User | None = None,
    group: AgentGroup | None = None,
    status: str = Ticket.Status.NEW,
    type: str = "",
    priority: str = "",
    tags: Iterable[str] | str = (),
    due_at: dt.datetime | None = None,
    created_at: dt.datetime | None = None,
    updated_at: dt.datetime | None = None,
    solved_at: dt.datetime | None = None,
    custom_fields: dict | None = None,
) -> Ticket:
    """One ticket and its comments, in their order (the first is the description).
    Times not given: a comment's is the ticket's creation, the creation is the first
    comment's (else now), the update is now (so incremental exports list the ticket)."""
    submitter = submitter or requester
    authors = [c.author for c in comments]
    check_same_account(account, requester=requester, submitter=submitter)
    for author in authors:
        check_same_account(account, author=author)
    check_assignment(account, assignee, group)
    if not comments:
        raise ValidationError({"comments": _("An imported ticket needs at least one comment.")})
    subject = clean_subject(subject)
    if not subject:
        raise ValidationError({"subject": _("A ticket needs a subject.")})
    now = timezone.now()
    created_at = created_at or comments[0].created_at or now
    times = [c.created_at or created_at for c in comments]
    if any(t > now for t in [created_at, *times]) or (solved_at and solved_at > now):
        raise ValidationError({"created_at": _("Imported times cannot be in the future.")})
    status, custom_status = status_pair(account, status=status or Ticket.Status.NEW)
    if status in SOLVED and solved_at is None:
        solved_at = max(times)
    last = max([*times, solved_at or created_at])
    updated_at = updated_at or now
    ticket = Ticket(
        account=account,
        subject=subject[:255],
        requester=requester,
        submitter=submitter,
        assignee=assignee,
        group=group,
        organization=requester.organization,
        status=status,
        custom_status=custom_status,
        type=type,
        priority=priority,
        tags=normalise_tags(tags),
        due_at=due_at,
        channel=Channel.API,
        is_public=True,
        created_at=created_at,
        updated_at=max(updated_at, last),
        last_activity_at=last,
        solved_at=solved_at if status in SOLVED else None,
        status_changed_at=solved_at if status in SOLVED else created_at,
        custom_fields=initial_values(account, submitter, Channel.API, custom_fields or {}),
    )
    clean_new_ticket(ticket)
    ticket.save()
    events = [
        _at(
            event_for(ticket, submitter, Channel.API, TicketEvent.Kind.CREATED, new="public"),
            created_at,
        )
    ]
    for item, when in zip(comments, times, strict=True):
        comment = comment_create(
            ticket=ticket,
            author=item.author,
            body=item.body,
            html_body=item.html_body,
            public=item.public,
            channel=Channel.API,
            uploads=(),
            upload_tokens=item.upload_tokens,
        )
        Comment.objects.for_account(account).filter(pk=comment.pk).update(created_at=when)
        events.append(
            _at(
                event_for(
                    ticket, item.author, Channel.API, TicketEvent.Kind.COMMENT, comment=comment
                ),
                when,
            )
        )
    TicketEvent.objects.bulk_create(events)
    return ticket


def _at(event: TicketEvent, when: dt.datetime) -> TicketEvent:
    event.created_at = when
    return event
