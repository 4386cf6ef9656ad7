"""Links an agent makes by hand (related, duplicate of, incident of a problem), solving a
problem with its incidents, and splitting comments off into a new ticket. Merges are in
ticketlinks.merge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ticketlinks.models import TicketLink
from ticketlinks.selectors import end_user_audience, incidents_of
from tickets.models import Channel, Comment, Ticket, TicketEvent
from tickets.services import NotAllowed, comment_add, ticket_open, ticket_update
from tickets.services.common import record_event

# How each kind reads in the two Activities: (on the linking ticket, on the other one).
EVENT_FIELDS: dict[str, tuple[str, str]] = {
    TicketLink.Kind.RELATED: ("related", "related"),
    TicketLink.Kind.DUPLICATE: ("duplicate_of", "duplicates"),
    TicketLink.Kind.INCIDENT: ("incident_of", "incidents"),
    TicketLink.Kind.SPLIT: ("split_from", "split_into"),
}


def _agent_only(actor: User, ticket: Ticket) -> None:
    if not actor.is_agent or actor.account_id != ticket.account_id:
        raise NotAllowed(_("Only agents can link tickets."))


def _record(link_kind: str, ticket: Ticket, other: Ticket, actor: User, *, added: bool) -> None:
    here, there = EVENT_FIELDS[link_kind]
    for t, name, number in ((ticket, here, other.number), (other, there, ticket.number)):
        old, new = ("", f"#{number}") if added else (f"#{number}", "")
        record_event(t, actor, Channel.WEB, TicketEvent.Kind.CHANGE, field=name, old=old, new=new)


@transaction.atomic
def ticket_link_add(*, ticket: Ticket, other: Ticket, kind: str, actor: User) -> TicketLink:
    """Link two tickets of the account. An incident has one problem, which must be of type
    Problem; linking makes the ticket an Incident. Related is one row for both ends."""
    _agent_only(actor, ticket)
    if kind not in TicketLink.MANUAL:
        raise NotAllowed(_("Unknown kind of link."))
    if other.account_id != ticket.account_id:
        raise NotAllowed(_("Unknown ticket."))
    if other.pk == ticket.pk:
        raise NotAllowed(_("A ticket cannot be linked to itself."))
    links = TicketLink.objects.for_account(ticket.account)
    if kind == TicketLink.Kind.INCIDENT:
        if other.type != Ticket.Type.PROBLEM:
            raise NotAllowed(
                _("Ticket #%(number)d is not a problem: set its type to Problem first.")
                % {"number": other.number}
            )
        if ticket.type == Ticket.Type.PROBLEM:
            raise NotAllowed(_("A problem cannot be an incident of another problem."))
        if links.filter(ticket=ticket, kind=kind).exists():
            raise NotAllowed(_("This ticket is already an incident of a problem."))
    pair = links.filter(kind=kind, ticket=ticket, other=other)
    if kind == TicketLink.Kind.RELATED:
        pair = pair | links.filter(kind=kind, ticket=other, other=ticket)
    if pair.exists():
        raise NotAllowed(_("These tickets are already linked that way."))
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(
                account_id=ticket.account_id,
                ticket=ticket,
                other=other,
                kind=kind,
                created_by=actor,
            )
    except IntegrityError as exc:  # a colleague linked the same pair a moment ago
        raise NotAllowed(_("These tickets are already linked that way.")) from exc
    if (
        kind == TicketLink.Kind.INCIDENT
        and ticket.type != Ticket.Type.INCIDENT
        and not ticket.is_closed
    ):
        ticket_update(ticket=ticket, actor=actor, type=Ticket.Type.INCIDENT)
    _record(kind, ticket, other, actor, added=True)
    return link


@transaction.atomic
def ticket_link_remove(*, ticket: Ticket, other: Ticket, kind: str, actor: User) -> None:
    """Remove a hand-made link between the two tickets, whichever end it was made from."""
    _agent_only(actor, ticket)
    if kind not in TicketLink.MANUAL:
        raise NotAllowed(_("This link records a merge or a split and stays."))
    links = TicketLink.objects.for_account(ticket.account).filter(kind=kind)
    for a, b in ((ticket, other), (other, ticket)):
        link = links.filter(ticket=a, other=b).first()
        if link is not None:
            link.delete()
            _record(kind, a, b, actor, added=False)
            return
    raise NotAllowed(_("These tickets are not linked that way."))


@dataclass
class IncidentsSolved:
    solved: list[Ticket] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


@transaction.atomic
def problem_solve_incidents(*, problem: Ticket, actor: User, body: str) -> IncidentsSolved:
    """Solve every unsolved incident of the problem, each with one reply of ``body``:
    public on a public incident, an internal note on a private one (a reply made for many
    tickets at once is nobody's deliberate choice to make a private ticket public). An
    incident that refuses is named with its reason; the others are solved."""
    _agent_only(actor, problem)
    if problem.type != Ticket.Type.PROBLEM:
        raise NotAllowed(_("Only a problem solves its incidents."))
    if not body.strip():
        raise NotAllowed(_("Write the reply the incidents' requesters will receive."))
    outcome = IncidentsSolved()
    for incident in incidents_of(problem=problem, unsolved_only=True):
        try:
            with transaction.atomic():
                comment_add(
                    ticket=incident,
                    author=actor,
                    body=body,
                    public=incident.is_public,
                    status=Ticket.Status.SOLVED,
                )
        except NotAllowed as exc:
            outcome.refused.append((incident.number, "; ".join(exc.messages)))
        else:
            outcome.solved.append(incident)
    return outcome


@transaction.atomic
def ticket_split(
    *,
    ticket: Ticket,
    comments: Sequence[Comment],
    actor: User,
    subject: str,
    requester: User | None = None,
) -> Ticket:
    """A new ticket from ``comments`` of ``ticket`` (the first is its description, the
    others follow with their times), for the same requester or another one, with a
    "split from" link back. The original keeps its conversation.

    The merge's rule holds: the copies keep their public flags only when everyone who
    sees the new ticket could see the original (the original is public and the new
    ticket's requester, with its organization's managers, is within its audience);
    otherwise they are internal notes, and the new ticket opens as private where the
    account allows private tickets."""
    _agent_only(actor, ticket)
    comments = sorted(comments, key=lambda c: (c.created_at, c.pk))
    if not comments or any(c.ticket_id != ticket.pk for c in comments):
        raise NotAllowed(_("Choose a comment of this ticket to split off."))
    requester = requester or ticket.requester
    if requester.account_id != ticket.account_id:
        raise NotAllowed(_("Unknown requester."))
    first, *later = comments
    audience = end_user_audience([ticket])[ticket.pk]
    new_audience = {requester.pk} if requester.is_end_user else set()
    if requester.organization_id:
        new_audience |= set(
            User.objects.for_account(ticket.account)
            .filter(organization_id=requester.organization_id, is_org_manager=True)
            .values_list("pk", flat=True)
        )
    keeps_flags = ticket.is_public and new_audience <= audience
    change = ticket_open(
        account=ticket.account,
        submitter=actor,
        requester=requester,
        subject=subject,
        body=first.body,
        html_body=first.html_body,
        public=first.public and keeps_flags,
        type=ticket.type,
        priority=ticket.priority,
        group=ticket.group,
        tags=ticket.tags,
    )
    new = change.ticket
    if change.comment is not None:
        # The description is the customer's words: it keeps its author and its time, so
        # the comments after it follow it in the conversation.
        Comment.objects.for_account(ticket.account).filter(pk=change.comment.pk).update(
            author_id=first.author_id, created_at=first.created_at
        )
    Comment.objects.bulk_create(
        [
            Comment(
                account_id=ticket.account_id,
                ticket=new,
                author_id=c.author_id,
                body=c.body,
                html_body=c.html_body,
                public=c.public and keeps_flags and new.is_public,
                made_internal=c.made_internal or (c.public and not (keeps_flags and new.is_public)),
                channel=c.channel,
                created_at=c.created_at,
            )
            for c in later
        ]
    )
    TicketLink.objects.create(
        account_id=ticket.account_id,
        ticket=new,
        other=ticket,
        kind=TicketLink.Kind.SPLIT,
        created_by=actor,
    )
    _record(TicketLink.Kind.SPLIT, new, ticket, actor, added=True)
    return new
