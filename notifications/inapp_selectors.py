"""Reads of following and the agents' own notifications (notifications.inapp)."""

from __future__ import annotations

from django.db.models import Q

from accounts import compiled
from accounts.models import Account, User
from notifications.inapp import DEFAULT_CHANNELS
from notifications.models import Notification, NotificationPreference, TicketFollow
from tickets.models import Ticket

PAGE_SIZE = 25
UNREAD_SHOWN = 99  # the bell says "99+" past it: the count reads at most 100 index entries
MENTION_CANDIDATES = 8


def unread_count(*, agent: User) -> int:
    """Unread notifications, counted up to UNREAD_SHOWN + 1 (a partial index)."""
    unread = Notification.objects.for_account(agent.account).filter(
        recipient=agent, read_at__isnull=True
    )
    return unread.order_by()[: UNREAD_SHOWN + 1].count()


def notifications_page(*, agent: User, before: int | None) -> tuple[list[Notification], int | None]:
    """Newest first, PAGE_SIZE at a time, from just below number ``before`` (keyset:
    as cheap deep as at the top); and the ``before`` of the next page, None at the end.
    One query."""
    rows = (
        Notification.objects.for_account(agent.account)
        .filter(recipient=agent)
        .select_related("ticket", "actor")
        .order_by("-number")
    )
    if before is not None:
        rows = rows.filter(number__lt=before)
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return page, (page[-1].number if more and page else None)


def is_following(*, agent: User, ticket: Ticket, account: Account | None = None) -> bool:
    """``account``: the request's, when in hand (the ticket's is then not read). Compiled
    once per account and process (accounts.compiled; issue 17: the ticket page asks)."""
    account = account or ticket.account

    def build(ticket_id: int, agent_id: int):
        follows = TicketFollow.objects.for_account(account)
        return follows.filter(ticket_id=ticket_id, agent_id=agent_id).values_list("pk")[:1]

    key = ("is_following", account.pk)
    return bool(compiled.value_rows(TicketFollow, key, build, (ticket.pk, agent.pk)))


def preferences_for_agent(*, agent: User) -> dict[str, str]:
    """kind → channel, the defaults filled in."""
    chosen = dict(
        NotificationPreference.objects.for_account(agent.account)
        .filter(agent=agent)
        .values_list("kind", "channel")
    )
    return {kind: chosen.get(kind, default) for kind, default in DEFAULT_CHANNELS.items()}


def mention_candidates(*, agent: User, query: str) -> list[dict[str, str]]:
    """Active agents of the viewer's account whose name or address starts with
    ``query``, as the @mention box completes them: the name and the handle the mention
    rule reads (tickets.services.common.mentioned_agents: the address's local part)."""
    query = " ".join((query or "").split())[:60]
    agents = User.objects.for_account(agent.account).agents()
    if query:
        agents = agents.filter(
            Q(name__istartswith=query)
            | Q(name__icontains=f" {query}")
            | Q(email__istartswith=query)
        )
    return [
        {"name": a.name, "handle": a.email.split("@")[0]}
        for a in agents.order_by("name", "id")[:MENTION_CANDIDATES]
    ]
