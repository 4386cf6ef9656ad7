"""Tags through the API: reads of the account's tag counts, and a ticket's tags set,
added to or removed through ticket_update, so the change is recorded in the history
and triggers run as for any other update."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from accounts.models import Account, User
from tickets.models import Channel, TagCount, Ticket
from tickets.services import ticket_update
from tickets.services.common import normalise_tags
from tickets.services.conflicts import ticket_check_fresh

# Tags are stored space-separated on the ticket; their counts per account are kept by
# PostgreSQL's triggers in tickets_tagcount (tickets/migrations/0023), read here in the
# order of its index (account, count DESC, tag): a page is an index scan stopped at its
# end, the number of tags an index-only count. Zendesk lists the 20,000 most used.
# SQLite (make run) has no triggers: the counts are made from the tickets there.
MAX_TAGS = 20_000
_COUNTS_FROM_TICKETS = """
    SELECT tag, count(*) FROM tickets_ticket, unnest(string_to_array(tags, ' ')) AS tag
    WHERE account_id = %s AND tags <> ''
    GROUP BY tag ORDER BY count(*) DESC, tag LIMIT %s
"""


def tag_counts(*, account: Account, limit: int, offset: int) -> tuple[list[tuple[str, int]], int]:
    """A page of (tag, tickets carrying it), most used first, and how many tags there are
    (at most MAX_TAGS, as pages past those are not served)."""
    if connection.vendor != "postgresql":
        return _tag_counts_from_tickets(account=account, limit=limit, offset=offset)
    limit = max(0, min(limit, MAX_TAGS - offset))
    counts = TagCount.objects.for_account(account)
    page = counts.order_by("-count", "tag").values_list("tag", "count")[offset : offset + limit]
    total = counts[:MAX_TAGS].count()
    return list(page), total


def _tag_counts_from_tickets(*, account: Account, limit: int, offset: int):
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_FROM_TICKETS, [account.pk, MAX_TAGS])
        rows = [(tag, count) for tag, count in cursor.fetchall()]
    return rows[offset : offset + limit], len(rows)


def tags_of(ticket: Ticket) -> list[str]:
    return ticket.tags.split()


@transaction.atomic
def ticket_tags_change(
    *,
    ticket: Ticket,
    actor: User,
    tags: list[str],
    how: str,
    updated_stamp: dt.datetime | None = None,
) -> list[str]:
    """``how``: "set" (replace), "add" or "remove". A safe update (``updated_stamp``)
    is refused (TicketConflict) when the ticket changed since the client read it."""
    ticket = ticket_check_fresh(ticket=ticket, updated_stamp=updated_stamp)
    current = set(tags_of(ticket))
    given = set(normalise_tags(tags).split())
    new = {"set": given, "add": current | given, "remove": current - given}[how]
    change = ticket_update(ticket=ticket, actor=actor, channel=Channel.API, tags=sorted(new))
    return tags_of(change.ticket)
