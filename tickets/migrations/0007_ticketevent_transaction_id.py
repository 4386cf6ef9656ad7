"""History rows remember the transaction that wrote them (api.audits groups them by it).

Added without a default first, then given one: a volatile default (txid_current())
in ADD COLUMN would rewrite every existing row; SET DEFAULT only applies to new rows,
and the old ones stay null (the audits fall back to grouping them by time)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_retention_policy")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE tickets_ticketevent ADD COLUMN transaction_id bigint NULL; "
                    "ALTER TABLE tickets_ticketevent "
                    "ALTER COLUMN transaction_id SET DEFAULT txid_current();",
                    "ALTER TABLE tickets_ticketevent DROP COLUMN transaction_id;",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="ticketevent",
                    name="transaction_id",
                    field=models.BigIntegerField(
                        db_default=models.Func(
                            function="txid_current", output_field=models.BigIntegerField()
                        ),
                        editable=False,
                        null=True,
                    ),
                )
            ],
        )
    ]
