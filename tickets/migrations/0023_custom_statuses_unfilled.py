"""Views read a ticket without a custom status as its category's default only while its
account may still have one (issue 19): that reading costs a view on "New" 4.5 ms instead
of 0.06 ms at a million tickets (tickets.conditions), and after ``manage.py
backfill_custom_statuses`` no ticket needs it.

``Account.custom_statuses_unfilled`` starts as whether the account has such a ticket,
and the database keeps it exact whatever writes the tickets (a service, a bulk COPY, an
UPDATE by hand):

- writing a ticket without a custom status sets it, and holds the account row (FOR
  SHARE) until that transaction ends;
- clearing it (the backfill, once it finds nothing left) is undone when the account
  still has such a ticket. The clearing UPDATE waits for a transaction holding the row
  and then looks with a fresh snapshot, so a ticket written concurrently is seen; one
  written after the clearing sets the flag again.

SQLite (make run) keeps no flag: its triggers would name tickets_ticket from another
table, and SQLite's way of altering a table (a copy renamed over the original) breaks on
such a trigger in every later migration that alters tickets; the views there always
read the careful way (tickets.conditions.reads_unfilled), at a development database's
size."""

from django.db import migrations

FLAG = "custom_statuses_unfilled"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION tickets_custom_status_unfilled() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE accounts_account SET {FLAG} = true WHERE id = NEW.account_id AND NOT {FLAG};
    PERFORM 1 FROM accounts_account WHERE id = NEW.account_id FOR SHARE;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER tickets_custom_status_unfilled
    AFTER INSERT OR UPDATE OF custom_status_id ON tickets_ticket
    FOR EACH ROW WHEN (NEW.custom_status_id IS NULL)
    EXECUTE FUNCTION tickets_custom_status_unfilled();

CREATE OR REPLACE FUNCTION accounts_custom_statuses_filled() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (
        SELECT 1 FROM tickets_ticket
        WHERE account_id = NEW.id AND custom_status_id IS NULL
    ) THEN
        NEW.{FLAG} := true;
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER accounts_custom_statuses_filled
    BEFORE UPDATE OF {FLAG} ON accounts_account
    FOR EACH ROW WHEN (OLD.{FLAG} AND NOT NEW.{FLAG})
    EXECUTE FUNCTION accounts_custom_statuses_filled();
"""

# Every account with a ticket still unfilled (the index (account, custom_status, ...)
# answers each EXISTS).
MARK = (
    f"UPDATE accounts_account SET {FLAG} = EXISTS (SELECT 1 FROM tickets_ticket t "
    "WHERE t.account_id = accounts_account.id AND t.custom_status_id IS NULL)"
)
TABLES = ("accounts_account", "tickets_ticket")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES, params=None)
    # As in 0016: the policies are lifted for this one write across accounts.
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY", params=None)
    schema_editor.execute(MARK, params=None)
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS tickets_custom_status_unfilled ON tickets_ticket;"
        "DROP FUNCTION IF EXISTS tickets_custom_status_unfilled();"
        "DROP TRIGGER IF EXISTS accounts_custom_statuses_filled ON accounts_account;"
        "DROP FUNCTION IF EXISTS accounts_custom_statuses_filled();",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0024_account_custom_statuses_unfilled"),
        ("tickets", "0022_ticket_time_worked"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
