"""Every existing account gets the default automations, in its default language (new
accounts get them when they are made, automations.apps). Each account's rows are written
while working for that account, as row-level security wants; numbers come from the
account's counter (accounts.Sequence), as NumberedTenantModel gives them (the pattern of
tickets/migrations/0008). The defaults' conditions name no group, user or organization,
so their stored form is their public one."""

from django.db import migrations

from automations.defaults import default_automations_in


def install(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    Automation = apps.get_model("automations", "Automation")
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
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
            have = set(
                Automation.objects.filter(account_id=account_id).values_list(
                    "default_key", flat=True
                )
            )
            for position, spec in enumerate(default_automations_in(locale or "en"), start=1):
                if spec["key"] in have:
                    continue
                cursor.execute(
                    "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, %s, 1) "
                    "ON CONFLICT (account_id, name) DO UPDATE "
                    "SET value = accounts_sequence.value + 1 RETURNING value",
                    [account_id, "automations.automation"],
                )
                Automation.objects.create(
                    account_id=account_id,
                    number=cursor.fetchone()[0],
                    name=spec["name"],
                    description=spec["description"],
                    active=spec["active"],
                    position=position,
                    conditions=spec["conditions"],
                    actions=spec["actions"],
                    default_key=spec["key"],
                )


class Migration(migrations.Migration):
    dependencies = [("automations", "0001_automations"), ("tickets", "0014_snoozed_view_and_status_times")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
