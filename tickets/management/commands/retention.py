"""manage.py retention [--dry-run] [--account SUBDOMAIN]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.dbsession import account_context, platform_access
from accounts.selectors import account_for_subdomain
from tickets.models import RetentionPolicy
from tickets.services.retention import retention_run


class Command(BaseCommand):
    help = (
        "Apply the accounts' retention settings: delete closed tickets and attachments "
        "past their months. --dry-run prints what would go and deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--account", help="one account's subdomain (default: every one)")

    def handle(self, *args: Any, **options: Any) -> None:
        with platform_access():
            if options["account"]:
                account = account_for_subdomain(options["account"])
                if account is None:
                    raise CommandError(f"No account with the subdomain {options['account']!r}.")
                accounts = [account]
            else:
                accounts = [
                    p.account for p in RetentionPolicy.all_accounts.select_related("account")
                ]
        if not accounts:
            self.stdout.write("No account has retention settings: everything is kept.")
        for account in accounts:
            with account_context(account):
                report = retention_run(account=account, dry_run=options["dry_run"])
            verb = "would delete" if report.dry_run else "deleted"
            self.stdout.write(
                f"{account.subdomain}: {verb} {report.tickets} closed tickets, "
                f"{report.others} chats and {report.attachments} attachments"
            )
