"""manage.py account_export SUBDOMAIN [--output FILE] [--with-passwords]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.dbsession import platform_access
from accounts.portability.exporting import account_export
from accounts.selectors import account_for_subdomain


class Command(BaseCommand):
    help = "Write everything of one account (rows, files, settings, users) into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subdomain")
        parser.add_argument("--output", "-o", help="the archive (default SUBDOMAIN.tar.gz)")
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="include users' password hashes and API tokens' digests",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with platform_access():
            account = account_for_subdomain(options["subdomain"])
        if account is None:
            raise CommandError(f"No account with the subdomain {options['subdomain']!r}.")
        path = Path(options["output"] or f"{account.subdomain}.tar.gz")
        manifest = account_export(
            account=account, path=path, with_passwords=options["with_passwords"]
        )
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{path}: {rows} rows in {len(manifest['tables'])} tables, {manifest['files']} files"
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"missing file, not in the archive: {name}")
