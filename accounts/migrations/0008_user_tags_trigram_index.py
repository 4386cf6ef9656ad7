"""A trigram index on users' tags (issue 21): the admins' users list filters by one tag
with LIKE patterns (accounts.selectors.users_for_admin). At 100,000 users the count of
"?tag=vip" read every row (158 ms); from this index it reads the matches. PostgreSQL only,
like 0002."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS user_tags_trgm ON accounts_user USING gin (tags gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS user_tags_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_user_tags_notes_and_name_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
