"""The tag rollups (reports 0006): a ticket counts under each tag it carries, a tag added
or removed moves exactly its share, and the migration fills them from what the tickets
already counted."""

import importlib

from reports.models import ReportTagAgentDay, ReportTagDay
from tests.reports.scaffold import assert_the_migration_refills, created_per, tickets_changed
from tests.reports.test_rollups import _tag_tables
from tickets.services import ticket_update


def _created_per_tag(account):
    return created_per(account, ReportTagDay, "tag")


def test_a_ticket_counts_under_each_tag_and_moves_with_them(acme, acme_agent, acme_user, run):
    ticket, other = tickets_changed(
        acme, acme_agent, acme_user, run, [{"tags": "vip billing"}, {"tags": "vip"}]
    )
    assert _created_per_tag(acme) == {"billing": 1, "vip": 2}
    run(ticket_update, ticket=ticket, actor=acme_agent, tags="billing refund")
    assert _created_per_tag(acme) == {"billing": 1, "refund": 1, "vip": 1}
    run(ticket_update, ticket=other, actor=acme_agent, tags="")
    assert _created_per_tag(acme) == {"billing": 1, "refund": 1}


def test_the_migration_fills_the_tag_rollups_from_the_stored_contributions(
    acme, acme_agent, acme_user, run
):
    tickets = tickets_changed(
        acme,
        acme_agent,
        acme_user,
        run,
        [{"tags": tags, "assignee": acme_agent} for tags in ("vip billing", "vip", "")],
    )
    assert_the_migration_refills(
        acme,
        importlib.import_module("reports.migrations.0006_tag_rollups"),
        (ReportTagAgentDay, ReportTagDay),
        "tags",
        _tag_tables,
        tickets,
    )
