"""The reports' click-through lists (issue 26, reports.clickthrough): the tickets created
in a date range, and the tickets solved (or since closed) in one, each read from its own
index instead of the account's tickets. Built CONCURRENTLY (``atomic = False``): at a
million tickets writes go on while they build."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CONCURRENTLY on PostgreSQL; a plain index on SQLite (``make run``), which has no
    such option."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0026_sentiment")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["account", "created_at", "id"], name="ticket_acct_created"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(status__in=["solved", "closed"]),
                fields=["account", "solved_at", "id"],
                name="ticket_acct_solved_range",
            ),
        ),
    ]
