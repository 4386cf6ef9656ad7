"""History rows remember the transaction that wrote them (api.audits groups them by it).

Added without a default first, then given one: a volatile default (txid_current())
in ADD COLUMN would rewrite every existing row; SET DEFAULT only applies to new rows,
and the old ones stay null (the audits fall back to grouping them by time)."""

from django.db import migrations, models

import tickets.db_functions


def add_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE tickets_ticketevent ADD COLUMN transaction_id bigint NULL")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE tickets_ticketevent ALTER COLUMN transaction_id SET DEFAULT txid_current()"
        )


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE tickets_ticketevent DROP COLUMN transaction_id")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_deleted_ticket_and_event_time_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # SQLite (make run) gets the column without a default: no transaction ids.
                migrations.RunPython(add_column, drop_column)
            ],
            state_operations=[
                migrations.AddField(
                    model_name="ticketevent",
                    name="transaction_id",
                    field=models.BigIntegerField(
                        db_default=tickets.db_functions.CurrentTransactionId(),
                        editable=False,
                        null=True,
                    ),
                )
            ],
        )
    ]
