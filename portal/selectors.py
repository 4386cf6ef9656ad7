"""Help-center reads. Every query starts from tickets.selectors.tickets_visible_to (or its
comment counterpart): the portal narrows what the domain lets a viewer see, never widens
it, so a private ticket or an internal note cannot surface here by another road."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.dbsession import account_context
from accounts.memberships import shared_organization_ids
from accounts.models import Account, User
from customfields.form_selectors import (
    fields_on_form,
    form_among,
    shown_on_form,
    ticket_forms_for_account,
)
from customfields.selectors import (
    editable_among,
    ticket_fields_editable_by,
    ticket_fields_for_viewer,
    values_shown,
)
from tickets.models import Channel, Ticket, TicketCC
from tickets.search import (
    comment_rank,
    common_in_comments,
    indexed_matching_comments,
    indexed_ticket_ids,
    matching_comments,
    prefix_tsquery,
    search_terms,
)
from tickets.selectors import comments_visible_across_tickets, tickets_visible_to

# --- Status as the end user sees it -------------------------------------------------

OPEN, AWAITING, SOLVED, ESCALATED = "open", "awaiting", "solved", "escalated"
STATUS_LABELS = {
    OPEN: _("Open"),
    AWAITING: _("Awaiting your reply"),
    SOLVED: _("Solved"),
    # Seed 004: a request with an open escalation reads "Escalated" until it is solved.
    ESCALATED: _("Escalated"),
}
_END_USER_STATUS: dict[str, str] = {
    Ticket.Status.NEW: OPEN,
    Ticket.Status.OPEN: OPEN,
    Ticket.Status.ON_HOLD: OPEN,
    Ticket.Status.PENDING: AWAITING,
    Ticket.Status.SOLVED: SOLVED,
    Ticket.Status.CLOSED: SOLVED,
}


def end_user_status(status: str) -> str:
    """The agent's six statuses folded into the three an end user acts on."""
    return _END_USER_STATUS.get(status, OPEN)


def end_user_status_key(ticket: Ticket) -> str:
    """The folded status, or "escalated" while an unsolved request has an open escalation."""
    status = end_user_status(ticket.status)
    if status != SOLVED and ticket.escalation == Ticket.Escalation.OPEN:
        return ESCALATED
    return status


def end_user_status_label(ticket: Ticket) -> str:
    """What the end user reads as a request's status: "Escalated" while an open
    escalation is being worked (seed 004), else its custom status's end-user label
    (never the agents' one), or the folded status's word for a row without one."""
    if end_user_status_key(ticket) == ESCALATED:
        return str(STATUS_LABELS[ESCALATED])
    custom = ticket.custom_status if ticket.custom_status_id else None
    if custom is None:
        return str(STATUS_LABELS[end_user_status(ticket.status)])
    return custom.end_user_name


# --- My activities -------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    title: str | Promise
    shows_requester: bool = False


TAB_REQUESTS = Tab("requests", _("My requests"))
TAB_CCD = Tab("ccd", _("Requests I'm CC'd on"))
TAB_ORGANIZATION = Tab("organization", _("Organization requests"), shows_requester=True)

STATUS_FILTERS = {
    "open": Q(status__in=Ticket.UNSOLVED),
    "solved": Q(status__in=Ticket.SOLVED_OR_CLOSED),
}

# ?sort= accepts these keys only (optionally "-"-prefixed): a query string can never
# order, and so probe, by an arbitrary column.
ACTIVITY_SORTS = {"created": "created_at", "activity": "last_activity_at"}
DEFAULT_SORT = "-activity"


def tabs_for(viewer: User) -> list[Tab]:
    """Organization requests only for organization managers."""
    tabs = [TAB_REQUESTS, TAB_CCD]
    if viewer.sees_organization_requests:
        tabs.append(TAB_ORGANIZATION)
    return tabs


def tab_for(viewer: User, key: str) -> Tab:
    """The tab asked for if the viewer has it, else "My requests"."""
    return next((t for t in tabs_for(viewer) if t.key == key), TAB_REQUESTS)


def normalise_sort(sort: str) -> str:
    return sort if sort.lstrip("-") in ACTIVITY_SORTS else DEFAULT_SORT


def _tab_condition(viewer: User, tab: Tab) -> Q:
    if tab is TAB_CCD:
        ccd = TicketCC.objects.for_account(viewer.account).filter(user=viewer)
        return Q(pk__in=ccd.values("ticket_id"))
    if tab is TAB_ORGANIZATION:
        return Q(organization_id__in=shared_organization_ids(user=viewer))
    return Q(requester=viewer)


