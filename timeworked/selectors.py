"""Time worked's reads: a ticket's total per agent and the agent's running timer (the
ticket page), and the totals per agent and per organization (the report and its CSV)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from accounts import compiled
from accounts.models import Account, User
from tickets.models import Ticket
from timeworked.models import TimeEntry, TimeSettings, TimeTimer


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
    return [dict(row) for row in rows]


def comment_seconds(*, ticket: Ticket) -> dict[int, int]:
    """{comment id: seconds logged with it} for the ticket's comments."""
    rows = (
        TimeEntry.objects.for_account(ticket.account)
        .filter(ticket=ticket, comment__isnull=False)
        .values("comment_id")
        .annotate(seconds=Sum("seconds"))
    )
    return {row["comment_id"]: row["seconds"] for row in rows}


def ticket_page_time(*, ticket: Ticket, agent: User) -> dict:
    """What the ticket page needs of time worked, in one query: when the agent's timer on
    the ticket started (None: not running) and whether the account requires the time
    spent on every update. Compiled once per account and process (accounts.compiled:
    the subqueries' compiling was most of its cost, issue 17)."""
    account = ticket.account

    def build(ticket_id: int, agent_id: int) -> QuerySet:
        timers = TimeTimer.objects.for_account(account).filter(
            ticket_id=ticket_id, agent_id=agent_id
        )
        required = TimeSettings.objects.for_account(account).filter(require_on_update=True)
        return (
            Account.objects.filter(pk=account.pk)
            .annotate(
                timer_started=Subquery(timers.values("started_at")[:1]),
                # OuterRef keeps the subquery correlated (the account's own row).
                required=Exists(required.filter(account=OuterRef("pk"))),
            )
            .values_list("timer_started", "required")
        )

    [(timer_started, required)] = compiled.value_rows(
        Account, ("ticket_page_time", account.pk), build, (ticket.pk, agent.pk)
    )
    return {"timer_started": timer_started, "required": required}


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
