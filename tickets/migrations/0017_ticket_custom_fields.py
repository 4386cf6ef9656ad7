"""Tickets keep their admin-defined fields' values in one JSONB column (issue 19;
customfields/values.py says why, with the measurements).

The column gets a database default ('{}'), so rows written without it (the bench's COPY)
are valid, and adding it to a million tickets is a catalogue change, not a rewrite. The
GIN index (jsonb_path_ops: containment only, a third of the default operator class's
size) serves "drop-down is X", "checkbox is checked" and "multi-select includes X" for
every field at once. PostgreSQL only; SQLite (make run) filters without an index.
"""

from django.db import migrations, models


def add_column(apps, schema_editor):
    kind = "jsonb" if schema_editor.connection.vendor == "postgresql" else "text"
    schema_editor.execute(
        f"ALTER TABLE tickets_ticket ADD COLUMN custom_fields {kind} NOT NULL DEFAULT '{{}}'"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ticket_custom_fields_gin ON tickets_ticket "
            "USING gin (custom_fields jsonb_path_ops)"
        )


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_custom_fields_gin")
    schema_editor.execute("ALTER TABLE tickets_ticket DROP COLUMN custom_fields")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0016_default_custom_statuses")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="ticket",
                    name="custom_fields",
                    field=models.JSONField(blank=True, default=dict, verbose_name="custom fields"),
                )
            ],
        )
    ]
