"""The GIN index of the articles' full-text vectors (knowledge.selectors.search_articles).

PostgreSQL only, as tickets/migrations/0002; on SQLite the vector stays NULL and the
search matches substrings. The vector is written by knowledge.services in the
translation's own language configuration (italian, spanish, english).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kb_translation_search "
            "ON knowledge_articletranslation USING gin (search_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_translation_search")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_knowledge")]

    operations = [migrations.RunPython(create, drop)]
