"""manage.py backfill_custom_statuses [--batch N] [--account SUBDOMAIN]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.dbsession import account_context, platform_access
from accounts.models import Account
from accounts.selectors import account_for_subdomain
from tickets.services.statuses import BACKFILL_BATCH, custom_statuses_backfill


class Command(BaseCommand):
    help = (
        "Give tickets without a custom status their category's default, a batch per "
        "transaction (after upgrading past tickets 0016; safe to re-run or interrupt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BACKFILL_BATCH)
        parser.add_argument("--account", help="one account's subdomain (default: every one)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        with platform_access():
            if options["account"]:
                account = account_for_subdomain(options["account"])
                if account is None:
                    raise CommandError(f"No account with the subdomain {options['account']!r}.")
                accounts = [account]
            else:
                accounts = list(Account.objects.order_by("pk"))
        for account in accounts:
            with account_context(account):
                filled = custom_statuses_backfill(account=account, batch=options["batch"])
            self.stdout.write(f"{account.subdomain}: {filled} tickets filled")
