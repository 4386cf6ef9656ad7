"""The seven fixed lists become ordinary shared views: every existing account gets them
(new accounts get them when they are made, tickets.apps). Each account's rows are written
while working for that account, as row-level security wants; numbers come from the
account's counter (accounts.Sequence), as NumberedTenantModel gives them."""

from django.db import migrations

UNSOLVED = {"field": "status", "operator": "less_than", "value": "solved"}
COLUMNS = ["number", "subject", "requester", "status", "priority", "assignee", "group", "updated"]
# Frozen copies of tickets.services.saved_views.DEFAULT_VIEWS and DEFAULT_VIEW_TITLES.
VIEWS = [
    (
        "mine",
        "Your unsolved tickets",
        [{"field": "assignee_id", "operator": "is", "value": "current_user"}, UNSOLVED],
    ),
    (
        "unassigned",
        "Unassigned tickets",
        [{"field": "assignee_id", "operator": "is", "value": None}, UNSOLVED],
    ),
    ("unsolved", "All unsolved tickets", [UNSOLVED]),
    ("recent", "Recently updated", []),
    ("pending", "Pending", [{"field": "status", "operator": "is", "value": "pending"}]),
    ("solved", "Solved", [{"field": "status", "operator": "greater_than", "value": "hold"}]),
    ("private", "Private tickets", [{"field": "is_public", "operator": "is", "value": False}]),
]


def install(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    View = apps.get_model("tickets", "View")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # The accounts table's policy shows a role only the account it works for, and
        # FORCE binds its owner too (a migrating owner that is not a superuser would see
        # no account at all): lifted for this one read, inside the migration's transaction.
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
            cursor.execute("SELECT id FROM accounts_account ORDER BY id")
            account_ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    else:
        account_ids = list(Account.objects.values_list("id", flat=True))
    for account_id in account_ids:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
            have = set(View.objects.filter(account_id=account_id).values_list("key", flat=True))
            for position, (key, title, conditions) in enumerate(VIEWS):
                if key in have:
                    continue
                cursor.execute(
                    "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, %s, 1) "
                    "ON CONFLICT (account_id, name) DO UPDATE "
                    "SET value = accounts_sequence.value + 1 RETURNING value",
                    [account_id, "tickets.view"],
                )
                number = cursor.fetchone()[0]
                View.objects.create(
                    account_id=account_id,
                    number=number,
                    key=key,
                    title=title,
                    conditions={"all": conditions, "any": []},
                    columns=COLUMNS,
                    position=position,
                )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_views")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
