"""Users get ``updated_at`` (issue 23): the incremental users export walked their
creation time, so a sync tool never saw a user change. Existing users start at their
creation time. On PostgreSQL a BEFORE UPDATE trigger moves it (to the clock, not the
transaction's start: a later write in one transaction is later) whenever a row changes
and the write did not set it itself: QuerySet.update() and save(update_fields=[...])
bypass Django's auto_now. SQLite (make run) relies on auto_now alone."""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION accounts_user_touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
       AND ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
        NEW.updated_at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER accounts_user_touch BEFORE UPDATE ON accounts_user
    FOR EACH ROW EXECUTE FUNCTION accounts_user_touch();
"""


def forwards(apps, schema_editor):
    schema_editor.execute("UPDATE accounts_user SET updated_at = created_at", params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_user_touch ON accounts_user")
        schema_editor.execute("DROP FUNCTION IF EXISTS accounts_user_touch()")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0021_people_fields_gin"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["account", "updated_at", "id"], name="user_acct_updated"),
        ),
    ]
