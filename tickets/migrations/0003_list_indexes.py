"""Indexes for lists at a million tickets (issue 8; measured with ``make bench``).

- ``ticket_unsolved_upd``: "All unsolved tickets" sorted by last update. A partial index
  on exactly Ticket.UNSOLVED gives the rows in order (the status IN list defeats the
  order of ``ticket_acct_status_upd``), and an index-only scan of ids for deep pages.
- ``ticket_acct_org_activity`` / ``ticket_acct_req_activity``: the help center's
  "Organization requests" and "My requests", newest activity first.

PostgreSQL only (partial and DESC expression indexes written as SQL, like 0002).
"""

from django.db import migrations

INDEXES = {
    "ticket_unsolved_upd": "tickets_ticket (account_id, updated_at DESC, id DESC) "
    "WHERE status IN ('new', 'open', 'pending', 'hold')",
    "ticket_acct_org_activity": "tickets_ticket "
    "(account_id, organization_id, last_activity_at DESC, id DESC)",
    "ticket_acct_req_activity": "tickets_ticket "
    "(account_id, requester_id, last_activity_at DESC, id DESC)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_fulltext_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
