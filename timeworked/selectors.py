"""Time worked's reads: a ticket's total per agent and the agent's running timer (the
ticket page), and the totals per agent and per organization (the report and its CSV)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum

from accounts.models import Account, User
from tickets.models import Ticket
from timeworked.models import TimeEntry, TimeTimer


def time_by_agent_on_ticket(*, ticket: Ticket) -> list[dict]:
    """[{"agent__name", "seconds"}], most time first."""
    rows = (
        TimeEntry.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .values("agent__name")
        .annotate(seconds=Sum("seconds"))
        .order_by("-seconds", "agent__name")
    )
    return [dict(row) for row in rows]


def entries_for_ticket(*, ticket: Ticket) -> list[dict]:
    """The ticket's time entries, oldest first, as the API shows them."""
    rows = (
        TimeEntry.objects.for_account(ticket.account)
        .filter(ticket=ticket)
        .order_by("created_at", "id")
        .values("agent__number", "seconds", "comment_id", "created_at")
    )
    return list(rows)


def comment_seconds(*, ticket: Ticket) -> dict[int, int]:
    """{comment id: seconds logged with it} for the ticket's comments."""
    rows = (
        TimeEntry.objects.for_account(ticket.account)
        .filter(ticket=ticket, comment__isnull=False)
        .values("comment_id")
        .annotate(seconds=Sum("seconds"))
    )
    return {row["comment_id"]: row["seconds"] for row in rows}


def running_timer(*, ticket: Ticket, agent: User) -> TimeTimer | None:
    return TimeTimer.objects.for_account(ticket.account).filter(ticket=ticket, agent=agent).first()


def time_totals(
    *,
    account: Account,
    by: str,
    since: datetime.datetime,
    until: datetime.datetime,
    tickets: Q | None = None,
) -> list[dict]:
    """The time logged between ``since`` and ``until``, per agent (``by="agent"``) or per
    the ticket's organization (``by="organization"``): [{"name", "seconds", "tickets"}].
    ``tickets``: the report scope's filter (prefixed "ticket__")."""
    key = {"agent": "agent__name", "organization": "ticket__organization__name"}[by]
    rows = (
        TimeEntry.objects.for_account(account)
        .filter(tickets or Q(), created_at__gte=since, created_at__lt=until)
        .values(key)
        .annotate(seconds=Sum("seconds"), tickets=Count("ticket", distinct=True))
        .order_by("-seconds", key)
    )
    return [
        {"name": row[key] or "", "seconds": row["seconds"], "tickets": row["tickets"]}
        for row in rows
    ]
