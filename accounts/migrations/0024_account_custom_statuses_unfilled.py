"""Whether an account may still have tickets without a custom status (issue 19): set and
kept by tickets/migrations/0023, read by the views' conditions (tickets.conditions)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0023_organization_memberships")]

    operations = [
        migrations.AddField(
            model_name="account",
            name="custom_statuses_unfilled",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
    ]
