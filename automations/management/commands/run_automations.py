"""`manage.py run_automations`: the scheduled pass, now (for `make run`, whose tasks run
in-process with no beat; production runs it from Celery beat every 10 minutes)."""

from django.core.management.base import BaseCommand

from automations.runs import automations_sweep


class Command(BaseCommand):
    help = (
        "Record the SLA alerts due, run every account's time-based automations and wake "
        "up the snoozed tickets due."
    )

    def handle(self, *args, **options):
        for subdomain, report in automations_sweep().items():
            fired = ", ".join(f"{name}: {n}" for name, n in report.fired.items() if n) or "-"
            self.stdout.write(
                f"{subdomain}: {fired}; woken up: {report.woken}; SLA alerts: {report.alerted}"
            )
