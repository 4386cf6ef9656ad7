"""Priority's severity as a stored generated column (urgent 4 > high 3 > normal 2 > low 1 >
none 0), for lists sorted by priority (issue 18: by severity, not in the words'
alphabetical order) and for views' priority conditions:

- (account, priority_rank, number): a list sorted by priority reads its first page from
  the index;
- (account, group, status, priority) becomes (account, group, status, priority_rank):
  views test the rank, so a group's unsolved urgent tickets are still counted from the
  index alone. The new index is built before the old one goes.

Adding a stored generated column rewrites the tickets table once (at a million tickets,
about a minute under its lock on the bench machine): a maintenance window on a large
install. The rewrite also clears the table's visibility map, so until autovacuum comes by
the views' counts read the heap instead of the index alone (the sidebar of 12 views at
1M: 640 ms instead of 94): run ``VACUUM (ANALYZE) tickets_ticket`` after migrating. The
statistics the planner needs for the new column are gathered here (ANALYZE)."""

from django.conf import settings
from django.db import migrations, models


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE tickets_ticket")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_tags_trigram_index"),
        ("tickets", "0011_ticketevent_transaction_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="priority_rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(priority="low", then=models.Value(1)),
                    models.When(priority="normal", then=models.Value(2)),
                    models.When(priority="high", then=models.Value(3)),
                    models.When(priority="urgent", then=models.Value(4)),
                    default=models.Value(0),
                ),
                output_field=models.SmallIntegerField(),
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["account", "group", "status", "priority_rank"],
                name="ticket_acct_group_rank",
            ),
        ),
        migrations.RemoveIndex(model_name="ticket", name="ticket_acct_group_prio"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["account", "priority_rank", "number"], name="ticket_acct_prio_rank"
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True),
    ]
