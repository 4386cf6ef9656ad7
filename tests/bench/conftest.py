"""Fixtures of the plan tests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from tests.reports.conftest import run  # noqa: F401 - the reports' plan tests use it
from tickets.models import Ticket


@pytest.fixture
def some_tickets(acme, acme_agent, acme_user):
    """Enough rows, analysed, that the planner's choice is the one it makes at scale
    rather than a tie on a near-empty table (seen: the account's unique index chosen for
    the wake-up query on an empty table)."""
    now = timezone.now()
    statuses = ["open", "pending", "hold", "solved", "closed"]
    Ticket.objects.for_account(acme).bulk_create(
        Ticket(
            account=acme,
            subject=f"Filler {n}",
            requester=acme_user,
            submitter=acme_agent,
            status=statuses[n % 5],
            solved_at=now if statuses[n % 5] in ("solved", "closed") else None,
            status_changed_at=now,
        )
        for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
