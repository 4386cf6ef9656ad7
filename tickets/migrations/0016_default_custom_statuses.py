"""Every existing account gets the five built-in custom statuses (one default per
category) and each ticket the default of its status's category (Closed: Solved's). New
accounts get them when they are made (tickets.apps). Rows are written while working for
each account, as row-level security wants; numbers come from the account's counter
(accounts.Sequence), as NumberedTenantModel gives them.

Tickets are not filled here. This migration first did it with one UPDATE per account
and category: at a million tickets, ~10 minutes of a rewrite holding every row it
touched. A ticket without a custom status reads as its category (labels, the help
center, emails, as before issue 19), and ``manage.py backfill_custom_statuses`` fills
them afterwards, a batch per transaction (tickets.services.statuses). A database that
already ran the old version is unaffected (the state is the same; the command finds
nothing to fill)."""

from django.db import migrations

# Frozen copy of tickets.status_models.BUILT_IN_AGENT_LABELS / BUILT_IN_END_USER_LABELS.
BUILT_IN = [
    ("new", "New", "Open"),
    ("open", "Open", "Open"),
    ("pending", "Pending", "Awaiting your reply"),
    ("hold", "On-hold", "Open"),
    ("solved", "Solved", "Solved"),
]


def _account_ids(apps, connection):
    if connection.vendor != "postgresql":
        return list(apps.get_model("accounts", "Account").objects.values_list("id", flat=True))
    # As in 0008: the accounts table's policy is lifted for this one read.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
        cursor.execute("SELECT id FROM accounts_account ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    return ids


def install(apps, schema_editor):
    CustomStatus = apps.get_model("tickets", "CustomStatus")
    connection = schema_editor.connection
    for account_id in _account_ids(apps, connection):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
            have = {
                s.category: s
                for s in CustomStatus.objects.filter(account_id=account_id, is_default=True)
            }
            for position, (category, agent_label, end_user_label) in enumerate(BUILT_IN):
                if category not in have:
                    cursor.execute(
                        "INSERT INTO accounts_sequence (account_id, name, value) "
                        "VALUES (%s, %s, 1) ON CONFLICT (account_id, name) DO UPDATE "
                        "SET value = accounts_sequence.value + 1 RETURNING value",
                        [account_id, "tickets.customstatus"],
                    )
                    have[category] = CustomStatus.objects.create(
                        account_id=account_id,
                        number=cursor.fetchone()[0],
                        category=category,
                        agent_label=agent_label,
                        end_user_label=end_user_label,
                        position=position,
                        is_default=True,
                    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0015_custom_statuses")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
