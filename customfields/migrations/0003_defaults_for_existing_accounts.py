"""Accounts made before custom fields existed get the seeds' fields and forms (new
accounts get them when they are made, customfields.apps), in their default language.

Idempotent: an account that has any ticket field is left alone for fields, one that has
any form for forms (an account with fields of its own and no form gets a default form
with its fields). Cheap: a handful of rows per account and no ticket is written (a
ticket that names no form reads as on the default one). Rows are written while working
for each account, as row-level security wants; numbers come from the account's counter
(accounts.Sequence), as NumberedTenantModel gives them (the pattern of
tickets/migrations/0016)."""

from django.db import migrations
from django.utils import translation

from customfields.defaults import DEFAULT_FIELDS, DEFAULT_FORMS, _translations


def _accounts(apps, connection):
    if connection.vendor != "postgresql":
        Account = apps.get_model("accounts", "Account")
        return list(Account.objects.values_list("id", "default_locale"))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_account NO FORCE ROW LEVEL SECURITY")
        cursor.execute("SELECT id, default_locale FROM accounts_account ORDER BY id")
        rows = cursor.fetchall()
        cursor.execute("ALTER TABLE accounts_account FORCE ROW LEVEL SECURITY")
    return rows


def _next(cursor, account_id, name):
    cursor.execute(
        "INSERT INTO accounts_sequence (account_id, name, value) VALUES (%s, %s, 1) "
        "ON CONFLICT (account_id, name) DO UPDATE "
        "SET value = accounts_sequence.value + 1 RETURNING value",
        [account_id, name],
    )
    return cursor.fetchone()[0]


def install(apps, schema_editor):
    TicketField = apps.get_model("customfields", "TicketField")
    TicketFieldOption = apps.get_model("customfields", "TicketFieldOption")
    TicketForm = apps.get_model("customfields", "TicketForm")
    connection = schema_editor.connection
    for account_id, locale in _accounts(apps, connection):
        with connection.cursor() as cursor, translation.override(locale or "en"):
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.account_id', %s, true)", [str(account_id)])
            made = []
            had_fields = TicketField.objects.filter(account_id=account_id).exists()
            for position, spec in enumerate([] if had_fields else DEFAULT_FIELDS, start=1):
                field = TicketField.objects.create(
                    account_id=account_id,
                    number=_next(cursor, account_id, "customfields.ticketfield"),
                    kind="tagger",
                    title=translation.gettext(spec["title"]),
                    translations=_translations(spec["title"]),
                    position=position,
                    required=spec.get("required", False),
                    required_for_types=spec.get("required_for_types", []),
                )
                for option_position, (value, title) in enumerate(spec["options"], start=1):
                    TicketFieldOption.objects.create(
                        account_id=account_id,
                        number=_next(cursor, account_id, "customfields.ticketfieldoption"),
                        field=field,
                        value=value,
                        title=translation.gettext(title),
                        translations=_translations(title),
                        position=option_position,
                    )
                made.append(field)
            if TicketForm.objects.filter(account_id=account_id).exists():
                continue
            forms = DEFAULT_FORMS
            if had_fields:  # its own fields, all on one default form
                made = list(
                    TicketField.objects.filter(account_id=account_id).order_by("position", "id")
                )
                forms = [{**DEFAULT_FORMS[0], "fields": list(range(len(made)))}]
            for position, spec in enumerate(forms, start=1):
                TicketForm.objects.create(
                    account_id=account_id,
                    number=_next(cursor, account_id, "customfields.ticketform"),
                    name=translation.gettext(spec["name"]),
                    translations=_translations(spec["name"]),
                    default=spec["default"],
                    position=position,
                    field_numbers=[made[i].number for i in spec["fields"]],
                )


class Migration(migrations.Migration):
    dependencies = [("customfields", "0002_ticketform")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
