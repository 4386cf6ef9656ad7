"""The activity status (seed 002, issue 27) as a column of the ticket, kept by the services.

At a million tickets neither step rewrites or locks the table for long: a nullable column
without a default is a catalogue change in PostgreSQL (no row is rewritten), and the index
is built CONCURRENTLY (hence ``atomic = False``), so writes go on meanwhile. Existing
tickets are filled in afterwards, in batches of ids each its own short transaction, by
``manage.py backfill_activity_status`` (tickets.services.activity.activity_backfill);
until then their status reads as not set ("—" in a list, matched by no condition)."""

from django.db import migrations, models

from helpdesk.migration_ops import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0020_ticket_calls")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="activity_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("unread", "Unread"),
                    ("read", "Read"),
                    ("awaiting_contact", "Awaiting contact"),
                    ("awaiting_technician", "Awaiting technician"),
                ],
                max_length=20,
                null=True,
                verbose_name="activity status",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                fields=["account", "activity_status", "-updated_at", "-id"],
                name="ticket_acct_activity",
            ),
        ),
    ]