# What a row of My activities reads (portal.templatetags.portal.request_row_values) and
# what its keyset links sort by, and nothing else: 25 full tickets, requesters and custom
# statuses (~40, ~30 and ~12 columns) were most of the list's model building (issue 17).
ACTIVITY_ROW_FIELDS = (
    "account",
    "number",
    "subject",
    "status",
    "escalation",
    "channel",
    "created_at",
    "last_activity_at",
    "requester",
    "requester__name",
    "custom_status",
    "custom_status__category",
    "custom_status__is_default",
    "custom_status__end_user_label",
)


def activity_list(
    *,
    viewer: User,
    tab: Tab,
    status: str = "",
    sort: str = DEFAULT_SORT,
    fields: Q | None = None,
    visible: QuerySet[Ticket] | None = None,
) -> QuerySet[Ticket]:
    """One tab of My activities, filtered (``fields``: portal.field_filters') and sorted;
    the requester comes by join. ``visible``: tickets_visible_to(viewer), when the caller
    has it already (its CC'd ticket ids are a query of their own)."""
    visible = tickets_visible_to(viewer=viewer) if visible is None else visible
    qs = visible.filter(_tab_condition(viewer, tab))
    if fields is not None:
        qs = qs.filter(fields)
    if status in STATUS_FILTERS:
        qs = qs.filter(STATUS_FILTERS[status])
    sort = normalise_sort(sort)
    column = ACTIVITY_SORTS[sort.lstrip("-")]
    prefix = "-" if sort.startswith("-") else ""
    return (
        qs.select_related("requester", "custom_status")
        .only(*ACTIVITY_ROW_FIELDS)
        .order_by(prefix + column, prefix + "id")
    )


def activity_counts(*, viewer: User, visible: QuerySet[Ticket] | None = None) -> dict[str, int]:
    """Tab counts in one query, over visible tickets only; each tab's count reads its own
    index and stops at tickets.counts.NAV_CAP ("1000+"). ``visible`` as activity_list's."""
    from tickets.counts import capped_counts

    visible = tickets_visible_to(viewer=viewer) if visible is None else visible
    return capped_counts(
        {tab.key: visible.filter(_tab_condition(viewer, tab)) for tab in tabs_for(viewer)}
    )


# --- Search ---------------------------------------------------------------------------

# Private-use characters mark matches: they cannot collide with markup, and the text is
# escaped before they become <mark> tags.
_START, _STOP = "\ue000", "\ue001"
SNIPPET_CHARS = 240


@dataclass
class SearchHit:
    ticket: Ticket
    # (text, is_match) pieces; templates/portal/_marked.html escapes them and marks
    # the matches.
    subject_parts: list[tuple[str, bool]]
    snippet_parts: list[tuple[str, bool]]


# What a hit shows (templates/portal/search.html: number, status, last activity; the
# subject and snippet come highlighted from the database): the full ticket and custom
# status were half of the query's compiling and of its rows' building (issue 17).
SEARCH_HIT_FIELDS = (
    "account",
    "number",
    "status",
    "escalation",
    "last_activity_at",
    "custom_status",
    "custom_status__category",
    "custom_status__is_default",
    "custom_status__end_user_label",
)


def search_requests(
    *, viewer: User, query: str, limit: int = 50, offset: int = 0, fields: Q | None = None
) -> list[SearchHit]:
    """The viewer's visible requests whose subject or public comments contain the words
    (every word, as a prefix), best first, `limit` of them from `offset`; ``fields``: the
    help center's filters on ticket fields (portal.field_filters' filters_q). PostgreSQL:
    full-text search on indexed tsvectors, ranked and highlighted; elsewhere (SQLite for
    `make run`) a plain substring match."""
    terms = search_terms(query)
    if not terms:
        return []
    window = slice(offset, offset + limit)
    fields = fields or Q()
    if connection.vendor == "postgresql":
        # The index functions answer for the account the session works for (a request's
        # already; a caller outside one, such as a test or a command, gets it here).
        with account_context(viewer.account_id):
            return _search_postgres(viewer, terms, window, fields)
    return _search_fallback(viewer, terms, window, fields)


