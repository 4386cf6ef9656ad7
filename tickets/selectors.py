"""Reads of tickets for a viewer. Who may see which ticket and comment is decided here,
once, for the agent UI, the help center, the API, search and emails alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, Q, QuerySet

from accounts.memberships import shared_organization_ids
from accounts.models import Account, AgentRole, GroupMembership, User
from accounts.roles import permissions_of
from tickets.models import (
    Attachment,
    Comment,
    RetentionPolicy,
    Ticket,
    TicketCC,
    TicketEvent,
)
from tickets.support_access import (
    blank_bodies,
    bodies_withheld,
    readable_comments,
)


def _involving(viewer: User) -> Q:
    """The end user's tickets: requested, CC'd on, or (organization managers) their
    organization's. The CC'd ticket ids are read first (one small query): with them as
    values rather than a join or subquery, every arm of the OR is an index (a bitmap OR),
    so even a search over a million tickets starts from the viewer's few hundred."""
    ccd = TicketCC.objects.for_account(viewer.account).filter(user=viewer)
    mine = Q(requester=viewer) | Q(pk__in=list(ccd.values_list("ticket_id", flat=True)))
    shared = shared_organization_ids(user=viewer)
    if shared:
        mine |= Q(organization_id__in=shared)
    return mine


def tickets_visible_to(*, viewer: User) -> QuerySet[Ticket]:
    """Agents see the tickets of their account their role gives them (accounts.roles:
    all; their groups' and those assigned to them; only those assigned to them). End
    users see public tickets they requested or are CC'd on, and organization managers
    their organization's public tickets. Private tickets are invisible to end users
    until they are made public."""
    qs = Ticket.objects.for_account(viewer.account)
    if viewer.is_agent:
        access = permissions_of(viewer).ticket_access
        if access == AgentRole.TicketAccess.GROUPS:
            groups = GroupMembership.objects.for_account(viewer.account).filter(user=viewer)
            return qs.filter(Q(group_id__in=groups.values("group_id")) | Q(assignee=viewer))
        if access == AgentRole.TicketAccess.ASSIGNED:
            return qs.filter(assignee=viewer)
        return qs
    return qs.filter(_involving(viewer), is_public=True)


def ticket_takes_posts_from(*, ticket: Ticket, author: User) -> bool:
    """Who may add a comment to a ticket, the one rule for every channel (help center,
    inbound email, the API): agents of the ticket's account any ticket; an end user a
    ticket they may see (tickets_visible_to: requester, CC, manager of the requester's
    organization), and a private one they are involved in likewise: they cannot see it,
    but their emailed reply still threads in, as an internal note (comment_add's rule).
    Whether the ticket still takes comments (Closed, or Solved in the help center) is
    comment_add's to decide; this is about the person."""
    if author.account_id != ticket.account_id:
        return False
    if author.is_agent or author.pk == ticket.requester_id:
        return True  # the common case, without a query
    involved = (
        Ticket.objects.for_account(ticket.account).filter(_involving(author), pk=ticket.pk).exists()
    )
    if not involved:
        return False
    return not only_through_shared_tickets(ticket=ticket, viewer=author) or bool(
        ticket.organization.shared_comments  # type: ignore[union-attr]  # shared: an organization
    )


def only_through_shared_tickets(*, ticket: Ticket, viewer: User) -> bool:
    """The end user sees this ticket only because their organization shares its tickets
    (not requester, not CC, not the organization's manager): they may comment on it only
    when it shares comments too (Organization.shared_comments)."""
    return (
        viewer.is_end_user
        and ticket.requester_id != viewer.pk
        and ticket.organization_id is not None
        and not (viewer.is_org_manager and ticket.organization_id == viewer.organization_id)
        and ticket.organization_id in shared_organization_ids(user=viewer)
        and not TicketCC.objects.for_account(ticket.account)
        .filter(ticket=ticket, user=viewer)
        .exists()
    )


def comments_visible_to(*, ticket: Ticket, viewer: User) -> QuerySet[Comment]:
    """Agents see every comment; anyone else only public replies (never internal notes).
    None for an agent the requester withheld the conversation from (support access)."""
    qs = ticket.comments.select_related("author").prefetch_related("attachments")
    if bodies_withheld(ticket=ticket, viewer=viewer):
        return qs.none()
    return qs if viewer.is_agent else qs.filter(public=True)


def conversation_rows(*, ticket: Ticket, viewer: User) -> list[dict]:
    """comments_visible_to as plain rows for the ticket page's conversation, in two
    queries: each comment's body, html_body, public, created_at, author_name and
    author_role, and its ``files`` (token, filename, size). No model instances: 60
    comments with their authors and attachments took ~5.5 ms of CPU as models, ~2 as
    rows (issue 17)."""
    rows: list[dict] = [
        dict(row)
        for row in comments_visible_to(ticket=ticket, viewer=viewer)
        .select_related(None)
        .prefetch_related(None)
        .values(
            "id",
            "body",
            "html_body",
            "public",
            "created_at",
            "sentiment",
            author_name=F("author__name"),
            author_role=F("author__role"),
        )
    ]
    files: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    if files:
        attachments = (
            Attachment.objects.filter(account_id=ticket.account_id, comment_id__in=files)
            .order_by("id")
            .values("comment_id", "token", "filename", "size")
        )
        for attachment in attachments:
            files[attachment["comment_id"]].append(dict(attachment))
    for row in rows:
        row["files"] = files[row["id"]]
    return rows


