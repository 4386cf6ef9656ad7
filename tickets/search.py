"""The agent search: tickets by number, subject or comment text (internal notes
included), newest activity first, within what the viewer may see.

PostgreSQL: every word of the query as a prefix (full-text, config "simple", on the GIN
indexes of the subjects, tickets/migrations/0002, and of the comments' stored vector,
0004). Two passes, so that neither a common word nor a rare one reads the account (issue
8; 9 s at a million tickets when it was ``icontains`` over every subject and comment):

1. the ``RECENT_WINDOW`` most recently updated tickets, checked one by one (their
   subject, their few comments): a common word fills the page here and stops;
2. otherwise the word is rare among recent tickets: the GIN indexes give every matching
   ticket id (few, for a rare word), and the newest of them are read.

Both passes apply the same rule, so the page is the same as one exact query's: pass 1
only answers when it found a full page within a window that holds every ticket newer
than the page's last one. Elsewhere (SQLite, ``make run``) a substring match.

Row-level security: under the policy PostgreSQL may not use a GIN index for ``@@`` (not
LEAKPROOF), so the indexed matches come from the SECURITY DEFINER functions of
tickets/migrations/0005 (ids of the account the session works for, from the index), and
the rows themselves are read as everything else is, under the policy.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections, router
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.dbsession import account_context
from accounts.models import User
from tickets.models import Comment, Ticket
from tickets.selectors import (
    comments_visible_across_tickets,
    for_list_rows,
    tickets_visible_to,
)

# Measured at a million tickets (issue 8): checking one ticket's comments costs ~0.06 ms,
# reading one match from the GIN index ~0.02 ms (with its ticket); the walk wins from
# ~10,000 matching comments up (50 hits then lie within the newest ~4,500 tickets).
WALK_ABOVE = 10_000
WALK_WINDOW = 20_000
PASS2_WORK_MEM = "32MB"
MAX_TERMS = 10
_WORD = re.compile(r"\w+", re.UNICODE)
ORDER = ("-updated_at", "-id")


def search_terms(query: str) -> list[str]:
    """The query's words, lower-cased, at most MAX_TERMS (agent and help-center search)."""
    return [t.lower() for t in _WORD.findall(query or "")][:MAX_TERMS]


def tsquery_text(terms: list[str]) -> str:
    """Every term as a prefix, all required. Terms are \\w+ runs (search_terms), so no
    tsquery operator can reach the query and joining them raw is safe."""
    return " & ".join(f"{t}:*" for t in terms)


def prefix_tsquery(terms: list[str]) -> SearchQuery:
    """``tsquery_text`` in the "simple" configuration of the GIN indexes
    (tickets/migrations/0002)."""
    return SearchQuery(tsquery_text(terms), search_type="raw", config="simple")


def matching_comments(
    *, viewer: User, tsquery: SearchQuery, visible: QuerySet[Comment] | None = None
) -> QuerySet[Comment]:
    """The comments the viewer may read that hold every word: the comment rule of both
    searches (this one and the help center's), on the stored vector Comment.body_vector
    (tickets/migrations/0004), checked row by row: for the comments of one ticket (pass 1,
    the best snippet). To *find* matches across an account, ``indexed_matching_comments``.
    Never ``to_tsvector(body)`` again: that parses each comment checked (~30 µs).
    ``visible``: ``comments_visible_across_tickets(viewer=viewer)``, when the caller has it
    already (an end user's copied tickets are read once per such queryset)."""
    if visible is None:
        visible = comments_visible_across_tickets(viewer=viewer)
    return visible.filter(body_vector=tsquery)


def _indexed_ids(function: str, viewer: User, terms: list[str]) -> RawSQL:
    # One of the SECURITY DEFINER functions of tickets/migrations/0005: ids of the
    # viewer's account, from a GIN index, even under row-level security. It refuses an
    # account other than the session's (run the search inside account_context).
    return RawSQL(  # noqa: S611 - the function is one of ours; the values are parameters
        f"SELECT {function}(%s, to_tsquery('simple'::regconfig, %s))",
        [viewer.account_id, tsquery_text(terms)],
    )


def indexed_ticket_ids(*, viewer: User, terms: list[str]) -> RawSQL:
    """Ids of the viewer's account's tickets whose subject holds every word (index
    ``ticket_subject_fts``), for ``pk__in``; visibility is the caller's query's."""
    return _indexed_ids("search_ticket_ids", viewer, terms)


def indexed_matching_comments(
    *, viewer: User, terms: list[str], visible: QuerySet[Comment] | None = None
) -> QuerySet[Comment]:
    """``matching_comments`` found through the index ``comment_body_fts``."""
    if visible is None:
        visible = comments_visible_across_tickets(viewer=viewer)
    return visible.filter(pk__in=_indexed_ids("search_comment_ids", viewer, terms))


def comment_rank(tsquery: SearchQuery) -> SearchRank:
    """How well a comment of ``matching_comments`` matches, from its stored vector."""
    return SearchRank(F("body_vector"), tsquery)


