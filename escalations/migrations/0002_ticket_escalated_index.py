"""A partial index over escalated tickets (a small share of them): a view's condition
"Escalation is Escalated/Resolved" reads it instead of the account's every ticket.
Created here, beside the escalations, on the tickets' table, as satisfaction/0003 does."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_escalations")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS ticket_escalated ON tickets_ticket "
            "(account_id, escalation, updated_at) WHERE escalation <> ''",
            "DROP INDEX IF EXISTS ticket_escalated",
        )
    ]
