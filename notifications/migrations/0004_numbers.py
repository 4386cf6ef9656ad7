"""Triggers and suppressed addresses get per-account numbers, as tickets
have: settings URLs carried their primary keys. Existing rows are numbered 1, 2, 3… in
each account in the order they were made, and each account's counter (accounts.Sequence,
which NumberedTenantModel allocates from) continues after the last.

The tables force row-level security on their owner too, so with no account set they
would look empty here: the policy is lifted for this transaction only (the migration
runs as the owner; a superuser ignores it anyway), and restored before it ends."""

from django.db import migrations, models

TABLES = {
    "notifications_trigger": "notifications.trigger",
    "notifications_suppression": "notifications.suppression",
}
SEQUENCES = "accounts_sequence"


def _forced(cursor, table: str) -> bool:
    cursor.execute("SELECT relforcerowsecurity FROM pg_class WHERE oid = %s::regclass", [table])
    row = cursor.fetchone()
    return bool(row and row[0])


def number_existing_rows(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        lifted = []
        if postgres:
            for table in [*TABLES, SEQUENCES]:
                if _forced(cursor, table):
                    cursor.execute(f"ALTER TABLE {quote(table)} NO FORCE ROW LEVEL SECURITY")
                    lifted.append(table)
        for table, name in TABLES.items():
            t = quote(table)
            # One statement per table.
            cursor.execute(
                f"UPDATE {t} SET number = numbered.n FROM ("  # noqa: S608
                f"SELECT id, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY id) AS n "
                f"FROM {t}) AS numbered WHERE {t}.id = numbered.id"
            )
            cursor.execute(
                f"INSERT INTO {quote(SEQUENCES)} (account_id, name, value) "  # noqa: S608
                f"SELECT account_id, %s, MAX(number) FROM {t} GROUP BY account_id",
                [name],
            )
        if lifted:
            # The counters' foreign keys are checked now, not at COMMIT: PostgreSQL alters
            # no table with checks still pending on it.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in lifted:
            cursor.execute(f"ALTER TABLE {quote(table)} FORCE ROW LEVEL SECURITY")


def forget_counters(apps, schema_editor):
    Sequence = apps.get_model("accounts", "Sequence")
    Sequence._base_manager.filter(name__in=TABLES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_trigram_search_indexes"),
        ("notifications", "0003_suppression"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=model,
                name="number",
                field=models.PositiveBigIntegerField(
                    editable=False, null=True, verbose_name="number"
                ),
            )
            for model in ("trigger", "suppression")
        ),
        migrations.RunPython(number_existing_rows, forget_counters),
    ]