def _search_postgres(viewer: User, terms: list[str], window: slice, fields: Q) -> list[SearchHit]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchRank,
        SearchVector,
    )

    tsquery = prefix_tsquery(terms)
    # The subject index's exact expression (tickets/migrations/0002); comments match and
    # rank on their stored vector, as in the agent search (tickets.search).
    subject_vector = SearchVector("subject", config="simple")
    # The viewer's tickets built once, for the comments and the hits (the CC'd ids read
    # once, not twice).
    tickets = tickets_visible_to(viewer=viewer)
    visible = comments_visible_across_tickets(viewer=viewer, tickets=tickets)
    comments = matching_comments(viewer=viewer, tsquery=tsquery, visible=visible)
    best_comment = (
        comments.filter(ticket=OuterRef("pk"))
        .annotate(rank=comment_rank(tsquery))
        .order_by("-rank", "created_at")
    )
    if common_in_comments(viewer=viewer, terms=terms):
        # A common word: the viewer's own requests, checked one by one, are fewer than the
        # account's matches in the index (a requester's few hundred comments, say).
        matches = Q(subject_vector=tsquery) | Q(pk__in=comments.values("ticket_id"))
    else:
        # A rare word: its few matches from the GIN indexes, through tickets/migrations/
        # 0005's functions (under row-level security the planner may not use them for
        # ``@@`` itself), then the visible ones among them.
        in_comments = indexed_matching_comments(viewer=viewer, terms=terms, visible=visible)
        matches = Q(pk__in=indexed_ticket_ids(viewer=viewer, terms=terms)) | Q(
            pk__in=in_comments.values("ticket_id")
        )
    qs = (
        tickets.select_related("custom_status")
        .only(*SEARCH_HIT_FIELDS)
        .annotate(subject_vector=subject_vector)
        .filter(matches, fields)
        .annotate(
            subject_rank=SearchRank(subject_vector, tsquery),
            comment_rank=Coalesce(
                Subquery(best_comment.values("rank")[:1]), Value(0.0), output_field=FloatField()
            ),
            subject_headline=SearchHeadline(
                "subject",
                tsquery,
                config="simple",
                start_sel=_START,
                stop_sel=_STOP,
                highlight_all=True,
            ),
            snippet=Subquery(
                best_comment.annotate(
                    headline=SearchHeadline(
                        "body",
                        tsquery,
                        config="simple",
                        start_sel=_START,
                        stop_sel=_STOP,
                        max_words=35,
                        min_words=15,
                    )
                ).values("headline")[:1]
            ),
        )
        # A subject hit counts double: it is what the request is about.
        .order_by((F("subject_rank") * 2 + F("comment_rank")).desc(), "-last_activity_at", "-id")
    )
    return [
        SearchHit(
            ticket=t,
            subject_parts=marked_parts(t.subject_headline),
            snippet_parts=marked_parts(t.snippet or ""),
        )
        for t in qs[window]
    ]


def _search_fallback(viewer: User, terms: list[str], window: slice, fields: Q) -> list[SearchHit]:
    comment_match = Q()
    subject_match = Q()
    for term in terms:
        subject_match &= Q(subject__icontains=term)
        comment_match &= Q(body__icontains=term)
    comments = comments_visible_across_tickets(viewer=viewer).filter(comment_match)
    first_comment = comments.filter(ticket=OuterRef("pk")).order_by("created_at", "id")
    qs = (
        tickets_visible_to(viewer=viewer)
        .select_related("custom_status")
        .filter(subject_match | Q(pk__in=comments.values("ticket_id")), fields)
        .annotate(
            snippet=Subquery(first_comment.annotate(s=Substr("body", 1, 2000)).values("s")[:1])
        )
        .order_by("-last_activity_at", "-id")
    )
    return [
        SearchHit(
            ticket=t,
            subject_parts=marked_parts(mark_terms(t.subject, terms)),
            snippet_parts=marked_parts(mark_terms(excerpt(t.snippet or "", terms), terms)),
        )
        for t in qs[window]
    ]


def excerpt(text: str, terms: list[str], size: int = SNIPPET_CHARS) -> str:
    """About `size` characters of text around the first term found."""
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - size // 3) if positions else 0
    cut = text[start : start + size]
    return ("…" if start else "") + cut + ("…" if start + size < len(text) else "")


def mark_terms(text: str, terms: list[str]) -> str:
    """Wrap case-insensitive occurrences of the terms in the private-use markers."""
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", text)


def marked_parts(text: str) -> list[tuple[str, bool]]:
    """The text cut at well-paired markers into (piece, is_match) pairs, for
    templates/portal/_marked.html to escape and wrap in <mark>; a stray marker typed into
    a ticket is dropped. The markup is the template's, so every piece is escaped."""
    parts: list[tuple[str, bool]] = []
    inside = False
    for piece in re.split(f"([{_START}{_STOP}])", text or ""):
        if piece == _START:
            inside = True
        elif piece == _STOP:
            inside = False
        elif piece and parts and parts[-1][1] == inside:
            parts[-1] = (parts[-1][0] + piece, inside)  # one <mark> across a stray marker
        elif piece:
            parts.append((piece, inside))
    return parts


