"""Support access (seed 004, "accesso proxy al supporto"): the one rule of whose eyes a
ticket's comment bodies are withheld from. The requester grants or revokes it per ticket
(tickets.services.support_access); while it is revoked, agents other than the assignee
see the ticket's fields but not its comments' bodies. Every reader of comments for an
agent (the ticket page's conversation and Activity, the API's comments, audits and
descriptions, searches, views' previews, exports and emails to agents) goes through
tickets.selectors, which asks here: nowhere else decides it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from tickets.models import Comment, Ticket

WITHHELD_BODY = ""


def bodies_withheld(*, ticket: Ticket, viewer: User | None) -> bool:
    """Whether ``viewer`` may not read this ticket's comments' bodies: an agent who is
    not the assignee, on a ticket whose requester revoked support access."""
    return withheld_from(
        support_access=ticket.support_access, assignee_id=ticket.assignee_id, viewer=viewer
    )


def withheld_from(*, support_access: bool, assignee_id: int | None, viewer: User | None) -> bool:
    """bodies_withheld of a ticket read as values (the list's rows, issue 17)."""
    return (
        viewer is not None and viewer.is_agent and not support_access and assignee_id != viewer.pk
    )


def withheld_ticket_ids(*, viewer: User) -> QuerySet[Ticket, Any]:
    """The ids of the viewer's account's tickets whose bodies the viewer may not read (a
    subquery over the few revoked ones: the partial index ticket_support_access_off);
    none for an end user."""
    qs = Ticket.objects.for_account(viewer.account).filter(support_access=False)
    if not viewer.is_agent:
        return qs.none().values("pk")
    return qs.exclude(assignee_id=viewer.pk).values("pk")


def readable_tickets_q(*, viewer: User, prefix: str = "") -> Q:
    """A Q on Ticket rows (or on a relation to them, ``prefix`` like "ticket__") that is
    true where the viewer may read the comments' bodies."""
    if not viewer.is_agent:
        return Q(**{f"{prefix}pk__isnull": False})  # always (an empty Q fits no When())
    return Q(**{f"{prefix}support_access": True}) | Q(**{f"{prefix}assignee_id": viewer.pk})


def readable_comments(qs: QuerySet, *, viewer: User, path: str = "ticket_id") -> QuerySet:
    """``qs`` (comments, or rows reaching them by ``path``, the ticket id's lookup)
    without those on tickets whose bodies the viewer may not read."""
    if not viewer.is_agent:
        return qs
    return qs.exclude(**{f"{path}__in": withheld_ticket_ids(viewer=viewer)})


def blank_bodies(comments: list[Comment]) -> list[Comment]:
    """Comments already read, their bodies left out (in memory only): for a page that
    shows that a comment was added (the Activity) but not what it said, nor its tone
    (the sentiment marker is read from the words)."""
    for comment in comments:
        comment.body = comment.html_body = WITHHELD_BODY
        comment.sentiment = ""
    return comments
