"""Demo time for ``manage.py seed_demo`` (seed 002): a few entries by the demo agents,
one of them logged with an internal note, so the ticket page, the "Time worked" column
and the time report are not empty. Idempotent: nothing is added once the account has
time logged."""

from __future__ import annotations

from accounts.models import Account, User
from tickets.models import Ticket
from tickets.services import ticket_reply
from timeworked.models import TimeEntry
from timeworked.services import time_log

# (agent's email, minutes) per ticket, oldest tickets first.
SPENT = [
    ("agent@demo.example", 45),
    ("agent2@demo.example", 20),
    ("agent@demo.example", 90),
    ("agent2@demo.example", 35),
    ("agent@demo.example", 15),
]


def seed_demo_time(account: Account) -> None:
    if TimeEntry.objects.for_account(account).exists():
        return
    agents = {
        user.email: user
        for user in User.objects.for_account(account).filter(email__in=[e for e, _m in SPENT])
    }
    tickets = list(
        Ticket.objects.for_account(account)
        .exclude(status=Ticket.Status.CLOSED)
        .order_by("number")[: len(SPENT)]
    )
    for ticket, (email, minutes) in zip(tickets, SPENT, strict=False):
        agent = agents.get(email)
        if agent is None:
            continue
        time_log(ticket=ticket, actor=agent, seconds=minutes * 60)
    if tickets and (agent := agents.get(SPENT[0][0])) is not None:
        ticket_reply(
            ticket=tickets[0],
            author=agent,
            body="Reproduced the problem and checked the logs.",
            public=False,
            extras={"time_spent": "25m"},
        )
