"""A partial index over tickets that carry a rating (a small share of them): a view's
condition "Satisfaction is Good/Bad" reads it instead of the account's every ticket.
Created here, beside the ratings, on the tickets' table (``satisfaction_rating = 'bad'``
implies the index's ``<> ''``, so the planner may use it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0002_default_reasons_for_existing_accounts")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS ticket_satisfaction_rated ON tickets_ticket "
            "(account_id, satisfaction_rating, updated_at) WHERE satisfaction_rating <> ''",
            "DROP INDEX IF EXISTS ticket_satisfaction_rated",
        )
    ]
