"""Every row has its number now (0004): required, and unique in its account. A migration
of its own, so PostgreSQL alters the tables in another transaction than the one that
updated their rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_numbers")]

    operations = [
        *(
            migrations.AlterField(
                model_name=model,
                name="number",
                field=models.PositiveBigIntegerField(editable=False, verbose_name="number"),
            )
            for model in ("trigger", "suppression")
        ),
        *(
            migrations.AddConstraint(
                model_name=model,
                constraint=models.UniqueConstraint(
                    fields=("account", "number"), name=f"{model}_number_unique"
                ),
            )
            for model in ("trigger", "suppression")
        ),
    ]
