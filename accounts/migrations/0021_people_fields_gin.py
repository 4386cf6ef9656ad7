"""GIN indexes on people's field values (issue 19): a view or an automation testing the
requester's or the ticket organization's field ("requester's plan is pro") finds those
people through the index (containment, jsonb_path_ops as tickets' custom_fields), then
their tickets through the requester and organization indexes, instead of reading every
user. Built CONCURRENTLY, so an upgrade does not block sign-ups and profile edits while
it builds. PostgreSQL only; SQLite (make run) filters without an index."""

from django.db import migrations

INDEXES = {
    "user_fields_gin": "accounts_user USING gin (user_fields jsonb_path_ops)",
    "organization_fields_gin": (
        "accounts_organization USING gin (organization_fields jsonb_path_ops)"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("accounts", "0020_agent_roles")]

    operations = [migrations.RunPython(create, drop)]
