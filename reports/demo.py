"""Ninety days of history for the demo account (``make run``), so the reports have
something to show: tickets opened on every day, answered, mostly solved, some reopened,
some rated. Written as rows, not through the services, so no email goes out for a
ticket "of two months ago"; the rollups are then rebuilt from the rows' history."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import Account, AgentGroup, User
from reports.services import account_rebuild
from satisfaction.models import SatisfactionRating
from tickets.models import Comment, Ticket, TicketEvent

DAYS = 90
TAG = "demo-history"
SUBJECTS = [
    "Invoice shows the wrong VAT number",
    "Cannot sign in after the password reset",
    "Printer offline on the third floor",
    "Export to CSV stops at 1,000 rows",
    "Request for a second licence",
    "Delivery address change",
    "The mobile app crashes on start",
    "Refund for a duplicate payment",
]
COMMENTS = [
    "Quick and friendly, thank you!",
    "Solved on the first reply.",
    "It took three days to get an answer.",
    "The problem came back the next day.",
]


def seed_report_history(account: Account, *, seed: int = 26) -> int:
    """Idempotent: an account that has the history already gets nothing new."""
    if Ticket.objects.for_account(account).filter(tags__contains=TAG).exists():
        return 0
    rnd = random.Random(seed)  # noqa: S311 - demo data, not a secret
    users = list(User.objects.for_account(account).order_by("pk"))
    requesters = [u for u in users if not u.is_agent] or users
    agents = [u for u in users if u.is_agent]
    groups: list[AgentGroup | None] = [*AgentGroup.objects.for_account(account).order_by("pk")]
    groups = groups or [None]
    now = timezone.now()
    plans: list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]] = []
    for days_ago in range(DAYS, 0, -1):
        day = now - dt.timedelta(days=days_ago)
        weekend = day.weekday() >= 5
        for _ in range(rnd.randint(1, 3) if weekend else rnd.randint(4, 9)):
            # The microsecond tells apart two tickets drawn at the same minute.
            created = day.replace(
                hour=rnd.randint(7, 18), minute=rnd.randint(0, 59), microsecond=len(plans)
            )
            reply = created + dt.timedelta(minutes=rnd.lognormvariate(4.2, 1.1))
            solve = reply + dt.timedelta(hours=rnd.lognormvariate(2.5, 1.2))
            solved = solve < now - dt.timedelta(hours=6) and rnd.random() < 0.9
            plans.append((created, reply if reply < now else None, solve if solved else None))
    tickets = []
    for created, _reply, solved_at in plans:
        agent = rnd.choice(agents)
        tickets.append(
            Ticket(
                account=account,
                subject=rnd.choice(SUBJECTS),
                requester=(requester := rnd.choice(requesters)),
                submitter=requester,
                assignee=agent,
                group=rnd.choice(groups),
                organization_id=requester.organization_id,
                status=("closed" if solved_at < now - dt.timedelta(days=30) else "solved")
                if solved_at
                else rnd.choice(["open", "pending", "open"]),
                type=rnd.choice(["incident", "problem", "request", "change"]),
                priority=rnd.choice(["low", "normal", "normal", "high", "urgent"]),
                channel=rnd.choice(["email", "email", "portal", "web", "phone"]),
                tags=TAG,
                created_at=created,
                updated_at=solved_at or created,
                last_activity_at=solved_at or created,
                solved_at=solved_at,
                status_changed_at=solved_at or created,
            )
        )
    Ticket.objects.for_account(account).bulk_create(tickets)
    comments: list[Comment] = []
    for ticket, plan in zip(tickets, plans, strict=True):
        comments.append(_comment(ticket, ticket.requester, "Hello, please help.", plan[0]))
        if plan[1]:
            comments.append(_comment(ticket, ticket.assignee, "Thanks, on it.", plan[1]))
    Comment.objects.for_account(account).bulk_create(comments)
    events: list[TicketEvent] = []
    ratings: list[SatisfactionRating] = []
    by_ticket: dict[int, list[Comment]] = {}
    for comment in comments:
        by_ticket.setdefault(comment.ticket_id, []).append(comment)
    for ticket, (created, _reply, solved_at) in zip(tickets, plans, strict=True):
        events.append(_event(ticket, "created", created, new="public"))
        for comment in by_ticket[ticket.pk]:
            events.append(_event(ticket, "comment", comment.created_at, comment=comment))
        if solved_at is None:
            continue
        if rnd.random() < 0.08:  # solved too soon, reopened, solved again
            first = created + (solved_at - created) / 3
            events.append(_event(ticket, "change", first, field="status", old="open", new="solved"))
            events.append(
                _event(
                    ticket,
                    "change",
                    first + (solved_at - first) / 2,
                    field="status",
                    old="solved",
                    new="open",
                )
            )
        events.append(_event(ticket, "change", solved_at, field="status", old="open", new="solved"))
        # Every solved request was emailed the survey (offered); about half answer it.
        rating = SatisfactionRating(
            account=account,
            ticket=ticket,
            requester=ticket.requester,
            assignee=ticket.assignee,
            group=ticket.group,
            score="offered",
            created_at=solved_at,
            updated_at=solved_at,
        )
        ratings.append(rating)
        if rnd.random() < 0.45:
            rated = solved_at + dt.timedelta(hours=rnd.randint(1, 20))
            score = "good" if rnd.random() < 0.84 else "bad"
            ticket.satisfaction_rating, ticket.satisfaction_at = score, rated
            feedback = rnd.choice(COMMENTS) if rnd.random() < 0.3 else ""
            ticket.satisfaction_comment = feedback
            rating.score, rating.comment, rating.updated_at = score, feedback, rated
    TicketEvent.objects.for_account(account).bulk_create(events)
    Ticket.objects.for_account(account).bulk_update(
        [t for t in tickets if t.satisfaction_rating],
        ["satisfaction_rating", "satisfaction_at", "satisfaction_comment"],
    )
    SatisfactionRating.objects.for_account(account).bulk_create(ratings)
    account_rebuild(account=account)
    return len(tickets)


def _comment(ticket: Ticket, author: User | None, body: str, at: dt.datetime) -> Comment:
    return Comment(
        account_id=ticket.account_id,
        ticket=ticket,
        author=author,
        body=body,
        public=True,
        channel=ticket.channel,
        created_at=at,
    )


def _event(ticket: Ticket, kind: str, at: dt.datetime, **details) -> TicketEvent:
    return TicketEvent(
        account_id=ticket.account_id,
        ticket=ticket,
        actor=ticket.requester if kind == "created" else ticket.assignee,
        kind=kind,
        field=details.get("field", ""),
        old_value=details.get("old", ""),
        new_value=details.get("new", ""),
        comment=details.get("comment"),
        channel=ticket.channel,
        created_at=at,
    )
