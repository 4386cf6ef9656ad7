"""Reads of tickets for a viewer. Who may see which ticket and comment is decided here,
once, for the agent UI, the help center, the API, search and emails alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account, User
from tickets.models import Attachment, Comment, RetentionPolicy, Ticket, TicketCC, TicketEvent


def _involving(viewer: User) -> Q:
    """The end user's tickets: requested, CC'd on, or (organization managers) their
    organization's. The CC'd ticket ids are read first (one small query): with them as
    values rather than a join or subquery, every arm of the OR is an index (a bitmap OR),
    so even a search over a million tickets starts from the viewer's few hundred."""
    ccd = TicketCC.objects.for_account(viewer.account).filter(user=viewer)
    mine = Q(requester=viewer) | Q(pk__in=list(ccd.values_list("ticket_id", flat=True)))
    if viewer.is_org_manager and viewer.organization_id:
        mine |= Q(organization_id=viewer.organization_id)
    return mine


def tickets_visible_to(*, viewer: User) -> QuerySet[Ticket]:
    """Agents see every ticket of their account. End users see public tickets they
    requested or are CC'd on, and organization managers their organization's public
    tickets. Private tickets are invisible to end users until they are made public."""
    qs = Ticket.objects.for_account(viewer.account)
    if viewer.is_agent:
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
    return (
        Ticket.objects.for_account(ticket.account).filter(_involving(author), pk=ticket.pk).exists()
    )


def comments_visible_to(*, ticket: Ticket, viewer: User) -> QuerySet[Comment]:
    """Agents see every comment; anyone else only public replies (never internal notes)."""
    qs = ticket.comments.select_related("author").prefetch_related("attachments")
    return qs if viewer.is_agent else qs.filter(public=True)


def comments_readable_by(comments: Iterable[Comment], viewer: User | None) -> list[Comment]:
    """comments_visible_to for comments already read (one read for a change's several
    recipients): agents every comment; anyone else, or a bare address (None), only public
    replies."""
    if viewer is not None and viewer.is_agent:
        return list(comments)
    return [comment for comment in comments if comment.public]


def comments_visible_across_tickets(*, viewer: User) -> QuerySet[Comment]:
    """comments_visible_to for every ticket the viewer may see at once (search): agents
    every comment of their account; anyone else only public replies on visible tickets."""
    qs = Comment.objects.for_account(viewer.account).filter(
        ticket__in=tickets_visible_to(viewer=viewer)
    )
    return qs if viewer.is_agent else qs.filter(public=True)


def attachments_visible_to(*, viewer: User) -> QuerySet[Attachment]:
    """Attachments on comments the viewer may read, on tickets the viewer may see."""
    qs = Attachment.objects.for_account(viewer.account).filter(
        comment__ticket__in=tickets_visible_to(viewer=viewer)
    )
    return qs if viewer.is_agent else qs.filter(comment__public=True)


def events_for_agent(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor", "comment").order_by("-created_at", "-id")


def latest_public_comment(ticket: Ticket) -> Comment | None:
    return (
        ticket.comments.filter(public=True)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class AgentView:
    key: str
    title: str | Promise

    def filter(self, qs: QuerySet[Ticket], viewer: User) -> QuerySet[Ticket]:
        unsolved = Ticket.UNSOLVED
        match self.key:
            case "mine":
                return qs.filter(assignee=viewer, status__in=unsolved)
            case "unassigned":
                return qs.filter(assignee__isnull=True, status__in=unsolved)
            case "unsolved":
                return qs.filter(status__in=unsolved)
            case "recent":
                return qs
            case "pending":
                return qs.filter(status=Ticket.Status.PENDING)
            case "solved":
                return qs.filter(status__in=Ticket.SOLVED_OR_CLOSED)
            case "private":
                return qs.filter(is_public=False)
        raise KeyError(self.key)


AGENT_VIEWS = {
    v.key: v
    for v in (
        AgentView("mine", _("Your unsolved tickets")),
        AgentView("unassigned", _("Unassigned tickets")),
        AgentView("unsolved", _("All unsolved tickets")),
        AgentView("recent", _("Recently updated")),
        # A list of tickets: plural where Italian and Spanish say so ("Risolti", "Resueltos").
        AgentView("pending", pgettext_lazy("ticket view", "Pending")),
        AgentView("solved", pgettext_lazy("ticket view", "Solved")),
        AgentView("private", _("Private tickets")),
    )
}

# Sort keys a list accepts, mapped to columns: anything else in ?sort= is ignored, so a
# query string can never order (and probe) by an arbitrary field.
TICKET_SORTS = {
    "number": ("number",),
    "subject": ("subject", "number"),
    "requester": ("requester__name", "number"),
    "status": ("status", "number"),
    "priority": ("priority", "number"),
    "assignee": ("assignee__name", "number"),
    "group": ("group__name", "number"),
    "updated": ("updated_at", "id"),
    "created": ("created_at", "id"),
}


def ordering_for(sort: str, default: str = "-updated") -> list[str]:
    key = sort.lstrip("-")
    if key not in TICKET_SORTS:
        sort, key = default, default.lstrip("-")
    prefix = "-" if sort.startswith("-") else ""
    return [prefix + col for col in TICKET_SORTS[key]]


# What a row of the agent's lists shows (templatetags.agent.ticket_rows), with the
# people it names: the ticket's other columns and its people's other columns stay in the
# database (50 rows of four full models cost ~10 ms of CPU to build, half of it unread).
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
)


def for_list_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` with what a list row reads, and nothing else."""
    return tickets.select_related("requester", "assignee", "group").only(*ROW_FIELDS)


def agent_ticket_list(*, viewer: User, view_key: str, sort: str = "-updated") -> QuerySet[Ticket]:
    """A view's tickets with what a row shows, in a fixed number of queries: related
    names by join, the latest comment (for the hover summary) by subquery."""
    view = AGENT_VIEWS[view_key]
    latest = (
        Comment.objects.for_account(viewer.account)
        .filter(ticket=OuterRef("pk"))
        .order_by("-created_at", "-id")
    )
    return (
        for_list_rows(view.filter(tickets_visible_to(viewer=viewer), viewer))
        .annotate(
            latest_comment=Subquery(
                latest.annotate(excerpt=Substr("body", 1, 200)).values("excerpt")[:1]
            )
        )
        .order_by(*ordering_for(sort))
    )


def agent_view_counts(*, viewer: User) -> dict[str, int]:
    """Counts for the navigation, in one query whatever the account's size: each exact
    up to tickets.counts.NAV_CAP and "1000+" beyond (an index range, never a scan)."""
    from tickets.counts import capped_counts

    visible = tickets_visible_to(viewer=viewer)
    return capped_counts(
        {key: AGENT_VIEWS[key].filter(visible, viewer) for key in AGENT_VIEW_COUNTED}
    )


AGENT_VIEW_COUNTED = ("mine", "unassigned", "unsolved", "pending", "private")


def tickets_for_user_profile(*, viewer: User, user: User) -> QuerySet[Ticket]:
    return for_list_rows(tickets_visible_to(viewer=viewer).filter(requester=user)).order_by(
        "-created_at"
    )


def retention_policy_for(*, account: Account) -> RetentionPolicy:
    """The account's retention policy; an unsaved one keeping everything when it has none."""
    found = RetentionPolicy.objects.for_account(account).first()
    return found or RetentionPolicy(account=account)
