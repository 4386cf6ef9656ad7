"""tickets 0029: a ticket closed before solved_at was kept through Closed gets its solve
time back from its status changes, so the click-through's "solved" list puts it on the
day the rollups count it; tickets already right are left alone."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection

from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
migration = importlib.import_module("tickets.migrations.0030_backfill_solved_at")


def test_closed_tickets_get_their_solve_time_back(acme, acme_admin, acme_user):
    with time_machine.travel(T0, tick=False) as clock:
        old = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
        right = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
        clock.shift(timedelta(hours=2))
        for ticket in (old, right):
            ticket_update(ticket=ticket, actor=acme_admin, status="solved")
        clock.shift(timedelta(days=4))
        for ticket in (old, right):
            ticket_update(ticket=ticket, actor=acme_admin, status="closed")
    solved = T0 + timedelta(hours=2)
    tickets = Ticket.objects.for_account(acme)
    assert tickets.get(pk=right.pk).solved_at == solved
    # What a close before the fix left behind: the close time.
    tickets.filter(pk=old.pk).update(solved_at=solved + timedelta(days=4))
    updated_at = tickets.get(pk=old.pk).updated_at
    with connection.cursor() as cursor:
        migration.backfill_account(cursor, acme.pk)
    assert tickets.get(pk=old.pk).solved_at == solved
    assert tickets.get(pk=old.pk).updated_at == updated_at  # no change for sync tools
    assert tickets.get(pk=right.pk).solved_at == solved
