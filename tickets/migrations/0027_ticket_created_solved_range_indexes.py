"""The reports' click-through lists (issue 26, reports.clickthrough): the tickets created
in a date range, and the tickets solved (or since closed) in one, each read from its own
index instead of the account's tickets. Built CONCURRENTLY (``atomic = False``): at a
million tickets writes go on while they build."""

from django.db import migrations, models

from helpdesk.migration_ops import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0026_sentiment")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["account", "created_at", "id"], name="ticket_acct_created"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(status__in=["solved", "closed"]),
                fields=["account", "solved_at", "id"],
                name="ticket_acct_solved_range",
            ),
        ),
    ]
