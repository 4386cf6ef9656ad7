"""Count every ticket again into the report rollups, from the tickets' histories."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from accounts.dbsession import platform_access
from accounts.models import Account
from reports.services import account_rebuild


class Command(BaseCommand):
    help = "Rebuild the reports' daily rollups from the ticket events."

    def add_arguments(self, parser):
        parser.add_argument("--account", help="one account's subdomain (default: all)")

    def handle(self, *args, **options):
        with platform_access():
            accounts = Account.objects.order_by("pk")
            if options["account"]:
                accounts = accounts.filter(subdomain=options["account"])
            found = list(accounts)
        for account in found:
            started = time.monotonic()
            n = account_rebuild(account=account)
            took = time.monotonic() - started
            self.stdout.write(f"{account.subdomain}: {n} tickets counted in {took:.1f} s")
