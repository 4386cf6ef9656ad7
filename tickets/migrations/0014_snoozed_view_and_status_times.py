"""Issue 20: every existing account gets the "Snoozed" view, and its working default
views (left as they were made) leave snoozed tickets out, as a new account's do
(tickets.services.saved_views). Pending and on-hold tickets count their "hours since"
from their last update (the closest the table knows; new changes record the exact time).
Each account's rows are written while working for that account, as row-level security
wants (the pattern of 0008)."""

from django.db import migrations
from django.db.models import F

UNSOLVED = {"field": "status", "operator": "less_than", "value": "solved"}
AWAKE = {"field": "snoozed", "operator": "is", "value": False}
COLUMNS = ["number", "subject", "requester", "status", "priority", "assignee", "group", "updated"]
# Frozen: the working views' conditions as 0008 made them → with AWAKE added.
WORKING = {
    "mine": [{"field": "assignee_id", "operator": "is", "value": "current_user"}, UNSOLVED],
    "unassigned": [{"field": "assignee_id", "operator": "is", "value": None}, UNSOLVED],
    "unsolved": [UNSOLVED],
    "pending": [{"field": "status", "operator": "is", "value": "pending"}],
}
SNOOZED = ("snoozed", "Snoozed", [{"field": "snoozed", "operator": "is", "value": True}, UNSOLVED])


def _account_ids(apps, connection):
    Account = apps.get_model("accounts", "Account")
    if connection.vendor != "postgresql":
        return list(Account.objects.values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
        cursor.execute("SELECT id FROM accounts_account ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    return ids


def install(apps, schema_editor):
    View = apps.get_model("tickets", "View")
    Ticket = apps.get_model("tickets", "Ticket")
    connection = schema_editor.connection
    for account_id in _account_ids(apps, connection):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
            views = View.objects.filter(account_id=account_id)
            for view in views.filter(key__in=list(WORKING)):
                if view.conditions == {"all": WORKING[view.key], "any": []}:
                    view.conditions = {"all": [*WORKING[view.key], AWAKE], "any": []}
                    view.save(update_fields=["conditions"])
            if not views.filter(key=SNOOZED[0]).exists():
                cursor.execute(
                    "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, %s, 1) "
                    "ON CONFLICT (account_id, name) DO UPDATE "
                    "SET value = accounts_sequence.value + 1 RETURNING value",
                    [account_id, "tickets.view"],
                )
                number = cursor.fetchone()[0]
                last = views.order_by("-position").values_list("position", flat=True).first()
                View.objects.create(
                    account_id=account_id,
                    number=number,
                    key=SNOOZED[0],
                    title=SNOOZED[1],
                    conditions={"all": SNOOZED[2], "any": []},
                    columns=COLUMNS,
                    position=(last or 0) + 1,
                )
            Ticket.objects.filter(
                account_id=account_id, status__in=["pending", "hold"], status_changed_at=None
            ).update(status_changed_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0013_ticket_times_and_snooze")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
