"""Every existing account gets the default escalation stages (new accounts get them
when they are made, escalations.apps); the pattern of satisfaction/migrations/0002."""

from django.db import migrations

from escalations.models import DEFAULT_STAGE_NAMES


def install(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    Stage = apps.get_model("escalations", "EscalationStage")
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
            have = set(Stage.objects.filter(account_id=account_id).values_list("key", flat=True))
            for position, (key, title) in enumerate(DEFAULT_STAGE_NAMES.items()):
                if key in have:
                    continue
                cursor.execute(
                    "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, %s, 1) "
                    "ON CONFLICT (account_id, name) DO UPDATE "
                    "SET value = accounts_sequence.value + 1 RETURNING value",
                    [account_id, "escalations.escalationstage"],
                )
                Stage.objects.create(
                    account_id=account_id,
                    number=cursor.fetchone()[0],
                    key=key,
                    name=title,
                    position=position,
                )


class Migration(migrations.Migration):
    dependencies = [("escalations", "0002_ticket_escalated_index")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
