"""Trigram indexes for the requester search of the new-ticket form (issue 8): name and
organization name "contains", email "starts with"/"ends with" over 50,000 users. The
expressions are those Django writes for icontains/istartswith/iendswith (UPPER(col)),
so PostgreSQL answers them from the indexes. PostgreSQL only; pg_trgm is a trusted
extension (the database owner may create it)."""

from django.db import migrations

INDEXES = {
    "user_name_trgm": "accounts_user USING gin (UPPER(name::text) gin_trgm_ops)",
    "user_email_trgm": "accounts_user USING gin (UPPER(email::text) gin_trgm_ops)",
    "organization_name_trgm": "accounts_organization USING gin (UPPER(name::text) gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
