"""manage.py account_import ARCHIVE --subdomain SUBDOMAIN"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.portability.importing import ImportRefused, account_import


class Command(BaseCommand):
    help = (
        "Load an account_export archive as the account at SUBDOMAIN. Safe to run again "
        "after an interruption: it carries on, loading no row twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--subdomain", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            account, loaded = account_import(
                archive=Path(options["archive"]), subdomain=options["subdomain"]
            )
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{account.subdomain}: {sum(loaded.values())} rows loaded by this run "
            f"({', '.join(f'{k} {v}' for k, v in loaded.items() if v) or 'nothing left to load'})"
        )
