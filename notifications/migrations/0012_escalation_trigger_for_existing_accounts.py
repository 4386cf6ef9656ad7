"""Every existing account gets the default trigger "Notify requester of escalation
progress", inactive (new accounts get it with the other defaults,
notifications.services.triggers_install_defaults); in the account's default language,
skipped where an admin already has a trigger of that name. The pattern of
satisfaction/migrations/0002: each account's rows written while working for it."""

from django.db import migrations
from django.db.models import Max

from notifications.defaults import default_triggers_in

KEY = "requester_escalation"


def install(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    Trigger = apps.get_model("notifications", "Trigger")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
            cursor.execute("SELECT id, default_locale FROM accounts_account ORDER BY id")
            accounts = cursor.fetchall()
            cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    else:
        accounts = list(Account.objects.values_list("id", "default_locale"))
    for account_id, locale in accounts:
        spec = next(s for s in default_triggers_in(locale or "en") if s["key"] == KEY)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
            mine = Trigger.objects.filter(account_id=account_id)
            if mine.filter(default_key=KEY).exists() or mine.filter(name=spec["name"]).exists():
                continue
            cursor.execute(
                "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, %s, 1) "
                "ON CONFLICT (account_id, name) DO UPDATE "
                "SET value = accounts_sequence.value + 1 RETURNING value",
                [account_id, "notifications.trigger"],
            )
            number = cursor.fetchone()[0]
            last = mine.aggregate(m=Max("position"))["m"]
            Trigger.objects.create(
                account_id=account_id,
                number=number,
                name=spec["name"],
                description=spec["description"],
                active=False,
                position=(last or 0) + 1,
                conditions=spec["conditions"],
                actions=spec["actions"],
                default_key=KEY,
            )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0011_delivery_kinds"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
