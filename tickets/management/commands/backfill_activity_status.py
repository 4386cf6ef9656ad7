"""manage.py backfill_activity_status [--account SUBDOMAIN] [--batch N]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.dbsession import platform_access
from accounts.models import Account
from accounts.selectors import account_for_subdomain
from tickets.services.activity import BACKFILL_BATCH, activity_backfill


class Command(BaseCommand):
    help = (
        "Fill the activity status of tickets older than it (tickets migration 0019), a "
        "batch of tickets per transaction; safe to stop and rerun."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", help="one account's subdomain (default: every one)")
        parser.add_argument("--batch", type=int, default=BACKFILL_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        with platform_access():
            if options["account"]:
                account = account_for_subdomain(options["account"])
                if account is None:
                    raise CommandError(f"No account with the subdomain {options['account']!r}.")
                accounts = [account]
            else:
                accounts = list(Account.objects.order_by("id"))
        for account in accounts:
            filled = activity_backfill(account=account, batch=max(1, options["batch"]))
            self.stdout.write(f"{account.subdomain}: {filled} tickets")