def _estimated_comment_matches(viewer: User, terms: list[str]) -> float:
    """The planner's estimate of the account's comments holding every word (EXPLAIN in
    ``search_comment_estimate``, nothing is run), from the stored vector's statistics."""
    # Where the search's reads go (the replica, for a page that opted in: helpdesk.db_router).
    with connections[router.db_for_read(Comment)].cursor() as cursor:
        cursor.execute(
            "SELECT search_comment_estimate(%s, to_tsquery('simple'::regconfig, %s))",
            [viewer.account_id, tsquery_text(terms)],
        )
        return float(cursor.fetchone()[0])


def common_in_comments(*, viewer: User, terms: list[str]) -> bool:
    """Whether the account's comments hold the words so often (the planner's estimate)
    that checking the viewer's comments one by one beats reading every match from the
    index: the road both searches choose by."""
    return _estimated_comment_matches(viewer, terms) >= WALK_ABOVE


def _number(query: str) -> int | None:
    number = query.strip().lstrip("#")
    return int(number) if number.isdigit() and len(number) < 18 else None


def tickets_search(*, viewer: User, query: str, limit: int = 50) -> list[Ticket]:
    number = _number(query)
    visible = for_list_rows(tickets_visible_to(viewer=viewer))
    if connection.vendor != "postgresql":
        return list(_substring(viewer, visible, query, number).order_by(*ORDER)[:limit])
    terms = search_terms(query)
    if not terms:
        return []
    # The index functions answer for the account the session works for (a request's
    # already; a caller outside one, such as a test or a command, gets it here).
    with account_context(viewer.account_id):
        return _search_postgres(viewer, visible, terms, number, limit)


def _search_postgres(
    viewer: User, visible: QuerySet[Ticket], terms: list[str], number: int | None, limit: int
) -> list[Ticket]:
    tsquery = prefix_tsquery(terms)
    # The exact expression of the subject's GIN index (tickets/migrations/0002).
    subject_vector = SearchVector("subject", config="simple")
    readable = comments_visible_across_tickets(viewer=viewer)
    comments = matching_comments(viewer=viewer, tsquery=tsquery, visible=readable)
    number_match = Q(number=number) if number is not None else Q(pk__in=[])
    if common_in_comments(viewer=viewer, terms=terms):
        # Pass 1: walk the newest tickets in order, each checked on its own (subject, its
        # few comments), stopping at the page's last hit or at the window's end.
        window_end = Coalesce(
            Subquery(
                tickets_visible_to(viewer=viewer)
                .order_by(*ORDER)
                .values("updated_at")[WALK_WINDOW - 1 : WALK_WINDOW]
            ),
            Value(dt.datetime(1, 1, 1, tzinfo=dt.UTC)),  # a smaller account: all of it
        )
        # A scalar subquery with LIMIT 1 rather than EXISTS: PostgreSQL may turn an
        # EXISTS under OR into one hash of every matching comment (11 s for "printer").
        first_comment = comments.filter(ticket=OuterRef("pk")).values("pk")[:1]
        walk = (
            visible.annotate(subject_vector=subject_vector, first_comment=Subquery(first_comment))
            .filter(Q(subject_vector=tsquery) | Q(first_comment__isnull=False) | number_match)
            .filter(updated_at__gte=window_end)
        )
        found = list(walk.order_by(*ORDER)[:limit])
        if len(found) == limit:
            return found  # type: ignore[return-value]  # annotated Tickets
    # Pass 2: every match from the indexes. The ids are read first, so the planner cannot
    # turn this back into a walk of the whole account checking each ticket's comments.
    subject_ids = (
        tickets_visible_to(viewer=viewer)
        .filter(Q(pk__in=indexed_ticket_ids(viewer=viewer, terms=terms)) | number_match)
        .order_by()
        .values_list("pk", flat=True)
    )
    in_comments = indexed_matching_comments(viewer=viewer, terms=terms, visible=readable)
    matches = in_comments.order_by().values_list("ticket_id", flat=True).union(subject_ids)
    matches = matches.order_by()
    with connections[matches.db].cursor() as cursor:  # the connection that runs it
        # A prefix ("refund:*") gathers several index entries into one bitmap: with the
        # default 4 MB it turns lossy and every comment on those pages is re-parsed
        # (9 s for "invoice refund" at a million tickets, 0.4 s with this).
        cursor.execute(f"SET work_mem = '{PASS2_WORK_MEM}'")
        try:
            ids = set(matches)
        finally:
            cursor.execute("RESET work_mem")
    if not ids:
        return []
    # One array parameter rather than one per id (a query carries at most 65,535), and
    # the page's ids chosen before the page's rows and their people are read.
    in_ids = RawSQL("SELECT unnest(%s::bigint[])", [sorted(ids)])
    page = tickets_visible_to(viewer=viewer).filter(pk__in=in_ids).order_by(*ORDER)
    return list(visible.filter(pk__in=page.values("pk")[:limit]).order_by(*ORDER))


def _substring(viewer: User, visible: QuerySet[Ticket], query: str, number: int | None):
    in_comments = comments_visible_across_tickets(viewer=viewer).filter(body__icontains=query)
    condition = Q(subject__icontains=query) | Q(pk__in=in_comments.values("ticket_id"))
    if number is not None:
        condition |= Q(number=number)
    return visible.filter(condition)
