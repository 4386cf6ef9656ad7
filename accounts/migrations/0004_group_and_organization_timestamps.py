"""Groups get created_at and updated_at, organizations updated_at and details (issue 23,
defects 3 and 5): Zendesk always fills both times, and sync tools read changes since
their last ``updated_at``.

Backfill: a group's creation was never recorded; its account's creation is the earliest
it can be (and exact for the groups made with the account). An organization has not
changed since its creation as far as anything recorded says, and its API answer already
showed created_at as updated_at. Run by the tables' owner as ``migrate`` is; where row-
level security binds that role, rows it cannot see keep the migration's time, which is
still a time (never null) and never ahead of a later change."""

import django.utils.timezone
from django.db import migrations, models

BACKFILL = [
    """
    UPDATE accounts_agentgroup SET
        created_at = (SELECT a.created_at FROM accounts_account a
                      WHERE a.id = accounts_agentgroup.account_id),
        updated_at = (SELECT a.created_at FROM accounts_account a
                      WHERE a.id = accounts_agentgroup.account_id)
    """,
    "UPDATE accounts_organization SET updated_at = created_at",
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_signin_failure"),
    ]

    operations = [
        migrations.AddField(
            model_name="agentgroup",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="agentgroup",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="details",
            field=models.TextField(blank=True, verbose_name="details"),
        ),
        migrations.AddField(
            model_name="organization",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
