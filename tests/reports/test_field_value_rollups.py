"""The drop-down value rollups (reports 0008): a ticket counts under each drop-down
field's value it holds (a text field's never), a value changed or cleared moves exactly
its share, and the migration fills them from what the tickets already counted."""

import importlib
from types import SimpleNamespace

from django.db import connection

from accounts.dbsession import account_context
from customfields.models import FieldKind, TicketField
from reports.models import ReportFieldValueAgentDay, ReportFieldValueDay, ReportTicket
from reports.services import ticket_refresh
from tests.factories import make_ticket
from tests.reports.test_rollups import _value_tables
from tickets.services import ticket_update


def _created_per_value(account):
    with account_context(account):
        rows = ReportFieldValueDay.objects.for_account(account).values_list(
            "field_number", "value", "created"
        )
        out = {}
        for number, value, created in rows:
            out[(number, value)] = out.get((number, value), 0) + created
        return {key: n for key, n in out.items() if n}


def _numbers(account):
    with account_context(account):
        fields = TicketField.objects.for_account(account)
        note = TicketField.objects.create(account=account, kind=FieldKind.TEXT, title="Note")
        return fields.get(title="Impact").number, fields.get(title="Product family").number, note


def test_a_ticket_counts_under_each_value_and_moves_with_them(acme, acme_agent, acme_user, run):
    impact, product, note = _numbers(acme)
    ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    values = {str(impact): "high", str(product): "software", note.key: "free words"}
    run(ticket_update, ticket=ticket, actor=acme_agent, custom_fields=values)
    other = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(ticket_update, ticket=other, actor=acme_agent, custom_fields={str(impact): "high"})
    assert _created_per_value(acme) == {(impact, "high"): 2, (product, "software"): 1}
    run(ticket_update, ticket=ticket, actor=acme_agent, custom_fields={str(impact): "low"})
    assert _created_per_value(acme) == {
        (impact, "high"): 1,
        (impact, "low"): 1,
        (product, "software"): 1,
    }
    run(ticket_update, ticket=other, actor=acme_agent, custom_fields={str(impact): ""})
    assert _created_per_value(acme) == {(impact, "low"): 1, (product, "software"): 1}


def test_the_migration_fills_the_value_rollups_from_the_stored_contributions(
    acme, acme_agent, acme_user, run
):
    migration = importlib.import_module("reports.migrations.0008_field_value_rollups")
    impact, product, note = _numbers(acme)
    tickets = []
    for values in (
        {str(impact): "high", str(product): "software", note.key: "words"},
        {str(impact): "high"},
        {note.key: "only text"},
        {},
    ):
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(
            ticket_update,
            ticket=ticket,
            actor=acme_agent,
            custom_fields=values,
            assignee=acme_agent,
        )
        tickets.append(ticket)
    kept = _value_tables(acme)
    assert kept[0] and kept[1]
    # As before the migration: no value rows, no values in what each ticket counted.
    with account_context(acme):
        ReportFieldValueAgentDay.objects.for_account(acme).delete()
        ReportFieldValueDay.objects.for_account(acme).delete()
        for stored in ReportTicket.objects.for_account(acme):
            stored.counted.pop("fields")
            stored.save(update_fields=["counted"])
    migration.fill(None, SimpleNamespace(connection=connection))
    assert _value_tables(acme) == kept
    # Each ticket's next refresh finds the values it counted under: nothing moves.
    for ticket in tickets:
        ticket_refresh(account_id=acme.pk, ticket_id=ticket.pk)
    assert _value_tables(acme) == kept
