"""GIN indexes for the help center's full-text search (portal.selectors.search_requests).

PostgreSQL only: the expressions are exactly those Django writes for
SearchVector("subject"/"body", config="simple"), so the planner can use them. On SQLite
(`make run`) the search falls back to substring matching and nothing is created here.
"""

from django.db import migrations

INDEXES = {
    "ticket_subject_fts": (
        "tickets_ticket",
        "to_tsvector('simple'::regconfig, COALESCE(\"subject\", ''))",
    ),
    "comment_body_fts": (
        "tickets_comment",
        "to_tsvector('simple'::regconfig, COALESCE(\"body\", ''))",
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
