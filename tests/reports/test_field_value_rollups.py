"""The drop-down value rollups (reports 0008): a ticket counts under each drop-down
field's value it holds (a text field's never), a value changed or cleared moves exactly
its share, and the migration fills them from what the tickets already counted."""

import importlib

from accounts.dbsession import account_context
from customfields.models import FieldKind, TicketField
from reports.models import ReportFieldValueAgentDay, ReportFieldValueDay
from tests.reports.scaffold import assert_the_migration_refills, created_per, tickets_changed
from tests.reports.test_rollups import _value_tables
from tickets.services import ticket_update


def _created_per_value(account):
    return created_per(account, ReportFieldValueDay, "field_number", "value")


def _numbers(account):
    with account_context(account):
        fields = TicketField.objects.for_account(account)
        note = TicketField.objects.create(account=account, kind=FieldKind.TEXT, title="Note")
        return fields.get(title="Impact").number, fields.get(title="Product family").number, note


def test_a_ticket_counts_under_each_value_and_moves_with_them(acme, acme_agent, acme_user, run):
    impact, product, note = _numbers(acme)
    values = {str(impact): "high", str(product): "software", note.key: "free words"}
    ticket, other = tickets_changed(
        acme,
        acme_agent,
        acme_user,
        run,
        [{"custom_fields": values}, {"custom_fields": {str(impact): "high"}}],
    )
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
    impact, product, note = _numbers(acme)
    tickets = tickets_changed(
        acme,
        acme_agent,
        acme_user,
        run,
        [
            {"custom_fields": values, "assignee": acme_agent}
            for values in (
                {str(impact): "high", str(product): "software", note.key: "words"},
                {str(impact): "high"},
                {note.key: "only text"},
                {},
            )
        ],
    )
    assert_the_migration_refills(
        acme,
        importlib.import_module("reports.migrations.0008_field_value_rollups"),
        (ReportFieldValueAgentDay, ReportFieldValueDay),
        "fields",
        _value_tables,
        tickets,
    )
