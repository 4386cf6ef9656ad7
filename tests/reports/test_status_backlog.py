"""The backlog by status (reports.metrics.STATUS_COUNTS): the net moves into each
unsolved status category per day, so their running sum is how many tickets sat in each
at a day's end; a custom status counts under its category."""

from datetime import UTC, date, datetime, timedelta

import time_machine

from reports.metrics import STATUS_COUNTS
from reports.services import account_rebuild
from tests.factories import make_ticket
from tests.reports.test_rollups import _counted, _table
from tickets.services import ticket_update
from tickets.services.statuses import custom_status_create

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _at_end_of_each_day(account):
    """Day -> {measure: tickets in the category at the day's end}."""
    moves = {}
    for key, counts in _table(account).items():
        day = moves.setdefault(key[0], dict.fromkeys(STATUS_COUNTS, 0))
        for m in STATUS_COUNTS:
            day[m] += counts.get(m, 0)
    running, out = dict.fromkeys(STATUS_COUNTS, 0), {}
    for day in sorted(moves):
        for m in STATUS_COUNTS:
            running[m] += moves[day][m]
        out[day] = {m: n for m, n in running.items() if n}
    return out


def test_each_day_ends_with_the_tickets_in_each_status(
    acme, acme_admin, acme_agent, acme_user, run
):
    waiting = custom_status_create(
        account=acme, actor=acme_admin, category="pending", agent_label="Waiting on vendor"
    )
    with time_machine.travel(T0, tick=False) as clock:
        first = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        second = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        clock.shift(timedelta(days=1))
        run(ticket_update, ticket=first, actor=acme_agent, status="pending")
        run(ticket_update, ticket=second, actor=acme_agent, custom_status=waiting)
        clock.shift(timedelta(days=1))
        run(ticket_update, ticket=first, actor=acme_agent, status="hold")
        clock.shift(timedelta(days=1))
        run(ticket_update, ticket=first, actor=acme_agent, status="solved")
        run(ticket_update, ticket=second, actor=acme_agent, status="open")
    assert _at_end_of_each_day(acme) == {
        date(2026, 3, 2): {"unsolved_new": 2},
        date(2026, 3, 3): {"unsolved_pending": 2},
        date(2026, 3, 4): {"unsolved_pending": 1, "unsolved_hold": 1},
        date(2026, 3, 5): {"unsolved_open": 1},
    }
    incremental, counted = _table(acme), _counted(acme)
    account_rebuild(account=acme)
    assert (_table(acme), _counted(acme)) == (incremental, counted)


def test_a_ticket_solved_with_no_change_on_record_was_open_until_its_solve(acme, acme_user):
    """Rows loaded in bulk (the bench's seed) carry no status change: the ticket's own
    solved_at says when it left the backlog."""
    from tickets.models import Ticket

    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
        created_at=T0, status="solved", solved_at=T0 + timedelta(days=2)
    )
    account_rebuild(account=acme)
    by_day = {key[0]: counts for key, counts in _table(acme).items()}
    assert by_day[date(2026, 3, 2)]["unsolved_open"] == 1
    assert by_day[date(2026, 3, 4)]["unsolved_open"] == -1


def test_the_migration_counts_the_status_moves_of_existing_tickets(acme, acme_agent, acme_user):
    """reports 0005: tickets counted before the measures existed get them, in the
    rollups and in ReportTicket (or their next refresh would add them again)."""
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    from reports.services import ticket_refresh

    migration = importlib.import_module("reports.migrations.0005_status_backlog")
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    ticket_update(ticket=ticket, actor=acme_agent, status="pending")
    assert _table(acme) == {}  # no after-commit refresh here: as before the migration
    migration.fill(None, SimpleNamespace(connection=connection))
    (counts,) = _table(acme).values()
    assert counts == {"created": 1, "unsolved_pending": 1}
    ticket_refresh(account_id=acme.pk, ticket_id=ticket.pk)
    assert list(_table(acme).values()) == [counts]


def test_the_page_stacks_the_backlog_by_status_with_its_table_and_csv(
    acme, acme_admin, acme_agent, acme_user, client_for, run
):
    import csv
    import io

    first = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(ticket_update, ticket=first, actor=acme_agent, status="pending")
    client = client_for(acme_admin)
    body = client.get("/agent/reports/", {"preset": "7"}).content.decode()
    assert "Backlog by status" in body
    assert '<rect class="series-2"' in body  # the pending layer of the stack
    response = client.get("/agent/reports/", {"preset": "7", "export": "periods"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-4:] == [
        "Backlog: New",
        "Backlog: Open",
        "Backlog: Pending",
        "Backlog: On-hold",
    ]
    assert rows[-1][-4:] == ["1", "0", "1", "0"]  # today: one new, one pending
