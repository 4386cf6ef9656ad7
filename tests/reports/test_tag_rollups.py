"""The tag rollups (reports 0006): a ticket counts under each tag it carries, a tag added
or removed moves exactly its share, and the migration fills them from what the tickets
already counted."""

import importlib
from types import SimpleNamespace

from django.db import connection

from accounts.dbsession import account_context
from reports.models import ReportTagAgentDay, ReportTagDay, ReportTicket
from reports.services import ticket_refresh
from tests.factories import make_ticket
from tests.reports.test_rollups import _tag_tables
from tickets.services import ticket_update


def _created_per_tag(account):
    with account_context(account):
        rows = ReportTagDay.objects.for_account(account).values_list("tag", "created")
        out = {}
        for tag, created in rows:
            out[tag] = out.get(tag, 0) + created
        return {tag: n for tag, n in out.items() if n}


def test_a_ticket_counts_under_each_tag_and_moves_with_them(acme, acme_agent, acme_user, run):
    ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(ticket_update, ticket=ticket, actor=acme_agent, tags="vip billing")
    other = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(ticket_update, ticket=other, actor=acme_agent, tags="vip")
    assert _created_per_tag(acme) == {"billing": 1, "vip": 2}
    run(ticket_update, ticket=ticket, actor=acme_agent, tags="billing refund")
    assert _created_per_tag(acme) == {"billing": 1, "refund": 1, "vip": 1}
    run(ticket_update, ticket=other, actor=acme_agent, tags="")
    assert _created_per_tag(acme) == {"billing": 1, "refund": 1}


def test_the_migration_fills_the_tag_rollups_from_the_stored_contributions(
    acme, acme_agent, acme_user, run
):
    migration = importlib.import_module("reports.migrations.0006_tag_rollups")
    tickets = []
    for tags in ("vip billing", "vip", ""):
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=acme_agent, tags=tags, assignee=acme_agent)
        tickets.append(ticket)
    kept = _tag_tables(acme)
    assert kept[0] and kept[1]
    # As before the migration: no tag rows, no tags in what each ticket counted.
    with account_context(acme):
        ReportTagAgentDay.objects.for_account(acme).delete()
        ReportTagDay.objects.for_account(acme).delete()
        for stored in ReportTicket.objects.for_account(acme):
            stored.counted.pop("tags")
            stored.save(update_fields=["counted"])
    migration.fill(None, SimpleNamespace(connection=connection))
    assert _tag_tables(acme) == kept
    # Each ticket's next refresh finds the tags it counted under: nothing moves.
    for ticket in tickets:
        ticket_refresh(account_id=acme.pk, ticket_id=ticket.pk)
    assert _tag_tables(acme) == kept