def comments_readable_by(comments: Iterable[Comment], viewer: User | None) -> list[Comment]:
    """comments_visible_to for comments already read (one read for a change's several
    recipients): agents every comment; anyone else, or a bare address (None), only public
    replies. None for an agent the requester withheld the conversation from."""
    if viewer is not None and viewer.is_agent:
        comments = list(comments)
        if comments and bodies_withheld(ticket=comments[0].ticket, viewer=viewer):
            return []
        return comments
    return [comment for comment in comments if comment.public]


def comments_visible_across_tickets(
    *, viewer: User, tickets: QuerySet[Ticket] | None = None
) -> QuerySet[Comment]:
    """comments_visible_to for every ticket the viewer may see at once (search): agents
    every comment of their account (but those support access withholds from them);
    anyone else only public replies on visible tickets. ``tickets``:
    tickets_visible_to(viewer), when the caller has it already (an end user's CC'd
    ticket ids are a query of their own)."""
    tickets = tickets_visible_to(viewer=viewer) if tickets is None else tickets
    qs = Comment.objects.for_account(viewer.account).filter(ticket__in=tickets)
    return readable_comments(qs, viewer=viewer) if viewer.is_agent else qs.filter(public=True)


def attachments_visible_to(*, viewer: User) -> QuerySet[Attachment]:
    """Attachments on comments the viewer may read, on tickets the viewer may see."""
    qs = Attachment.objects.for_account(viewer.account).filter(
        comment__ticket__in=tickets_visible_to(viewer=viewer)
    )
    if viewer.is_agent:
        return readable_comments(qs, viewer=viewer, path="comment__ticket_id")
    return qs.filter(comment__public=True)


def events_for_agent(*, ticket: Ticket, viewer: User) -> list[TicketEvent]:
    """The Activity, newest first; the comments' bodies left out where support access
    withholds them from the viewer (the rows still say a reply or note was added)."""
    events = list(ticket.events.select_related("actor", "comment").order_by("-created_at", "-id"))
    if bodies_withheld(ticket=ticket, viewer=viewer):
        blank_bodies([event.comment for event in events if event.comment is not None])
    return events


def latest_public_comment(ticket: Ticket) -> Comment | None:
    return (
        ticket.comments.filter(public=True)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )


# Sort keys a list accepts, mapped to columns: anything else in ?sort= is ignored, so a
# query string can never order (and probe) by an arbitrary field.
TICKET_SORTS = {
    "number": ("number",),
    "subject": ("subject", "number"),
    "requester": ("requester__name", "number"),
    "status": ("status", "number"),
    # By severity (urgent, high, normal, low, none), not alphabetically: Ticket.priority_rank.
    "priority": ("priority_rank", "number"),
    "assignee": ("assignee__name", "number"),
    "group": ("group__name", "number"),
    "updated": ("updated_at", "id"),
    "created": ("created_at", "id"),
    "type": ("type", "number"),
    "organization": ("organization__name", "number"),
    "due": ("due_at", "id"),
    "solved": ("solved_at", "id"),
    "channel": ("channel", "number"),
    # servicelevels.models.TicketSla, the earliest breach of the running SLA targets.
    "sla": ("sla__next_breach_at", "id"),
}


def ordering_for(sort: str, default: str = "-updated") -> list[str]:
    key = sort.lstrip("-")
    if key not in TICKET_SORTS:
        sort, key = default, default.lstrip("-")
    prefix = "-" if sort.startswith("-") else ""
    return [prefix + col for col in TICKET_SORTS[key]]


# What a row of the agent's lists shows (templatetags.agent.ticket_row_values for
# templates/agent/_ticket_rows.html), with the people it names: the ticket's other
# columns and its people's other columns stay in the database (50 rows of four full
# models cost ~10 ms of CPU to build, half of it unread).
ROW_FIELDS = (
    "account",
    "number",
    "subject",
    "status",
    "priority",
    "is_public",
    "updated_at",
    "requester",
    "requester__name",
    "assignee",
    "assignee__name",
    "group",
    "group__name",
    "custom_status",
    "custom_status__category",
    "custom_status__agent_label",
    "custom_status__is_default",
)


def for_list_rows(tickets: QuerySet[Ticket], extra: Iterable[str] = ()) -> QuerySet[Ticket]:
    """``tickets`` with what a list row reads (and the ``extra`` fields its chosen
    columns read), and nothing else."""
    related = ["requester", "assignee", "group", "custom_status"]
    if "organization__name" in extra:
        related.append("organization")
    if "sla__next_breach_at" in extra:
        related.append("sla")
    return tickets.select_related(*related).only(*ROW_FIELDS, *extra)