# --- The request page -----------------------------------------------------------------


# --- How a request was opened, as the end user reads it -------------------------------
# "Web" (the agent workspace) or "API" (an integration) mean nothing to a customer: they
# are told the channel they used, or that the support team opened the request for them.
_OPENED_VIA: dict[str, str | Promise] = {
    Channel.PORTAL: _("In the help center"),
    Channel.EMAIL: _("By email"),
    Channel.PHONE: _("By phone"),
    # A help-center chat, or its offline "leave a message" form (issue 28).
    Channel.CHAT: _("By chat"),
}


def request_opened_via(ticket: Ticket) -> str:
    """The help center's "Opened" fact (``ticket.requester`` is loaded with the ticket)."""
    if ticket.channel in _OPENED_VIA:
        return str(_OPENED_VIA[ticket.channel])
    if (
        ticket.channel == Channel.API
        and ticket.submitter_id == ticket.requester_id
        and not ticket.requester.is_agent
    ):
        return str(_("Online"))  # the requester, through an app of the company's
    return str(_("By our support team"))


@dataclass
class RequestPage:
    ticket: Ticket
    comments: list
    ccs: list[User]
    can_reply: bool
    can_close: bool
    can_rate: bool
    opened_via: str = ""


def request_fields_editable(*, account: Account, viewer: User) -> list:
    """The fields an end user fills in when submitting a request: those made visible to
    and editable by end users (customfields decides)."""
    return ticket_fields_editable_by(account=account, viewer=viewer)


@dataclass
class RequestForm:
    """Submit a request: the forms offered, the one chosen (None: ask which), and its
    fields the end user fills in, with those its conditions hide at first."""

    offered: list
    chosen: Any
    fields: list
    hidden: set


def request_form(*, account: Account, viewer: User, number: int | None) -> RequestForm:
    """The form the end user fills in: the one they chose among the forms the help
    center offers; the only one offered; else (none offered) the default form. With more
    than one offered and none chosen (or one not offered), ``chosen`` is None: the page
    asks which. Three queries (forms, fields, options)."""
    forms = ticket_forms_for_account(account=account)
    offered = [f for f in forms if f.active and f.visible_in_portal]
    chosen = next((f for f in offered if f.number == number), None)
    if chosen is None and len(offered) == 1:
        chosen = offered[0]
    if chosen is None and not offered:
        chosen = form_among(forms, None)
    if chosen is None and len(offered) > 1:
        return RequestForm(offered, None, [], set())
    every = ticket_fields_for_viewer(account=account, viewer=None, agents=True)
    fields = fields_on_form(chosen, editable_among(every, viewer))
    return RequestForm(offered, chosen, fields, shown_on_form(chosen, every, {}).hidden)


def request_field_values(*, viewer: User, ticket: Ticket) -> list:
    """The request's values of the fields end users see (customfields decides which; an
    agent-only field never comes here), set ones only. No query for a request without
    values."""
    if not ticket.custom_fields:
        return []
    fields = ticket_fields_for_viewer(account=ticket.account, viewer=None)
    shown = values_shown(account=ticket.account, fields=fields, values=ticket.custom_fields)
    return [item for item in shown if item.text]


def request_page(*, viewer: User, number: int) -> RequestPage:
    """A request the viewer may see (404 otherwise, as tickets.access decides), its public
    conversation oldest first with attachments, and its CCs: four queries, whatever the
    length of the conversation. The can_* flags only choose what the page offers; the
    services decide again on POST."""
    from satisfaction.selectors import takes_ratings
    from tickets.access import ticket_for_end_user
    from tickets.selectors import comments_visible_to, only_through_shared_tickets

    ticket = ticket_for_end_user(viewer=viewer, number=number)
    comments = list(comments_visible_to(ticket=ticket, viewer=viewer).order_by("created_at", "id"))
    ccs = [link.user for link in ticket.cc_links.select_related("user").order_by("user__name")]
    is_requester = ticket.requester_id == viewer.pk
    return RequestPage(
        ticket=ticket,
        comments=comments,
        ccs=ccs,
        can_reply=ticket.takes_help_center_replies
        and (
            not only_through_shared_tickets(ticket=ticket, viewer=viewer)
            or bool(ticket.organization and ticket.organization.shared_comments)
        ),
        can_close=is_requester and not ticket.is_solved,
        can_rate=is_requester and takes_ratings(ticket),
        opened_via=request_opened_via(ticket),
    )
