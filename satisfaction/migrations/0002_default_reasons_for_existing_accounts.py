"""Every existing account gets the standard reasons for a bad rating (new accounts get
them when they are made, satisfaction.apps); the pattern of
automations/migrations/0002: each account's rows written while working for it."""

from django.db import migrations

from satisfaction.models import DEFAULT_REASON_TITLES


def install(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    Reason = apps.get_model("satisfaction", "SatisfactionReason")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
            cursor.execute("SELECT id FROM accounts_account ORDER BY id")
            accounts = [row[0] for row in cursor.fetchall()]
            cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    else:
        accounts = list(Account.objects.values_list("id", flat=True))
    for account_id in accounts:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
            have = set(Reason.objects.filter(account_id=account_id).values_list("key", flat=True))
            for position, (key, title) in enumerate(DEFAULT_REASON_TITLES.items()):
                if key in have:
                    continue
                cursor.execute(
                    "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, %s, 1) "
                    "ON CONFLICT (account_id, name) DO UPDATE "
                    "SET value = accounts_sequence.value + 1 RETURNING value",
                    [account_id, "satisfaction.satisfactionreason"],
                )
                Reason.objects.create(
                    account_id=account_id,
                    number=cursor.fetchone()[0],
                    key=key,
                    title=title,
                    position=position,
                )


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0001_satisfaction")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
