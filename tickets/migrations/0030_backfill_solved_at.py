"""A closed ticket's ``solved_at`` is its solve time (tickets 68b05ef: kept through Solved
→ Closed since then). Tickets closed before that kept their close time there, so the
reports' click-through (reports.clickthrough: the tickets solved in a range, by
``solved_at``) listed them on their close day while the rollups (reports.metrics: the
last move into Solved, from the status changes) count them on their solve day. This
sets it back from the same status changes, per account and in batches of ticket ids (a
million tickets: a few dozen short statements, not one long lock). Only closed tickets
whose recorded solve differs by more than a second; the rollups do not change."""

from django.db import migrations

BATCH = 50_000
_SOLVED = "('solved', 'closed')"
BACKFILL = f"""
UPDATE tickets_ticket t SET solved_at = ls.at
FROM (
    SELECT ticket_id, max(created_at) AS at FROM tickets_ticketevent
    WHERE account_id = %s AND kind = 'change' AND field = 'status'
      AND ticket_id >= %s AND ticket_id < %s
      AND COALESCE(new_value IN {_SOLVED}, false)
      AND NOT COALESCE(old_value IN {_SOLVED}, false)
    GROUP BY ticket_id
) ls
WHERE t.id = ls.ticket_id AND t.account_id = %s AND t.status = 'closed'
  AND (t.solved_at IS NULL OR abs(extract(epoch FROM t.solved_at - ls.at)) > 1)
"""  # noqa: S608 - constants only


def _account_ids(cursor):
    # As in tickets 0016: the accounts table's policy is lifted for this one read.
    cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
    cursor.execute("SELECT id FROM accounts_account ORDER BY id")
    ids = [row[0] for row in cursor.fetchall()]
    cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    return ids


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite: the demo's tickets are made after the fix
    with connection.cursor() as cursor:
        for account_id in _account_ids(cursor):
            backfill_account(cursor, account_id)


def backfill_account(cursor, account_id: int) -> None:
    cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
    cursor.execute(
        "SELECT min(id), max(id) FROM tickets_ticket WHERE account_id = %s", [account_id]
    )
    low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        cursor.execute(BACKFILL, [account_id, start, start + BATCH, account_id])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0029_ticket_tags_gin")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
