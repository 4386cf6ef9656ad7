"""The default solved email promised that a reply reopens the request; a reply changes
no status (tickets rule 10). Accounts created before keep their trigger texts in the
database: the old sentence, in each language it was installed in, becomes the new one."""

from django.db import migrations

SENTENCES = [
    (
        "If something is still wrong, reply to this email and the request reopens.",
        "If something is still wrong, just reply to this email: the team will see your answer.",
    ),
    (
        "Se qualcosa non va ancora, rispondi a questa email e la richiesta verrà riaperta.",
        "Se qualcosa non va ancora, rispondi pure a questa email: il team vedrà la tua risposta.",
    ),
    (
        "Si algo sigue sin funcionar, responda a este correo electrónico y la solicitud se "
        "volverá a abrir.",
        "Si algo sigue sin funcionar, basta con responder a este correo electrónico: el equipo "
        "verá su respuesta.",
    ),
]


def rewrite(apps, schema_editor):
    Trigger = apps.get_model("notifications", "Trigger")
    for trigger in Trigger.objects.filter(default_key="requester_solved"):
        changed = False
        for action in trigger.actions:
            body = action.get("body") or ""
            for old, new in SENTENCES:
                if old in body:
                    body, changed = body.replace(old, new), True
            action["body"] = body
        if changed:
            trigger.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