# ROW_FIELDS as ``.values()`` names: the list page reads its rows as dicts, not model
# instances (Model.from_db was a fifth of the page's CPU, issue 17, bench/README.md);
# templatetags.agent.ticket_row_values prints both.
LIST_ROW_VALUES = (
    "id",
    "account_id",
    "number",
    "subject",
    "status",
    "priority",
    "is_public",
    "updated_at",
    "requester__name",
    "assignee_id",
    "assignee__name",
    "group_id",
    "group__name",
    "custom_status_id",
    "custom_status__category",
    "custom_status__agent_label",
    "custom_status__is_default",
)


def list_row_values(
    tickets: QuerySet[Ticket], extra: Iterable[str] = ()
) -> QuerySet[Ticket, dict[str, Any]]:
    """``tickets`` (a list's queryset, its order kept) as the ``.values()`` rows a list
    prints: LIST_ROW_VALUES, the ``extra`` fields its columns and its order read, and
    the ``latest_comment`` annotation when the queryset has it."""
    names = [*LIST_ROW_VALUES, *extra]
    if "latest_comment" in tickets.query.annotations:
        names.append("latest_comment")
    rows: QuerySet[Ticket, dict[str, Any]] = tickets.values(*dict.fromkeys(names))
    return rows


def row_values_of(ticket: Ticket, columns: Iterable[str] = (), custom_fields: bool = False) -> dict:
    """One ticket instance as list_row_values reads it, for the row's ``columns``
    (tickets.view_selectors.VIEW_COLUMNS keys): the lists of model instances (search, a
    person's tickets, a redrawn row) print through the same code. Reads only what
    those columns need (the instance's other fields may be deferred)."""
    custom = ticket.custom_status if ticket.custom_status_id else None
    row = {
        "id": ticket.pk,
        "account_id": ticket.account_id,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "is_public": ticket.is_public,
        "updated_at": ticket.updated_at,
        "latest_comment": getattr(ticket, "latest_comment", ""),
        "requester__name": ticket.requester.name,
        "assignee_id": ticket.assignee_id,
        "assignee__name": ticket.assignee.name if ticket.assignee_id and ticket.assignee else None,
        "group_id": ticket.group_id,
        "group__name": ticket.group.name if ticket.group_id and ticket.group else None,
        "custom_status_id": ticket.custom_status_id,
        "custom_status__category": getattr(custom, "category", None),
        "custom_status__agent_label": getattr(custom, "agent_label", None),
        "custom_status__is_default": getattr(custom, "is_default", None),
    }
    for column in columns:
        for name, read in _COLUMN_VALUES.get(column, ()):
            row[name] = read(ticket)
    if custom_fields:
        row["custom_fields"] = ticket.custom_fields
    return row


def _sla_breach(ticket: Ticket) -> Any:
    sla = getattr(ticket, "sla", None)  # a missing reverse one-to-one reads as None
    return sla.next_breach_at if sla is not None else None


_COLUMN_VALUES: dict[str, tuple[tuple[str, Callable[[Ticket], Any]], ...]] = {
    "type": (("type", lambda t: t.type),),
    "organization": (
        (
            "organization__name",
            lambda t: t.organization.name if t.organization_id and t.organization else None,
        ),
    ),
    "channel": (("channel", lambda t: t.channel),),
    "satisfaction": (("satisfaction_rating", lambda t: t.satisfaction_rating),),
    "escalation": (("escalation", lambda t: t.escalation),),
    "sentiment": (
        ("sentiment", lambda t: t.sentiment),
        ("support_access", lambda t: t.support_access),
    ),
    "time_worked": (("time_worked", lambda t: t.time_worked),),
    "activity": (("activity_status", lambda t: t.activity_status),),
    "tags": (("tags", lambda t: t.tags),),
    "due": (("due_at", lambda t: t.due_at),),
    "created": (("created_at", lambda t: t.created_at),),
    "solved": (("solved_at", lambda t: t.solved_at),),
    "sla": (("sla__next_breach_at", _sla_breach),),
}


def list_row(ticket: Ticket, extra: Iterable[str] = ()) -> Ticket:
    """One ticket as a list row reads it (a row redrawn after a quick action)."""
    return for_list_rows(
        Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk), extra
    ).get()


def tickets_for_user_profile(*, viewer: User, user: User) -> QuerySet[Ticket]:
    return for_list_rows(tickets_visible_to(viewer=viewer).filter(requester=user)).order_by(
        "-created_at"
    )


def retention_policy_for(*, account: Account) -> RetentionPolicy:
    """The account's retention policy; an unsaved one keeping everything when it has none."""
    found = RetentionPolicy.objects.for_account(account).first()
    return found or RetentionPolicy(account=account)
