"""The reports' tag filter (issue 26, reports.attributes): the tickets carrying a tag,
read from a GIN index over the words of their space-separated tags
(``string_to_array(tags, ' ') @> ARRAY['vip']``) instead of the account's tickets.
Built CONCURRENTLY (``atomic = False``): at a million tickets writes go on while it
builds. PostgreSQL only; SQLite (make run) filters the words without an index."""

from django.db import migrations

CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_tags_gin ON tickets_ticket "
    "USING gin (string_to_array(tags, ' '))"
)
DROP = "DROP INDEX CONCURRENTLY IF EXISTS ticket_tags_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0028_chat_channel")]

    operations = [migrations.RunPython(create, drop)]
