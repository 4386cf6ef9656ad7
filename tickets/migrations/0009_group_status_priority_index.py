"""(account, group, status) grows a fourth column, priority: a view on a group's unsolved
urgent or high tickets reads only those entries, and counts them from the index alone.
The new index is built before the old one goes, so the group lists are never unindexed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_default_views_for_existing_accounts")]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["account", "group", "status", "priority"], name="ticket_acct_group_prio"
            ),
        ),
        migrations.RemoveIndex(model_name="ticket", name="ticket_acct_group"),
    ]
