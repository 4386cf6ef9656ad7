"""The reports' SLA achievement (issue 26, reports/sla.py): the targets settled in a date
range, achieved ones by their fulfilment time and breached ones by their breach time,
each counted from its own partial index (the metric and the other time included, so an
admin's count reads no table row). Built CONCURRENTLY (``atomic = False``): at a million
tickets (3.9 M targets) writes go on while they build."""

from django.db import migrations, models

from helpdesk.migration_ops import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("servicelevels", "0003_sla_alerts")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="slatarget",
            index=models.Index(
                condition=models.Q(fulfilled_at__isnull=False, target_minutes__isnull=False),
                fields=["account", "fulfilled_at"],
                include=("metric", "breach_at", "ticket"),
                name="slatarget_fulfilled",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="slatarget",
            index=models.Index(
                condition=models.Q(breach_at__isnull=False, target_minutes__isnull=False),
                fields=["account", "breach_at"],
                include=("metric", "fulfilled_at", "ticket"),
                name="slatarget_breach",
            ),
        ),
    ]
