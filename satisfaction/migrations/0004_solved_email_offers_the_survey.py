"""The existing accounts' default "Notify requester of solved request" trigger gains
the survey's links ({{satisfaction.rating_section}}), as a new account's has, but only
where nobody edited its text: a body equal to the old default, in any of our languages,
is the default's; any other body is an admin's words and stays as written."""

from django.db import migrations

PLACEHOLDER = "\n\n{{satisfaction.rating_section}}"
# The body before the survey (notifications/defaults.py before issue 26), as each
# language's catalogue gave it to new accounts.
OLD_BODIES = (
    "Hello {{ticket.requester.name}},\n\nYour request #{{ticket.id}} has been solved. If "
    "something is still wrong, just reply to this email: the team will see your answer."
    "\n\n{{ticket.url}}",
    "Ciao {{ticket.requester.name}},\n\nla tua richiesta n. {{ticket.id}} è stata risolta. "
    "Se qualcosa non va ancora, rispondi pure a questa email: il team vedrà la tua "
    "risposta.\n\n{{ticket.url}}",
    "Hola {{ticket.requester.name}}:\n\nSu solicitud n.º {{ticket.id}} se ha resuelto. Si "
    "algo sigue sin funcionar, basta con responder a este correo electrónico: el equipo "
    "verá su respuesta.\n\n{{ticket.url}}",
)


def offer_the_survey(apps, schema_editor):
    """Each account's trigger updated while working for it (the pattern of 0002)."""
    Account = apps.get_model("accounts", "Account")
    Trigger = apps.get_model("notifications", "Trigger")
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
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
        found = Trigger.objects.filter(account_id=account_id, default_key="requester_solved")
        for trigger in found:
            changed = False
            for action in trigger.actions:
                if action.get("action") == "email_requester" and action.get("body") in OLD_BODIES:
                    action["body"] += PLACEHOLDER
                    changed = True
            if changed:
                trigger.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [
        ("satisfaction", "0003_ticket_rated_index"),
        ("notifications", "0011_delivery_kinds"),
    ]

    operations = [migrations.RunPython(offer_the_survey, migrations.RunPython.noop)]
