"""The default "Notify the group of an SLA breach warning" now ships on (automations.
defaults): existing accounts whose copy nobody has edited nor switched (its updated_at is
still its created_at, to the second) get it on too; one an admin touched keeps the admin's choice. Each
account's rows are written while working for it, as row-level security wants (the pattern
of 0002)."""

import datetime as dt

from django.db import migrations
from django.db.models import F


def switch_on(apps, schema_editor):
    Automation = apps.get_model("automations", "Automation")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
            cursor.execute("SELECT id FROM accounts_account ORDER BY id")
            accounts = [row[0] for row in cursor.fetchall()]
            cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    else:
        accounts = list(apps.get_model("accounts", "Account").objects.values_list("id", flat=True))
    for account_id in accounts:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
        Automation.objects.filter(
            account_id=account_id,
            default_key="sla_breach_warning",
            active=False,
            updated_at__lt=F("created_at") + dt.timedelta(seconds=1),
        ).update(active=True)


class Migration(migrations.Migration):
    dependencies = [("automations", "0002_defaults_for_existing_accounts")]

    operations = [migrations.RunPython(switch_on, migrations.RunPython.noop)]
